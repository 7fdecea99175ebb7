"""In-transit transfers: shipping into transit, then receiving what was shipped, at once or in parts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.transit import plan_transit_receipt, transit_state
from tests.builders import (
    TRANSIT,
    bucket,
    line,
    lot,
    lot_item,
    moved,
    planned,
    serial_item,
    serials,
    sn,
    stock,
    transfer,
)


def shipped_into_transit():
    """A transfer WH1 → WH2 in transit of two drills and 4 kg of lot L-1, and its shipping entries."""
    doc = transfer(
        line("DRILL-X", *serials("SN-1", "SN-2")),
        line("MILK", lot("L-1", 4)),
        in_transit=True,
    )
    on_hand = stock(
        bucket("DRILL-X", serial="SN-1"),
        bucket("DRILL-X", serial="SN-2"),
        bucket("MILK", 10, lot="L-1"),
    )
    entries = planned(doc, serial_item("DRILL-X"), lot_item("MILK"), stock=on_hand)
    return doc, entries


def test_shipping_an_in_transit_transfer_moves_everything_into_transit():
    _, entries = shipped_into_transit()

    assert moved(entries) == [
        ("SN-1", None, "WH1", TRANSIT, Decimal(1)),
        ("SN-2", None, "WH1", TRANSIT, Decimal(1)),
        (None, "L-1", "WH1", TRANSIT, Decimal(4)),
    ]


def test_receiving_without_naming_anything_takes_all_that_was_shipped():
    doc, shipped = shipped_into_transit()

    entries = plan_transit_receipt(doc, shipped, None)

    assert moved(entries) == [
        ("SN-1", None, TRANSIT, "WH2", Decimal(1)),
        ("SN-2", None, TRANSIT, "WH2", Decimal(1)),
        (None, "L-1", TRANSIT, "WH2", Decimal(4)),
    ]
    assert [e.line_no for e in entries] == [1, 1, 2]


def test_receiving_exactly_what_was_shipped_in_another_order_is_accepted():
    doc, shipped = shipped_into_transit()
    received = [
        ("MILK", lot("L-1", 1)),
        ("DRILL-X", sn("SN-2")),
        ("MILK", lot("L-1", 3)),
        ("DRILL-X", sn("SN-1")),
    ]

    entries = plan_transit_receipt(doc, shipped, received)

    assert sorted(moved(entries), key=str) == sorted(moved(plan_transit_receipt(doc, shipped, None)), key=str)


def test_the_receipt_carries_the_expiration_date_of_what_was_shipped():
    doc = transfer(line("MILK", lot("L-1", 4)), in_transit=True)
    on_hand = stock(bucket("MILK", 4, lot="L-1", expires=date(2026, 5, 1)))
    shipped = planned(doc, lot_item("MILK"), stock=on_hand)

    [entry] = plan_transit_receipt(doc, shipped, None)

    assert (entry.from_location, entry.to_location) == (TRANSIT, "WH2")
    assert entry.expiration_date == date(2026, 5, 1)


def test_entries_that_did_not_go_into_transit_are_not_received():
    doc, shipped = shipped_into_transit()
    [first, *_] = shipped
    direct = replace(first, to_location="WH2")

    entries = plan_transit_receipt(doc, [direct], None)

    assert entries == []


def test_receiving_a_serial_that_was_not_shipped_is_a_transit_mismatch():
    doc, shipped = shipped_into_transit()
    received = [("DRILL-X", sn("SN-1")), ("DRILL-X", sn("SN-3")), ("MILK", lot("L-1", 4))]

    with pytest.raises(PostingRejected) as refused:
        plan_transit_receipt(doc, shipped, received)

    assert [(v.tracking, v.code) for v in refused.value.violations] == [("SN-3", ErrorCode.TRANSIT_MISMATCH)]


def test_receiving_part_of_what_was_shipped_leaves_the_rest_in_transit():
    doc, shipped = shipped_into_transit()
    received = [("DRILL-X", sn("SN-2")), ("MILK", lot("L-1", 3))]

    entries = plan_transit_receipt(doc, shipped, received)
    done, still = transit_state([*shipped, *entries])

    assert moved(entries) == [
        ("SN-2", None, TRANSIT, "WH2", Decimal(1)),
        (None, "L-1", TRANSIT, "WH2", Decimal(3)),
    ]
    assert [(t.line_no, t.key.serial, t.key.lot, t.quantity) for t in still] == [
        (1, "SN-1", None, Decimal(1)),
        (2, None, "L-1", Decimal(1)),
    ]
    assert sum(t.quantity for t in done) == Decimal(4)


def test_the_rest_is_received_later_and_a_number_is_never_received_twice():
    doc, shipped = shipped_into_transit()
    first = plan_transit_receipt(doc, shipped, [("DRILL-X", sn("SN-2")), ("MILK", lot("L-1", 3))])

    again = [("DRILL-X", sn("SN-2")), ("MILK", lot("L-1", 2))]
    with pytest.raises(PostingRejected) as refused:
        plan_transit_receipt(doc, [*shipped, *first], again)
    rest = plan_transit_receipt(doc, [*shipped, *first], None)

    assert sorted((v.tracking, v.code) for v in refused.value.violations) == [
        ("L-1", ErrorCode.TRANSIT_MISMATCH),
        ("SN-2", ErrorCode.TRANSIT_MISMATCH),
    ]
    details = {v.tracking: v.detail for v in refused.value.violations}
    assert "1 still in transit, 2 named now" in details["L-1"]
    assert moved(rest) == [
        ("SN-1", None, TRANSIT, "WH2", Decimal(1)),
        (None, "L-1", TRANSIT, "WH2", Decimal(1)),
    ]
    assert transit_state([*shipped, *first, *rest])[1] == []


def test_receiving_an_empty_list_is_refused_as_invalid_input():
    doc, shipped = shipped_into_transit()

    with pytest.raises(ValidationFailed):
        plan_transit_receipt(doc, shipped, [])
