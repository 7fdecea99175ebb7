"""Posting rules (SPEC §3): `posting.plan` turns a draft into ledger entries or refuses it whole."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from itemtrace.domain.documents import DocumentType, Role
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.reservations import reservation_conflicts, reservations
from itemtrace.domain.stock import needs
from itemtrace.domain.tracking import SerialUnique, TrackingKey
from tests.builders import (
    ADJUSTMENT,
    CUSTOMER,
    INBOUND_ONLY,
    LOCATIONS,
    OUTBOUND_ONLY,
    PRODUCTION,
    SCRAP,
    SPECIFIC,
    SUPPLIER,
    TODAY,
    TRANSIT,
    blocked_lot,
    blocked_package,
    blocked_serial,
    bucket,
    document,
    line,
    lot,
    lot_item,
    moved,
    package,
    package_item,
    planned,
    receipt,
    reservation,
    return_receipt,
    scrap,
    serial_item,
    serials,
    shipment,
    sn,
    stock,
    tracking_code,
    transfer,
    untracked_item,
)

YESTERDAY = TODAY - timedelta(days=1)
NEXT_MONTH = date(2026, 4, 10)


def codes(refused: pytest.ExceptionInfo[PostingRejected]) -> list[ErrorCode]:
    return [v.code for v in refused.value.violations]


# --- accepted postings --------------------------------------------------------------------------


def test_a_receipt_moves_each_serial_from_the_supplier_into_the_warehouse():
    drill = serial_item("DRILL-X")

    entries = planned(receipt(line("DRILL-X", *serials("SN-1", "SN-2"))), drill)

    assert moved(entries) == [
        ("SN-1", None, SUPPLIER, "WH1", Decimal(1)),
        ("SN-2", None, SUPPLIER, "WH1", Decimal(1)),
    ]
    assert [e.line_no for e in entries] == [1, 1]


def test_a_shipment_of_a_serial_in_stock_moves_it_to_the_customer():
    drill = serial_item("DRILL-X")
    on_hand = stock(bucket("DRILL-X", serial="SN-1"))

    entries = planned(shipment(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    assert moved(entries) == [("SN-1", None, "WH1", CUSTOMER, Decimal(1))]


def test_an_untracked_item_moves_by_quantity_alone():
    screw = untracked_item("SCREW")
    on_hand = stock(bucket("SCREW", 100))

    entries = planned(shipment(line("SCREW", quantity=40)), screw, stock=on_hand)

    assert moved(entries) == [(None, None, "WH1", CUSTOMER, Decimal(40))]


def test_an_in_transit_transfer_ships_into_the_transit_location():
    drill = serial_item("DRILL-X")
    on_hand = stock(bucket("DRILL-X", serial="SN-1"))

    entries = planned(transfer(line("DRILL-X", sn("SN-1")), in_transit=True), drill, stock=on_hand)

    assert moved(entries) == [("SN-1", None, "WH1", TRANSIT, Decimal(1))]


def test_an_assembly_consumes_components_into_production_and_outputs_from_it():
    drill = serial_item("DRILL-X")
    motor = lot_item("MOTOR")
    on_hand = stock(bucket("MOTOR", 5, lot="M-1"))
    build = document(
        DocumentType.ASSEMBLY,
        line("MOTOR", lot("M-1", 2), from_location="WH1", role=Role.CONSUME),
        line("DRILL-X", sn("SN-9"), to_location="WH1", role=Role.OUTPUT),
    )

    entries = planned(build, drill, motor, stock=on_hand)

    assert moved(entries) == [
        (None, "M-1", "WH1", PRODUCTION, Decimal(2)),
        ("SN-9", None, PRODUCTION, "WH1", Decimal(1)),
    ]


# --- tracking_required / tracking_not_allowed / tracking_incomplete -----------------------------


def test_a_receipt_of_a_serial_item_without_serials_is_refused_as_tracking_required():
    drill = serial_item("DRILL-X")

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("DRILL-X", quantity=2)), drill)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.TRACKING_REQUIRED
    assert violation.line == 1
    assert "serial" in violation.detail


def test_a_number_required_only_outbound_is_not_required_on_a_receipt():
    bolt = lot_item("BOLT", code=tracking_code("LOT-OUT", lot=OUTBOUND_ONLY))

    entries = planned(receipt(line("BOLT", quantity=10)), bolt)

    assert moved(entries) == [(None, None, SUPPLIER, "WH1", Decimal(10))]


def test_a_number_required_only_outbound_is_required_on_a_shipment():
    bolt = lot_item("BOLT", code=tracking_code("LOT-OUT", lot=OUTBOUND_ONLY))
    on_hand = stock(bucket("BOLT", 10, lot="B-1"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("BOLT", quantity=3)), bolt, stock=on_hand)

    assert codes(refused) == [ErrorCode.TRACKING_REQUIRED]


def test_a_serial_number_given_for_an_untracked_item_is_not_allowed():
    screw = untracked_item("SCREW")

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("SCREW", sn("SN-1"))), screw)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.TRACKING_NOT_ALLOWED
    assert violation.tracking == "SN-1"


def test_a_lot_number_given_for_a_serial_only_item_is_not_allowed():
    drill = serial_item("DRILL-X")

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("DRILL-X", sn("SN-1", lot="L-1"))), drill)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.TRACKING_NOT_ALLOWED
    assert violation.tracking == "L-1"


def test_serials_covering_part_of_the_line_quantity_leave_it_incomplete():
    drill = serial_item("DRILL-X")

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("DRILL-X", *serials("SN-1", "SN-2"), quantity=3)), drill)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.TRACKING_INCOMPLETE
    assert "undefined quantity 1" in violation.detail


def test_tracking_lines_adding_up_to_more_than_the_line_quantity_are_incomplete():
    milk = lot_item("MILK")

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("MILK", lot("L-1", 5), lot("L-2", 5), quantity=8)), milk)

    assert codes(refused) == [ErrorCode.TRACKING_INCOMPLETE]


def test_a_tracking_line_with_no_positive_quantity_is_refused():
    milk = lot_item("MILK")

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("MILK", lot("L-1", 5), lot("L-2", 0), quantity=5)), milk)

    assert ErrorCode.TRACKING_INCOMPLETE in codes(refused)


def test_a_serial_item_line_with_a_fractional_quantity_is_refused():
    drill = serial_item("DRILL-X", code=tracking_code("SN-IN", serial=INBOUND_ONLY))
    on_hand = stock(bucket("DRILL-X", serial="SN-1"), bucket("DRILL-X", serial="SN-2"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", quantity="1.5")), drill, stock=on_hand)

    assert codes(refused) == [ErrorCode.SERIAL_QUANTITY]


# --- serial_quantity ----------------------------------------------------------------------------


def test_a_serial_with_a_quantity_other_than_one_is_refused():
    drill = serial_item("DRILL-X")

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("DRILL-X", sn("SN-1", quantity=Decimal(2)))), drill)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.SERIAL_QUANTITY
    assert violation.tracking == "SN-1"


def test_a_serial_repeated_within_one_line_is_refused():
    drill = serial_item("DRILL-X")

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("DRILL-X", *serials("SN-1", "SN-1"))), drill)

    assert set(codes(refused)) == {ErrorCode.SERIAL_QUANTITY}
    assert {v.tracking for v in refused.value.violations} == {"SN-1"}


def test_a_serial_repeated_on_another_line_is_refused_on_the_later_line():
    drill = serial_item("DRILL-X")

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("DRILL-X", sn("SN-1")), line("DRILL-X", sn("SN-1"))), drill)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.SERIAL_QUANTITY
    assert violation.line == 2
    assert "first on line 1" in violation.detail


def test_the_same_serial_number_on_two_different_items_is_fine_in_one_document():
    drill = serial_item("DRILL-X")
    saw = serial_item("SAW")

    entries = planned(receipt(line("DRILL-X", sn("SN-1")), line("SAW", sn("SN-1"))), drill, saw)

    assert [(e.key.item, e.key.serial) for e in entries] == [("DRILL-X", "SN-1"), ("SAW", "SN-1")]


# --- serial_exists ------------------------------------------------------------------------------


def test_an_inbound_serial_already_in_stock_for_the_item_is_refused():
    drill = serial_item("DRILL-X")
    on_hand = stock(bucket("DRILL-X", serial="SN-1", at="WH2"))

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.SERIAL_EXISTS
    assert violation.tracking == "SN-1"
    assert "WH2" in violation.detail


def test_an_inbound_serial_that_is_in_transit_already_exists():
    drill = serial_item("DRILL-X")
    on_hand = stock(bucket("DRILL-X", serial="SN-1", at=TRANSIT))

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    assert codes(refused) == [ErrorCode.SERIAL_EXISTS]


def test_a_serial_that_was_shipped_to_a_customer_may_be_received_again():
    drill = serial_item("DRILL-X")
    history = stock(
        bucket("DRILL-X", serial="SN-1", at=CUSTOMER), bucket("DRILL-X", -1, serial="SN-1", at=SUPPLIER)
    )

    entries = planned(receipt(line("DRILL-X", sn("SN-1"))), drill, stock=history)

    assert moved(entries) == [("SN-1", None, SUPPLIER, "WH1", Decimal(1))]


def test_a_serial_unique_per_item_may_exist_on_another_item():
    drill = serial_item("DRILL-X")
    on_hand = stock(bucket("SAW", serial="SN-1"))

    entries = planned(receipt(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    assert moved(entries) == [("SN-1", None, SUPPLIER, "WH1", Decimal(1))]


def test_a_globally_unique_serial_is_refused_when_another_item_has_it_in_stock():
    global_sn = tracking_code("SN-GLOBAL", serial=SPECIFIC, serial_unique=SerialUnique.GLOBAL)
    drill = serial_item("DRILL-X", code=global_sn)
    on_hand = stock(bucket("SAW", serial="SN-1", at="WH2"))

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.SERIAL_EXISTS
    assert "SAW" in violation.detail


def test_needs_loads_globally_unique_serials_across_items():
    global_sn = tracking_code("SN-GLOBAL", serial=SPECIFIC, serial_unique=SerialUnique.GLOBAL)
    drill = serial_item("DRILL-X", code=global_sn)
    doc = receipt(line("DRILL-X", sn("SN-1")))

    wanted = needs(doc, {"DRILL-X": drill}, LOCATIONS)

    assert wanted.serials_global == {"SN-1"}
    assert wanted.serials_of_item == {("DRILL-X", "SN-1")}
    assert wanted.at_source == {}


# --- serial_not_available -----------------------------------------------------------------------


def test_an_outbound_serial_at_another_warehouse_is_not_available_and_the_detail_says_where():
    drill = serial_item("DRILL-X")
    on_hand = stock(bucket("DRILL-X", serial="SN-42", at="WH2"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", sn("SN-42")), at="WH1"), drill, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.SERIAL_NOT_AVAILABLE
    assert violation.tracking == "SN-42"
    assert "is at WH2, not at WH1" in violation.detail
    assert "transfer it first" in violation.detail


def test_an_outbound_serial_already_delivered_says_it_is_at_the_customer():
    drill = serial_item("DRILL-X")
    history = stock(bucket("DRILL-X", serial="SN-1", at=CUSTOMER))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", sn("SN-1"))), drill, stock=history)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.SERIAL_NOT_AVAILABLE
    assert f"is not in stock: it is at {CUSTOMER} (customer)" in violation.detail


def test_an_outbound_serial_never_received_is_not_in_stock_anywhere():
    drill = serial_item("DRILL-X")

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", sn("SN-404"))), drill)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.SERIAL_NOT_AVAILABLE
    assert "not in stock anywhere" in violation.detail


def test_the_same_serial_on_two_lines_of_a_transfer_is_refused_on_the_second_line():
    drill = serial_item("DRILL-X")
    on_hand = stock(bucket("DRILL-X", serial="SN-1"))
    doc = document(
        DocumentType.TRANSFER,
        line("DRILL-X", sn("SN-1"), from_location="WH1", to_location="WH2"),
        line("DRILL-X", sn("SN-1"), from_location="WH1", to_location="WH2"),
    )

    with pytest.raises(PostingRejected) as refused:
        planned(doc, drill, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.SERIAL_QUANTITY
    assert violation.line == 2


# --- insufficient_quantity ----------------------------------------------------------------------


def test_shipping_more_of_a_lot_than_is_at_the_source_is_insufficient():
    milk = lot_item("MILK")
    on_hand = stock(bucket("MILK", 5, lot="L-1"), bucket("MILK", 50, lot="L-1", at="WH2"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("MILK", lot("L-1", 8))), milk, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.INSUFFICIENT_QUANTITY
    assert violation.tracking == "L-1"
    assert "8 of lot L-1 of MILK requested at WH1, only 5 there" in violation.detail


def test_shipping_more_untracked_stock_than_is_at_the_source_is_insufficient():
    screw = untracked_item("SCREW")
    on_hand = stock(bucket("SCREW", 10))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("SCREW", quantity=11)), screw, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.INSUFFICIENT_QUANTITY
    assert violation.tracking is None
    assert "only 10 there" in violation.detail


def test_two_lines_that_together_exceed_the_lot_are_insufficient_on_the_second():
    milk = lot_item("MILK")
    on_hand = stock(bucket("MILK", 5, lot="L-1"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("MILK", lot("L-1", 3)), line("MILK", lot("L-1", 3))), milk, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.INSUFFICIENT_QUANTITY
    assert violation.line == 2


def test_shipping_more_of_a_package_than_is_at_the_source_is_insufficient():
    box = package_item("BOX")
    on_hand = stock(bucket("BOX", 2, package="P-1"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("BOX", package("P-1", 3))), box, stock=on_hand)

    assert codes(refused) == [ErrorCode.INSUFFICIENT_QUANTITY]


# --- tracking_blocked ---------------------------------------------------------------------------


def test_shipping_a_blocked_serial_is_refused():
    drill = serial_item("DRILL-X")
    on_hand = stock(bucket("DRILL-X", serial="SN-1"), blocked=[blocked_serial("DRILL-X", "SN-1")])

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.TRACKING_BLOCKED
    assert violation.tracking == "SN-1"


def test_shipping_a_blocked_lot_is_refused():
    milk = lot_item("MILK")
    on_hand = stock(bucket("MILK", 5, lot="L-1"), blocked=[blocked_lot("MILK", "L-1")])

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("MILK", lot("L-1", 2))), milk, stock=on_hand)

    assert codes(refused) == [ErrorCode.TRACKING_BLOCKED]


def test_a_lot_blocked_for_another_item_does_not_block_this_one():
    milk = lot_item("MILK")
    on_hand = stock(bucket("MILK", 5, lot="L-1"), blocked=[blocked_lot("CREAM", "L-1")])

    entries = planned(shipment(line("MILK", lot("L-1", 2))), milk, stock=on_hand)

    assert moved(entries) == [(None, "L-1", "WH1", CUSTOMER, Decimal(2))]


def test_a_blocked_package_is_refused_whatever_the_item():
    box = package_item("BOX")
    on_hand = stock(bucket("BOX", 2, package="P-1"), blocked=[blocked_package("P-1")])

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("BOX", package("P-1", 1))), box, stock=on_hand)

    assert codes(refused) == [ErrorCode.TRACKING_BLOCKED]


def test_shipping_a_serial_whose_lot_is_blocked_is_refused_as_blocked():
    code = tracking_code("SN-LOT", serial=SPECIFIC, lot=INBOUND_ONLY)
    drill = serial_item("DRILL-X", code=code)
    on_hand = stock(bucket("DRILL-X", serial="SN-1", lot="L-1"), blocked=[blocked_lot("DRILL-X", "L-1")])

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.TRACKING_BLOCKED
    assert violation.tracking == "L-1"


# --- lot_expired --------------------------------------------------------------------------------


STRICT = tracking_code("LOT-STRICT", lot=SPECIFIC, use_expiration_dates=True, strict_expiration=True)


def test_shipping_an_expired_lot_under_strict_expiration_is_refused():
    milk = lot_item("MILK", code=STRICT)
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=YESTERDAY))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("MILK", lot("L-1", 1))), milk, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.LOT_EXPIRED
    assert violation.tracking == "L-1"
    assert YESTERDAY.isoformat() in violation.detail


def test_shipping_a_lot_on_its_expiration_date_is_allowed():
    milk = lot_item("MILK", code=STRICT)
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=TODAY))

    entries = planned(shipment(line("MILK", lot("L-1", 1))), milk, stock=on_hand)

    assert moved(entries) == [(None, "L-1", "WH1", CUSTOMER, Decimal(1))]


def test_the_document_posting_date_not_today_decides_expiry():
    milk = lot_item("MILK", code=STRICT)
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=YESTERDAY))

    entries = planned(
        shipment(line("MILK", lot("L-1", 1)), posting_date=YESTERDAY), milk, stock=on_hand, today=TODAY
    )

    assert [e.expiration_date for e in entries] == [YESTERDAY]


def test_transferring_an_expired_lot_under_strict_expiration_is_refused():
    milk = lot_item("MILK", code=STRICT)
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=YESTERDAY))

    with pytest.raises(PostingRejected) as refused:
        planned(transfer(line("MILK", lot("L-1", 1))), milk, stock=on_hand)

    assert codes(refused) == [ErrorCode.LOT_EXPIRED]


def test_shipping_an_expired_serial_under_strict_expiration_is_refused():
    code = tracking_code("SN-STRICT", serial=SPECIFIC, use_expiration_dates=True, strict_expiration=True)
    drill = serial_item("DRILL-X", code=code)
    on_hand = stock(bucket("DRILL-X", serial="SN-1", expires=YESTERDAY))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    assert codes(refused) == [ErrorCode.LOT_EXPIRED]


def test_shipping_an_expired_lot_without_strict_expiration_is_allowed():
    lenient = tracking_code("LOT-EXP", lot=SPECIFIC, use_expiration_dates=True)
    milk = lot_item("MILK", code=lenient)
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=YESTERDAY))

    entries = planned(shipment(line("MILK", lot("L-1", 1))), milk, stock=on_hand)

    assert moved(entries) == [(None, "L-1", "WH1", CUSTOMER, Decimal(1))]


def test_scrapping_an_expired_lot_is_allowed_under_strict_expiration():
    milk = lot_item("MILK", code=STRICT)
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=YESTERDAY))

    entries = planned(scrap(line("MILK", lot("L-1", 5))), milk, stock=on_hand)

    assert moved(entries) == [(None, "L-1", "WH1", SCRAP, Decimal(5))]


def test_a_negative_adjustment_of_an_expired_lot_is_allowed_under_strict_expiration():
    milk = lot_item("MILK", code=STRICT)
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=YESTERDAY))
    doc = document(DocumentType.ADJUSTMENT, line("MILK", lot("L-1", 2), from_location="WH1"))

    entries = planned(doc, milk, stock=on_hand)

    assert moved(entries) == [(None, "L-1", "WH1", ADJUSTMENT, Decimal(2))]


def test_returning_an_expired_lot_to_the_vendor_is_allowed_under_strict_expiration():
    milk = lot_item("MILK", code=STRICT)
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=YESTERDAY))
    doc = document(DocumentType.RETURN_SHIPMENT, line("MILK", lot("L-1", 5), from_location="WH1"))

    entries = planned(doc, milk, stock=on_hand)

    assert moved(entries) == [(None, "L-1", "WH1", SUPPLIER, Decimal(5))]


# --- expiration dates on inbound ----------------------------------------------------------------


def test_a_received_lot_keeps_the_expiration_date_given():
    milk = lot_item("MILK", code=tracking_code("LOT-EXP", lot=SPECIFIC, use_expiration_dates=True))

    [entry] = planned(receipt(line("MILK", lot("L-1", 5, expiration_date=NEXT_MONTH))), milk)

    assert entry.expiration_date == NEXT_MONTH


def test_a_required_expiration_date_that_is_missing_is_refused():
    code = tracking_code("LOT-REQ", lot=SPECIFIC, use_expiration_dates=True, require_expiration_date=True)
    milk = lot_item("MILK", code=code)

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("MILK", lot("L-1", 5))), milk)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.EXPIRATION_DATE_REQUIRED
    assert violation.tracking == "L-1"


def test_a_required_expiration_date_is_computed_from_the_items_shelf_life():
    code = tracking_code("LOT-REQ", lot=SPECIFIC, use_expiration_dates=True, require_expiration_date=True)
    milk = lot_item("MILK", code=code, shelf_life="30D")

    [entry] = planned(receipt(line("MILK", lot("L-1", 5)), posting_date=date(2026, 1, 31)), milk)

    assert entry.expiration_date == date(2026, 3, 2)


def test_shelf_life_is_ignored_when_the_tracking_code_does_not_use_expiration_dates():
    milk = lot_item("MILK", shelf_life="30D")

    [entry] = planned(receipt(line("MILK", lot("L-1", 5))), milk)

    assert entry.expiration_date is None


def test_a_received_lot_already_in_stock_inherits_its_expiration_date():
    code = tracking_code("LOT-REQ", lot=SPECIFIC, use_expiration_dates=True, require_expiration_date=True)
    milk = lot_item("MILK", code=code, shelf_life="30D")
    on_hand = stock(bucket("MILK", 5, lot="L-1", at="WH2", expires=NEXT_MONTH))

    [entry] = planned(receipt(line("MILK", lot("L-1", 5))), milk, stock=on_hand)

    assert entry.expiration_date == NEXT_MONTH


def test_a_received_lot_in_stock_with_another_expiration_date_is_a_mismatch():
    milk = lot_item("MILK", code=tracking_code("LOT-EXP", lot=SPECIFIC, use_expiration_dates=True))
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=NEXT_MONTH))

    with pytest.raises(PostingRejected) as refused:
        planned(receipt(line("MILK", lot("L-1", 5, expiration_date=TODAY))), milk, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.EXPIRATION_DATE_MISMATCH
    assert violation.tracking == "L-1"
    assert NEXT_MONTH.isoformat() in violation.detail


def test_one_lot_received_on_two_lines_with_different_expiration_dates_is_a_mismatch():
    milk = lot_item("MILK", code=tracking_code("LOT-EXP", lot=SPECIFIC, use_expiration_dates=True))
    doc = receipt(
        line("MILK", lot("L-1", 5, expiration_date=NEXT_MONTH)),
        line("MILK", lot("L-1", 5, expiration_date=TODAY)),
    )

    with pytest.raises(PostingRejected) as refused:
        planned(doc, milk)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.EXPIRATION_DATE_MISMATCH
    assert violation.line == 2


def test_a_received_lot_in_stock_with_the_same_expiration_date_is_accepted():
    milk = lot_item("MILK", code=tracking_code("LOT-EXP", lot=SPECIFIC, use_expiration_dates=True))
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=NEXT_MONTH))

    [entry] = planned(receipt(line("MILK", lot("L-1", 5, expiration_date=NEXT_MONTH))), milk, stock=on_hand)

    assert entry.expiration_date == NEXT_MONTH


def test_an_outbound_entry_carries_the_expiration_date_of_the_stock_it_takes():
    milk = lot_item("MILK", code=tracking_code("LOT-EXP", lot=SPECIFIC, use_expiration_dates=True))
    on_hand = stock(bucket("MILK", 5, lot="L-1", expires=NEXT_MONTH))

    [entry] = planned(transfer(line("MILK", lot("L-1", 2))), milk, stock=on_hand)

    assert entry.expiration_date == NEXT_MONTH


# --- warranty dates on shipments ----------------------------------------------------------------


def test_a_shipment_sets_the_warranty_date_from_the_tracking_codes_formula():
    code = tracking_code("SN-WARRANTY", serial=SPECIFIC, warranty_formula="2Y", require_warranty_date=True)
    drill = serial_item("DRILL-X", code=code)
    on_hand = stock(bucket("DRILL-X", serial="SN-1"))

    [entry] = planned(shipment(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    assert entry.warranty_date == date(2028, 3, 10)


def test_a_warranty_date_given_on_the_shipment_wins_over_the_formula():
    code = tracking_code("SN-WARRANTY", serial=SPECIFIC, warranty_formula="2Y")
    drill = serial_item("DRILL-X", code=code)
    on_hand = stock(bucket("DRILL-X", serial="SN-1"))

    [entry] = planned(
        shipment(line("DRILL-X", sn("SN-1", warranty_date=date(2030, 1, 1)))), drill, stock=on_hand
    )

    assert entry.warranty_date == date(2030, 1, 1)


def test_a_required_warranty_date_without_a_formula_is_refused_on_a_shipment():
    code = tracking_code("SN-WREQ", serial=SPECIFIC, require_warranty_date=True)
    drill = serial_item("DRILL-X", code=code)
    on_hand = stock(bucket("DRILL-X", serial="SN-1"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.WARRANTY_DATE_REQUIRED
    assert violation.tracking == "SN-1"


def test_a_required_warranty_date_is_not_asked_for_on_a_receipt_or_transfer():
    code = tracking_code("SN-WREQ", serial=SPECIFIC, require_warranty_date=True)
    drill = serial_item("DRILL-X", code=code)
    on_hand = stock(bucket("DRILL-X", serial="SN-2"))

    received = planned(receipt(line("DRILL-X", sn("SN-1"))), drill)
    moved_on = planned(transfer(line("DRILL-X", sn("SN-2"))), drill, stock=on_hand)

    assert [e.warranty_date for e in received + moved_on] == [None, None]


# --- not_sold_to_partner ------------------------------------------------------------------------


def test_a_serial_comes_back_from_the_customer_it_was_delivered_to():
    drill = serial_item("DRILL-X")
    history = stock(
        bucket("DRILL-X", serial="SN-1", at=CUSTOMER),
        delivered={("CUST-1", TrackingKey("DRILL-X", "SN-1")): Decimal(1)},
    )

    entries = planned(return_receipt(line("DRILL-X", sn("SN-1")), partner="CUST-1"), drill, stock=history)

    assert moved(entries) == [("SN-1", None, CUSTOMER, "WH1", Decimal(1))]


def test_a_return_of_a_serial_delivered_to_another_customer_is_refused_naming_the_holder():
    drill = serial_item("DRILL-X")
    history = stock(
        bucket("DRILL-X", serial="SN-1", at=CUSTOMER),
        delivered={("CUST-2", TrackingKey("DRILL-X", "SN-1")): Decimal(1)},
    )

    with pytest.raises(PostingRejected) as refused:
        planned(return_receipt(line("DRILL-X", sn("SN-1")), partner="CUST-1"), drill, stock=history)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.NOT_SOLD_TO_PARTNER
    assert "held by CUST-2" in violation.detail


def test_a_return_of_a_serial_never_delivered_is_refused():
    drill = serial_item("DRILL-X")

    with pytest.raises(PostingRejected) as refused:
        planned(return_receipt(line("DRILL-X", sn("SN-1")), partner="CUST-1"), drill)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.NOT_SOLD_TO_PARTNER
    assert "not delivered to anyone" in violation.detail


def test_a_serial_already_returned_cannot_be_returned_again():
    drill = serial_item("DRILL-X")
    history = stock(
        bucket("DRILL-X", serial="SN-1"), delivered={("CUST-1", TrackingKey("DRILL-X", "SN-1")): Decimal(0)}
    )

    with pytest.raises(PostingRejected) as refused:
        planned(return_receipt(line("DRILL-X", sn("SN-1")), partner="CUST-1"), drill, stock=history)

    assert codes(refused) == [ErrorCode.SERIAL_EXISTS, ErrorCode.NOT_SOLD_TO_PARTNER]


# --- every violation at once --------------------------------------------------------------------


def test_every_violation_of_every_line_is_reported_at_once():
    drill = serial_item("DRILL-X")
    milk = lot_item("MILK")
    screw = untracked_item("SCREW")
    on_hand = stock(
        bucket("DRILL-X", serial="SN-1", at="WH2"),
        bucket("MILK", 1, lot="L-1"),
        bucket("SCREW", 3),
    )
    doc = shipment(
        line("DRILL-X", sn("SN-1")),
        line("MILK", lot("L-1", 4)),
        line("SCREW", sn("SN-9")),
        line("DRILL-X", quantity=1),
        line("SCREW", quantity=5),
    )

    with pytest.raises(PostingRejected) as refused:
        planned(doc, drill, milk, screw, stock=on_hand)

    assert [(v.line, v.code) for v in refused.value.violations] == [
        (1, ErrorCode.SERIAL_NOT_AVAILABLE),
        (2, ErrorCode.INSUFFICIENT_QUANTITY),
        (3, ErrorCode.TRACKING_NOT_ALLOWED),
        (4, ErrorCode.TRACKING_REQUIRED),
        (5, ErrorCode.INSUFFICIENT_QUANTITY),
    ]
    assert refused.value.code is ErrorCode.SERIAL_NOT_AVAILABLE
    assert "(and 4 more problem(s))" in refused.value.detail


def test_one_line_can_break_several_rules_and_all_are_reported():
    code = tracking_code("SN-WREQ", serial=SPECIFIC, require_warranty_date=True)
    drill = serial_item("DRILL-X", code=code)
    on_hand = stock(
        bucket("DRILL-X", serial="SN-1"),
        bucket("DRILL-X", serial="SN-2"),
        blocked=[blocked_serial("DRILL-X", "SN-1")],
    )

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", *serials("SN-1", "SN-2", "SN-3"))), drill, stock=on_hand)

    assert sorted((v.tracking, v.code) for v in refused.value.violations) == [
        ("SN-1", ErrorCode.TRACKING_BLOCKED),
        ("SN-1", ErrorCode.WARRANTY_DATE_REQUIRED),
        ("SN-2", ErrorCode.WARRANTY_DATE_REQUIRED),
        ("SN-3", ErrorCode.SERIAL_NOT_AVAILABLE),
    ]


# --- picking what the document leaves open ------------------------------------------------------


LOT_IN = tracking_code("LOT-IN", lot=INBOUND_ONLY, use_expiration_dates=True)
STRICT_LOT_IN = tracking_code(
    "LOT-IN-STRICT", lot=INBOUND_ONLY, use_expiration_dates=True, strict_expiration=True
)


def test_unspecified_lots_are_picked_first_expired_first_out():
    milk = lot_item("MILK", code=LOT_IN)
    on_hand = stock(
        bucket("MILK", 10, lot="LATE", expires=date(2026, 6, 1)),
        bucket("MILK", 3, lot="EARLY", expires=date(2026, 4, 1)),
        bucket("MILK", 10, lot="NEVER"),
    )

    entries = planned(shipment(line("MILK", quantity=5)), milk, stock=on_hand)

    assert moved(entries) == [
        (None, "EARLY", "WH1", CUSTOMER, Decimal(3)),
        (None, "LATE", "WH1", CUSTOMER, Decimal(2)),
    ]


def test_lots_with_the_same_expiration_are_picked_first_in_first_out():
    milk = lot_item("MILK", code=LOT_IN)
    on_hand = stock(
        bucket("MILK", 4, lot="NEWER", since=date(2026, 2, 1)),
        bucket("MILK", 4, lot="OLDER", since=date(2026, 1, 1)),
    )

    entries = planned(shipment(line("MILK", quantity=6)), milk, stock=on_hand)

    assert [(e.key.lot, e.quantity) for e in entries] == [("OLDER", Decimal(4)), ("NEWER", Decimal(2))]


def test_unspecified_lots_are_picked_only_at_the_source_location():
    milk = lot_item("MILK", code=LOT_IN)
    on_hand = stock(
        bucket("MILK", 4, lot="THERE", at="WH2", expires=date(2026, 3, 20)),
        bucket("MILK", 4, lot="HERE", expires=date(2026, 5, 1)),
    )

    entries = planned(shipment(line("MILK", quantity=4)), milk, stock=on_hand)

    assert [e.key.lot for e in entries] == ["HERE"]


def test_blocked_lots_are_never_picked_automatically():
    milk = lot_item("MILK", code=LOT_IN)
    on_hand = stock(
        bucket("MILK", 10, lot="BLOCKED", expires=date(2026, 4, 1)),
        bucket("MILK", 10, lot="GOOD", expires=date(2026, 6, 1)),
        blocked=[blocked_lot("MILK", "BLOCKED")],
    )

    entries = planned(shipment(line("MILK", quantity=5)), milk, stock=on_hand)

    assert [(e.key.lot, e.quantity) for e in entries] == [("GOOD", Decimal(5))]


def test_when_only_blocked_lots_remain_the_shipment_is_insufficient():
    milk = lot_item("MILK", code=LOT_IN)
    on_hand = stock(bucket("MILK", 10, lot="BLOCKED"), blocked=[blocked_lot("MILK", "BLOCKED")])

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("MILK", quantity=5)), milk, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.INSUFFICIENT_QUANTITY
    assert "only 0 there" in violation.detail


def test_named_lots_and_the_unspecified_rest_are_planned_together():
    milk = lot_item("MILK", code=LOT_IN)
    on_hand = stock(
        bucket("MILK", 3, lot="EARLY", expires=date(2026, 4, 1)),
        bucket("MILK", 10, lot="LATE", expires=date(2026, 6, 1)),
    )

    entries = planned(shipment(line("MILK", lot("LATE", 4), quantity=6)), milk, stock=on_hand)

    assert [(e.key.lot, e.quantity) for e in entries] == [("LATE", Decimal(4)), ("EARLY", Decimal(2))]


def test_auto_pick_passes_over_expired_lots_when_expiration_is_strict():
    milk = lot_item("MILK", code=STRICT_LOT_IN)
    on_hand = stock(
        bucket("MILK", 10, lot="EXPIRED", expires=YESTERDAY),
        bucket("MILK", 10, lot="FRESH", expires=NEXT_MONTH),
    )

    entries = planned(shipment(line("MILK", quantity=5)), milk, stock=on_hand)

    assert [(e.key.lot, e.quantity) for e in entries] == [("FRESH", Decimal(5))]


def test_auto_pick_under_strict_expiration_never_takes_expired_stock_and_is_short_instead():
    milk = lot_item("MILK", code=STRICT_LOT_IN)
    on_hand = stock(
        bucket("MILK", 10, lot="EXPIRED", expires=YESTERDAY),
        bucket("MILK", 2, lot="FRESH", expires=NEXT_MONTH),
    )

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("MILK", quantity=5)), milk, stock=on_hand)
    [entry] = planned(shipment(line("MILK", quantity=2)), milk, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.INSUFFICIENT_QUANTITY
    assert "only 2 there" in violation.detail
    assert (entry.key.lot, entry.quantity) == ("FRESH", Decimal(2))


def test_a_lot_cannot_leave_a_place_dated_before_it_arrived_there():
    milk = lot_item("MILK")
    on_hand = stock(bucket("MILK", 10, lot="L1", since=TODAY))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("MILK", lot("L1", 2)), posting_date=YESTERDAY), milk, stock=on_hand)

    [violation] = refused.value.violations
    assert (violation.code, violation.tracking) == (ErrorCode.POSTING_DATE_ORDER, "L1")
    assert f"arrived at WH1 on {TODAY.isoformat()}" in violation.detail


def test_unspecified_serials_are_picked_one_entry_per_serial():
    drill = serial_item("DRILL-X", code=tracking_code("SN-IN", serial=INBOUND_ONLY))
    on_hand = stock(*(bucket("DRILL-X", serial=f"SN-{n}", since=date(2026, 1, n)) for n in (3, 1, 2)))

    entries = planned(shipment(line("DRILL-X", quantity=2)), drill, stock=on_hand)

    assert moved(entries) == [
        ("SN-1", None, "WH1", CUSTOMER, Decimal(1)),
        ("SN-2", None, "WH1", CUSTOMER, Decimal(1)),
    ]


# --- needs --------------------------------------------------------------------------------------


def test_needs_loads_every_bucket_at_the_source_when_something_is_left_to_pick():
    milk = lot_item("MILK", code=LOT_IN)
    doc = shipment(line("MILK", lot("L-1", 2), quantity=5))

    wanted = needs(doc, {"MILK": milk}, LOCATIONS)

    assert wanted.at_source == {("MILK", "WH1"): None}
    assert wanted.lots_of_item == {("MILK", "L-1")}


def test_needs_loads_only_the_named_numbers_when_everything_is_named():
    drill = serial_item("DRILL-X")
    doc = shipment(line("DRILL-X", *serials("SN-1", "SN-2")))

    wanted = needs(doc, {"DRILL-X": drill}, LOCATIONS)

    assert wanted.at_source == {("DRILL-X", "WH1"): ({"SN-1", "SN-2"}, set(), set())}
    assert wanted.items == {"DRILL-X"}


def test_needs_loads_the_delivery_history_of_returned_serials():
    drill = serial_item("DRILL-X")
    doc = return_receipt(line("DRILL-X", sn("SN-1")))

    wanted = needs(doc, {"DRILL-X": drill}, LOCATIONS)

    assert wanted.returned == {("WH1", TrackingKey("DRILL-X", "SN-1"))}


# --- expiration dates of lots that left stock ---------------------------------------------------


def test_a_lot_that_has_left_stock_entirely_may_be_received_again_with_a_new_expiration_date():
    milk = lot_item("MILK", code=tracking_code("LOT-EXP", lot=SPECIFIC, use_expiration_dates=True))
    history = stock(
        bucket("MILK", 5, lot="L-1", at=CUSTOMER, expires=YESTERDAY),
        bucket("MILK", 2, lot="L-1", at=SCRAP, expires=YESTERDAY),
    )

    [entry] = planned(receipt(line("MILK", lot("L-1", 5, expiration_date=NEXT_MONTH))), milk, stock=history)

    assert entry.expiration_date == NEXT_MONTH


def test_a_lot_returned_by_a_customer_comes_back_with_the_expiration_date_it_left_with():
    milk = lot_item("MILK", code=tracking_code("LOT-EXP", lot=SPECIFIC, use_expiration_dates=True))
    history = stock(
        bucket("MILK", 5, lot="L-1", at=CUSTOMER, expires=NEXT_MONTH),
        delivered={("CUST-1", TrackingKey("MILK", lot="L-1")): Decimal(5)},
    )

    [entry] = planned(return_receipt(line("MILK", lot("L-1", 2)), partner="CUST-1"), milk, stock=history)

    assert entry.expiration_date == NEXT_MONTH


def test_a_serial_named_with_the_wrong_lot_is_not_available_and_the_detail_names_its_lot():
    drill = serial_item("DRILL-X", code=tracking_code("SN-LOT", serial=SPECIFIC, lot=SPECIFIC))
    on_hand = stock(bucket("DRILL-X", serial="SN-1", lot="L-1"))

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", sn("SN-1", lot="L-2"))), drill, stock=on_hand)

    [violation] = refused.value.violations
    assert violation.code is ErrorCode.SERIAL_NOT_AVAILABLE
    assert "lot L-1" in violation.detail
    assert "not at WH1" not in violation.detail


def test_a_return_of_a_serial_that_is_still_in_stock_names_both_problems():
    drill = serial_item("DRILL-X")
    in_stock = stock(bucket("DRILL-X", serial="SN-1", at="WH1"))

    with pytest.raises(PostingRejected) as refused:
        planned(return_receipt(line("DRILL-X", sn("SN-1")), partner="CUST-1"), drill, stock=in_stock)

    codes = [v.code for v in refused.value.violations]
    assert codes == [ErrorCode.SERIAL_EXISTS, ErrorCode.NOT_SOLD_TO_PARTNER]


# --- reserved: open documents reserve what they name --------------------------------------------


def test_a_serial_reserved_by_another_open_document_is_refused_naming_that_document():
    drill = serial_item("DRILL-X")
    on_hand = stock(
        bucket("DRILL-X", serial="SN-1"), reserved=[reservation("SHIP-000012", "DRILL-X", serial="SN-1")]
    )

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("DRILL-X", sn("SN-1"))), drill, stock=on_hand)

    [violation] = refused.value.violations
    assert (violation.code, violation.line, violation.tracking) == (ErrorCode.RESERVED, 1, "SN-1")
    assert violation.detail == (
        "line 1: serial SN-1 of DRILL-X at WH1 is reserved by SHIP-000012, an open document: "
        "post or cancel SHIP-000012 first, or pick another serial"
    )


def test_a_lot_partly_reserved_gives_only_what_is_left_and_refuses_more_as_reserved():
    milk = lot_item("MILK")
    on_hand = stock(bucket("MILK", 10, lot="L1"), reserved=[reservation("SHIP-000003", "MILK", 8, lot="L1")])

    entries = planned(shipment(line("MILK", lot("L1", 2))), milk, stock=on_hand)
    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("MILK", lot("L1", 3))), milk, stock=on_hand)

    assert moved(entries) == [(None, "L1", "WH1", CUSTOMER, Decimal(2))]
    [violation] = refused.value.violations
    assert (violation.code, violation.tracking) == (ErrorCode.RESERVED, "L1")
    assert violation.detail == (
        "line 1: 3 of lot L1 of MILK requested at WH1: 10 there, but 8 of it reserved by SHIP-000003: "
        "post or cancel SHIP-000003 first, or lower the quantity"
    )


def test_more_than_is_on_hand_stays_insufficient_quantity_even_when_some_is_reserved():
    milk = lot_item("MILK")
    on_hand = stock(bucket("MILK", 10, lot="L1"), reserved=[reservation("SHIP-000003", "MILK", 8, lot="L1")])

    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("MILK", lot("L1", 11))), milk, stock=on_hand)

    assert codes(refused) == [ErrorCode.INSUFFICIENT_QUANTITY]
    assert "only 10 there (8 of it reserved by SHIP-000003)" in refused.value.violations[0].detail


def test_a_documents_own_reservation_does_not_block_its_own_posting():
    drill = serial_item("DRILL-X")
    on_hand = stock(
        bucket("DRILL-X", serial="SN-1"), reserved=[reservation("SHIP-000007", "DRILL-X", serial="SN-1")]
    )

    entries = planned(shipment(line("DRILL-X", sn("SN-1")), number="SHIP-000007"), drill, stock=on_hand)

    assert moved(entries) == [("SN-1", None, "WH1", CUSTOMER, Decimal(1))]


def test_auto_picking_skips_reserved_lots_and_serials():
    milk = lot_item("MILK", code=tracking_code("LOTIN", lot=INBOUND_ONLY))
    drill = serial_item("DRILL-X", code=tracking_code("SNO", serial=INBOUND_ONLY))
    on_hand = stock(
        bucket("MILK", 5, lot="L-OLD", expires=YESTERDAY + timedelta(days=30)),
        bucket("MILK", 5, lot="L-NEW", expires=NEXT_MONTH + timedelta(days=30)),
        bucket("DRILL-X", serial="SN-1", since=YESTERDAY),
        bucket("DRILL-X", serial="SN-2", since=TODAY),
        reserved=[
            reservation("SHIP-000001", "MILK", 4, lot="L-OLD"),
            reservation("SHIP-000002", "DRILL-X", serial="SN-1"),
        ],
    )

    entries = planned(
        shipment(line("MILK", quantity=3), line("DRILL-X", quantity=1)), milk, drill, stock=on_hand
    )

    assert moved(entries) == [
        (None, "L-OLD", "WH1", CUSTOMER, Decimal(1)),
        (None, "L-NEW", "WH1", CUSTOMER, Decimal(2)),
        ("SN-2", None, "WH1", CUSTOMER, Decimal(1)),
    ]


def test_an_untracked_quantity_reserved_elsewhere_leaves_the_rest_to_pick():
    screw = untracked_item("SCREW")
    on_hand = stock(bucket("SCREW", 100), reserved=[reservation("SHIP-000009", "SCREW", 70)])

    entries = planned(shipment(line("SCREW", quantity=30)), screw, stock=on_hand)
    with pytest.raises(PostingRejected) as refused:
        planned(shipment(line("SCREW", quantity=31)), screw, stock=on_hand)

    assert moved(entries) == [(None, None, "WH1", CUSTOMER, Decimal(30))]
    assert codes(refused) == [ErrorCode.RESERVED]


def test_a_reservation_at_another_location_does_not_lessen_this_one():
    milk = lot_item("MILK")
    on_hand = stock(
        bucket("MILK", 10, lot="L1"), reserved=[reservation("TRF-000004", "MILK", 10, lot="L1", at="WH2")]
    )

    entries = planned(shipment(line("MILK", lot("L1", 10))), milk, stock=on_hand)

    assert moved(entries) == [(None, "L1", "WH1", CUSTOMER, Decimal(10))]


def test_a_draft_reserves_named_numbers_and_untracked_quantities_of_its_outbound_lines_only():
    drill, milk, screw = serial_item("DRILL-X"), lot_item("MILK"), untracked_item("SCREW")
    policies = {p.item.sku: p for p in (drill, milk, screw)}
    draft = shipment(
        line("DRILL-X", sn("SN-1"), quantity=2),
        line("MILK", quantity=4),
        line("SCREW", quantity=7),
        number="SHIP-000001",
    )
    on_hand = stock(bucket("DRILL-X", serial="SN-1", lot=None, package="P-1"))

    claims = reservations(draft, policies, LOCATIONS, on_hand)

    assert [(r.document, r.location, r.key, r.quantity, r.line_no) for r in claims] == [
        ("SHIP-000001", "WH1", TrackingKey("DRILL-X", "SN-1", None, "P-1"), Decimal(1), 1),
        ("SHIP-000001", "WH1", TrackingKey("SCREW"), Decimal(7), 3),
    ]
    assert reservations(receipt(line("DRILL-X", sn("SN-9"))), policies, LOCATIONS) == []


def test_storing_a_draft_is_refused_only_for_reserved_stock():
    drill = serial_item("DRILL-X")
    policies = {"DRILL-X": drill}
    on_hand = stock(
        bucket("DRILL-X", serial="SN-1"), reserved=[reservation("SHIP-000012", "DRILL-X", serial="SN-1")]
    )

    conflicts = reservation_conflicts(
        shipment(line("DRILL-X", *serials("SN-1", "SN-404"))), on_hand, policies, LOCATIONS, today=TODAY
    )

    assert [(v.code, v.tracking) for v in conflicts] == [(ErrorCode.RESERVED, "SN-1")]
