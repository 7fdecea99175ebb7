"""Numbers given on the way out (tracking required on outbound postings only): stock comes in
untracked and gets its serial or lot number when it leaves."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itemtrace.domain.documents import Assign
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.ledger import fold, unbalanced_keys
from itemtrace.domain.outbound_numbers import NUMBERED_VIA, assigns_on_outbound, given_on_outbound
from itemtrace.domain.reservations import reservations
from itemtrace.domain.stock import needs
from itemtrace.domain.tracking import DimensionPolicy, SerialUnique, TrackingKey
from tests.builders import (
    CUSTOMER,
    LOCATIONS,
    OUTBOUND_ONLY,
    TODAY,
    blocked_lot,
    bucket,
    line,
    lot,
    lot_item,
    moved,
    planned,
    receipt,
    reservation,
    serial_item,
    serials,
    shipment,
    sn,
    stock,
    tracking_code,
    transfer,
)

PHONE = serial_item("PHONE", code=tracking_code("SN-OUT", serial=OUTBOUND_ONLY, warranty_formula="1Y"))
GLOBAL_PHONE = serial_item(
    "PHONE", code=tracking_code("SN-OUT-G", serial=OUTBOUND_ONLY, serial_unique=SerialUnique.GLOBAL)
)
FLOUR = lot_item("FLOUR", code=tracking_code("LOT-OUT", lot=OUTBOUND_ONLY))


def codes(refused: pytest.ExceptionInfo[PostingRejected]) -> list[ErrorCode]:
    return [v.code for v in refused.value.violations]


def test_only_a_number_required_outbound_alone_is_given_on_the_way_out():
    assert [d.value for d in given_on_outbound(PHONE.code)] == ["serial"]
    assert given_on_outbound(serial_item("DRILL").code) == ()
    assert given_on_outbound(tracking_code("BOTH", serial=DimensionPolicy(inbound=True, outbound=True))) == ()


def test_a_new_serial_on_a_shipment_is_taken_from_the_untracked_stock_and_numbered_where_it_stands():
    on_hand = stock(bucket("PHONE", 5))

    entries = planned(shipment(line("PHONE", *serials("P-1", "P-2"))), PHONE, stock=on_hand)

    assert moved(entries) == [
        (None, None, "WH1", NUMBERED_VIA, Decimal(1)),
        ("P-1", None, NUMBERED_VIA, "WH1", Decimal(1)),
        (None, None, "WH1", NUMBERED_VIA, Decimal(1)),
        ("P-2", None, NUMBERED_VIA, "WH1", Decimal(1)),
        ("P-1", None, "WH1", CUSTOMER, Decimal(1)),
        ("P-2", None, "WH1", CUSTOMER, Decimal(1)),
    ]
    assert [e.warranty_date for e in entries if e.to_location == CUSTOMER] == [TODAY.replace(year=2027)] * 2


def test_every_key_still_sums_to_zero_and_the_untracked_stock_goes_down():
    receipt_entries = planned(receipt(line("PHONE", quantity=3)), PHONE)
    on_hand = stock(bucket("PHONE", 3))
    shipped = planned(shipment(line("PHONE", sn("P-1"))), PHONE, stock=on_hand)

    balances = fold([*receipt_entries, *shipped])

    assert unbalanced_keys(balances) == []
    assert balances[("WH1", TrackingKey("PHONE"))] == 2
    assert balances[(CUSTOMER, TrackingKey("PHONE", "P-1"))] == 1
    assert ("WH1", TrackingKey("PHONE", "P-1")) not in balances


def test_more_new_serials_than_untracked_stock_is_insufficient_quantity():
    on_hand = stock(bucket("PHONE", 1))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("PHONE", *serials("P-1", "P-2"))), PHONE, stock=on_hand)

    assert codes(refused) == [ErrorCode.INSUFFICIENT_QUANTITY]
    assert refused.value.violations[0].tracking == "P-2"
    assert "untracked stock of PHONE at WH1" in refused.value.violations[0].detail


def test_a_new_serial_that_exists_already_is_serial_exists():
    on_hand = stock(bucket("PHONE", 2), bucket("PHONE", at=CUSTOMER, serial="P-1"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("PHONE", sn("P-1"))), PHONE, stock=on_hand)

    assert codes(refused) == [ErrorCode.SERIAL_EXISTS]


def test_a_global_serial_of_another_item_is_serial_exists_and_of_an_item_unique_code_is_not():
    taken = stock(bucket("PHONE", 2), bucket("TABLET", at="WH2", serial="P-1"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("PHONE", sn("P-1"))), GLOBAL_PHONE, stock=taken)
    entries = planned(shipment(line("PHONE", sn("P-1"))), PHONE, stock=taken)

    assert codes(refused) == [ErrorCode.SERIAL_EXISTS]
    assert moved(entries)[-1] == ("P-1", None, "WH1", CUSTOMER, Decimal(1))


def test_a_serial_already_on_hand_under_its_number_leaves_as_it_is():
    on_hand = stock(bucket("PHONE", 2), bucket("PHONE", serial="P-9"))

    entries = planned(shipment(line("PHONE", sn("P-9"))), PHONE, stock=on_hand)

    assert moved(entries) == [("P-9", None, "WH1", CUSTOMER, Decimal(1))]


def test_a_new_lot_takes_what_the_lot_lacks_from_the_untracked_stock():
    on_hand = stock(bucket("FLOUR", 10), bucket("FLOUR", 2, lot="F-1"))

    entries = planned(shipment(line("FLOUR", lot("F-1", 5))), FLOUR, stock=on_hand)

    assert moved(entries) == [
        (None, None, "WH1", NUMBERED_VIA, Decimal(3)),
        (None, "F-1", NUMBERED_VIA, "WH1", Decimal(3)),
        (None, "F-1", "WH1", CUSTOMER, Decimal(5)),
    ]


def test_a_missing_number_is_still_required_and_the_message_offers_the_series():
    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("PHONE", quantity=1)), PHONE, stock=stock(bucket("PHONE", 1)))

    assert codes(refused) == [ErrorCode.TRACKING_REQUIRED]
    assert "assign them from the item's series" in refused.value.violations[0].detail


def test_untracked_stock_another_draft_reserved_is_reserved():
    on_hand = stock(bucket("PHONE", 1), reserved=[reservation("SHIP-000007", "PHONE")])

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("PHONE", sn("P-1"))), PHONE, stock=on_hand)

    assert codes(refused) == [ErrorCode.RESERVED]
    assert "SHIP-000007" in refused.value.violations[0].detail


def test_a_draft_naming_a_new_serial_reserves_the_untracked_stock_it_will_take():
    draft = shipment(line("PHONE", sn("P-1")), number="SHIP-000001")
    on_hand = stock(bucket("PHONE", 3))

    held = reservations(draft, {"PHONE": PHONE}, LOCATIONS, on_hand)

    assert [(r.key, r.quantity) for r in held] == [(TrackingKey("PHONE"), Decimal(1))]


def test_the_stock_load_takes_every_bucket_at_the_source_for_new_numbers():
    draft = shipment(line("PHONE", sn("P-1")))

    wanted = needs(draft, {"PHONE": PHONE}, LOCATIONS)

    assert wanted.at_source == {("PHONE", "WH1"): None}


def test_untracked_stock_in_a_blocked_lot_is_not_numbered_anew():
    code = tracking_code("SN-OUT-LOT", serial=OUTBOUND_ONLY, lot=DimensionPolicy(inbound=True))
    phone = serial_item("PHONE", code=code)
    on_hand = stock(bucket("PHONE", 1, lot="B-1"), blocked=[blocked_lot("PHONE", "B-1")])

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("PHONE", sn("P-1"))), phone, stock=on_hand)

    assert codes(refused) == [ErrorCode.INSUFFICIENT_QUANTITY]


def test_a_transfer_numbers_units_too_and_specific_tracking_is_untouched():
    moved_on = planned(transfer(line("PHONE", sn("P-1"))), PHONE, stock=stock(bucket("PHONE", 1)))

    with pytest.raises(PostingRejected) as refused:
        planned(
            shipment(line("DRILL-X", sn("D-1"))), serial_item("DRILL-X"), stock=stock(bucket("DRILL-X", 1))
        )

    assert moved(moved_on)[-1] == ("P-1", None, "WH1", "WH2", Decimal(1))
    assert codes(refused) == [ErrorCode.SERIAL_NOT_AVAILABLE]


def test_assign_on_an_outbound_line_is_for_numbers_given_on_the_way_out_only():
    ship_phone = shipment(line("PHONE", quantity=2))
    phone_line = replace(ship_phone.lines[0], assign=Assign(serial=True))
    run_line = replace(ship_phone.lines[0], assign=Assign(start="P-0001", count=2))
    lot_line = replace(ship_phone.lines[0], assign=Assign(lot=True))
    ship_drill = shipment(line("DRILL-X", quantity=2))
    drill_line = replace(ship_drill.lines[0], assign=Assign(serial=True))
    inbound = receipt(line("PHONE", quantity=2))

    assert assigns_on_outbound(ship_phone, phone_line, PHONE, LOCATIONS)
    assert assigns_on_outbound(ship_phone, run_line, PHONE, LOCATIONS)
    assert not assigns_on_outbound(ship_phone, lot_line, PHONE, LOCATIONS)
    assert not assigns_on_outbound(ship_drill, drill_line, serial_item("DRILL-X"), LOCATIONS)
    assert not assigns_on_outbound(
        inbound, replace(inbound.lines[0], assign=Assign(serial=True)), PHONE, LOCATIONS
    )


@given(
    untracked=st.integers(min_value=0, max_value=6),
    numbered=st.lists(st.sampled_from(["P-1", "P-2", "P-3", "P-4"]), max_size=3, unique=True),
    shipped=st.lists(
        st.sampled_from(["P-1", "P-2", "P-3", "P-4", "P-5", "P-6"]), min_size=1, max_size=5, unique=True
    ),
)
def test_numbering_on_the_way_out_keeps_every_key_at_zero_and_takes_only_what_is_there(
    untracked, numbered, shipped
):
    """Whatever is on hand (untracked units, units already numbered), a shipment of serials
    either is refused whole or moves each serial once, from stock that was there, and every key
    still sums to zero over all places."""
    on_hand = [bucket("PHONE", untracked, since=TODAY)] if untracked else []
    on_hand += [bucket("PHONE", serial=s, since=TODAY) for s in numbered]
    opening = planned(receipt(line("PHONE", quantity=untracked)), PHONE) if untracked else []
    if numbered:
        opening += planned(receipt(line("PHONE", *serials(*numbered))), serial_item("PHONE"))
    new = [s for s in shipped if s not in numbered]

    try:
        entries = planned(shipment(line("PHONE", *serials(*shipped))), PHONE, stock=stock(*on_hand))
    except PostingRejected as refused:
        assert len(new) > untracked
        assert {v.code for v in refused.violations} == {ErrorCode.INSUFFICIENT_QUANTITY}
        return
    balances = fold([*opening, *entries])
    assert unbalanced_keys(balances) == []
    assert balances.get(("WH1", TrackingKey("PHONE")), Decimal(0)) == untracked - len(new)
    assert sorted(k.serial or "" for (at, k), q in balances.items() if at == CUSTOMER and q == 1) == sorted(
        shipped
    )
