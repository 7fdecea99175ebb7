"""Count rules (SPEC §5 "Count documents"): what a count found against what is on hand becomes
adjustments; `counting.plan` refuses a malformed count whole."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itemtrace.domain import counting
from itemtrace.domain.documents import CountScope, Document, DocumentType, Line
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.ledger import fold
from itemtrace.domain.stock import StockView
from itemtrace.domain.tracking import ItemPolicy, SerialUnique, TrackingKey
from tests.builders import (
    ADJUSTMENT,
    CUSTOMER,
    INBOUND_ONLY,
    LOCATIONS,
    SPECIFIC,
    TODAY,
    bucket,
    lot,
    lot_item,
    moved,
    package,
    package_item,
    serial_item,
    serials,
    sn,
    stock,
    tracking_code,
    untracked_item,
)

DRILL = serial_item("DRILL-X")
MILK = lot_item("MILK")
SCREW = untracked_item("SCREW")
BOX = package_item("BOX")
ITEMS = {p.item.sku: p for p in (DRILL, MILK, SCREW, BOX)}


def count_line(item: str, *tracking, at: str = "WH1", quantity: int | str | None = None) -> Line:
    total = Decimal(quantity) if quantity is not None else sum((t.quantity for t in tracking), Decimal(0))
    return Line(item, total, None, at, tuple(tracking))


def count(*lines: Line, scope: CountScope | None = CountScope.ITEM, **header: object) -> Document:
    draft = Document(DocumentType.COUNT, tuple(lines), count_scope=scope, **header).numbered()  # type: ignore[arg-type]
    return counting.resolve_locations(draft, LOCATIONS)


def planned(doc: Document, view: StockView, items: dict[str, ItemPolicy] = ITEMS, extra=()) -> list:
    return counting.plan(doc, view, items, LOCATIONS, extra=extra, today=TODAY)


def codes(refused: pytest.ExceptionInfo[PostingRejected]) -> list[tuple[int | None, str | None, ErrorCode]]:
    return [(v.line, v.tracking, v.code) for v in refused.value.violations]


# -- differences -------------------------------------------------------------------------------


def test_missing_serials_go_out_to_adjustment_and_found_ones_come_in():
    on_hand = stock(bucket("DRILL-X", serial="SN-1"), bucket("DRILL-X", serial="SN-2"))

    entries = planned(count(count_line("DRILL-X", *serials("SN-1", "SN-3"))), on_hand)

    assert moved(entries) == [
        ("SN-2", None, "WH1", ADJUSTMENT, 1),
        ("SN-3", None, ADJUSTMENT, "WH1", 1),
    ]


def test_serials_counted_as_on_hand_write_nothing():
    on_hand = stock(bucket("DRILL-X", serial="SN-1"))

    assert planned(count(count_line("DRILL-X", sn("SN-1"))), on_hand) == []


def test_lot_quantities_move_by_the_difference_and_a_lot_not_listed_is_missing():
    on_hand = stock(bucket("MILK", 10, lot="L1"), bucket("MILK", 4, lot="L2"))

    entries = planned(count(count_line("MILK", lot("L1", 12))), on_hand)

    assert moved(entries) == [
        (None, "L2", "WH1", ADJUSTMENT, 4),
        (None, "L1", ADJUSTMENT, "WH1", 2),
    ]


def test_untracked_quantity_is_the_line_quantity_beyond_its_tracking():
    on_hand = stock(bucket("SCREW", 100))

    entries = planned(count(count_line("SCREW", quantity=97)), on_hand)

    assert moved(entries) == [(None, None, "WH1", ADJUSTMENT, 3)]


def test_a_line_counting_zero_takes_everything_of_the_item_out():
    on_hand = stock(bucket("SCREW", 5), bucket("SCREW", 7, at="WH2"))

    entries = planned(count(count_line("SCREW", quantity=0)), on_hand)

    assert moved(entries) == [(None, None, "WH1", ADJUSTMENT, 5)]


def test_packages_are_matched_by_their_exact_numbers():
    on_hand = stock(bucket("BOX", 3, package="P1"))

    entries = planned(count(count_line("BOX", package("P1", 2), package("P2", 1))), on_hand)

    assert moved(entries) == [(None, None, "WH1", ADJUSTMENT, 1), (None, None, ADJUSTMENT, "WH1", 1)]
    assert [e.key.package for e in entries] == ["P1", "P2"]


def test_a_serial_counted_without_its_lot_keeps_the_lot_it_has():
    item = serial_item("PUMP", code=tracking_code("SNL", serial=SPECIFIC, lot=SPECIFIC))
    on_hand = stock(bucket("PUMP", serial="SN-1", lot="L1"))
    doc = count(count_line("PUMP", sn("SN-1", lot="L1")))

    assert planned(doc, on_hand, {"PUMP": item}) == []


_LOTS = st.sampled_from(["L1", "L2", "L3"])
_QTY = st.integers(min_value=1, max_value=20)
_SERIALS = st.sets(st.sampled_from([f"SN-{i}" for i in range(8)]), max_size=8)


@given(
    lots_on_hand=st.dictionaries(_LOTS, _QTY),
    lots_counted=st.dictionaries(_LOTS, _QTY),
    serials_on_hand=_SERIALS,
    serials_counted=_SERIALS,
)
def test_after_a_count_the_place_holds_exactly_what_was_counted(
    lots_on_hand, lots_counted, serials_on_hand, serials_counted
):
    on_hand = stock(
        *(bucket("MILK", q, lot=n) for n, q in lots_on_hand.items()),
        *(bucket("DRILL-X", serial=s) for s in serials_on_hand),
    )
    doc = count(
        count_line(
            "MILK", *(lot(n, q) for n, q in sorted(lots_counted.items())), quantity=sum(lots_counted.values())
        ),
        count_line("DRILL-X", *serials(*sorted(serials_counted))),
    )

    entries = planned(doc, on_hand)

    after = {(b.location, b.key): b.quantity for b in on_hand.buckets}
    for (place, key), delta in fold(entries).items():
        after[(place, key)] = after.get((place, key), Decimal(0)) + delta
    here = {key: q for (place, key), q in after.items() if place == "WH1" and q}
    assert all(q > 0 for q in here.values())
    assert here == {
        **{TrackingKey("MILK", lot=n): Decimal(q) for n, q in lots_counted.items()},
        **{TrackingKey("DRILL-X", serial=s): Decimal(1) for s in serials_counted},
    }
    assert len(entries) == len(serials_on_hand ^ serials_counted) + sum(
        1 for n in set(lots_on_hand) | set(lots_counted) if lots_on_hand.get(n) != lots_counted.get(n)
    )


# -- scope ---------------------------------------------------------------------------------------


def test_scope_location_counts_items_no_line_names_as_none_found():
    doc = count(count_line("DRILL-X", sn("SN-1")), scope=CountScope.LOCATION)
    extra = counting.unlisted(doc, {"WH1": {"DRILL-X", "SCREW"}, "WH2": {"MILK"}})
    on_hand = stock(bucket("DRILL-X", serial="SN-1"), bucket("SCREW", 6))

    entries = planned(doc, on_hand, extra=sorted(extra))

    assert extra == {("WH1", "SCREW")}
    assert moved(entries) == [(None, None, "WH1", ADJUSTMENT, 6)]
    assert entries[0].line_no == 0  # no line names it


def test_scope_item_counts_only_the_items_on_its_lines():
    doc = count(count_line("DRILL-X", sn("SN-1")))

    assert counting.unlisted(doc, {"WH1": {"DRILL-X", "SCREW"}}) == set()


# -- refusals ------------------------------------------------------------------------------------


def test_a_serial_on_hand_in_another_location_cannot_be_counted_in():
    on_hand = stock(bucket("DRILL-X", serial="SN-1", at="WH2"))

    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("DRILL-X", sn("SN-1"))), on_hand)

    assert codes(refused) == [(1, "SN-1", ErrorCode.SERIAL_EXISTS)]
    assert "on hand at WH2" in refused.value.violations[0].detail


def test_a_serial_missing_where_this_count_also_counts_moves():
    on_hand = stock(bucket("DRILL-X", serial="SN-1", at="WH2"))
    doc = count(count_line("DRILL-X", sn("SN-1")), count_line("DRILL-X", at="WH2", quantity=0))

    assert moved(planned(doc, on_hand)) == [
        ("SN-1", None, "WH2", ADJUSTMENT, 1),
        ("SN-1", None, ADJUSTMENT, "WH1", 1),
    ]


def test_a_serial_held_by_a_customer_may_be_found():
    on_hand = stock(bucket("DRILL-X", serial="SN-1", at=CUSTOMER))

    assert moved(planned(count(count_line("DRILL-X", sn("SN-1"))), on_hand)) == [
        ("SN-1", None, ADJUSTMENT, "WH1", 1)
    ]


def test_a_globally_unique_serial_of_another_item_on_hand_cannot_be_counted_in():
    code = tracking_code("SNG", serial=SPECIFIC, serial_unique=SerialUnique.GLOBAL)
    items = {"SAW": serial_item("SAW", code=code), "PHONE": serial_item("PHONE", code=code)}
    on_hand = stock(bucket("PHONE", serial="X-1", at="WH2"))

    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("SAW", sn("X-1"))), on_hand, items)

    assert codes(refused) == [(1, "X-1", ErrorCode.SERIAL_EXISTS)]


def test_a_serial_counted_with_other_numbers_than_it_has_is_refused():
    item = serial_item("PUMP", code=tracking_code("SNL", serial=SPECIFIC, lot=SPECIFIC))
    on_hand = stock(bucket("PUMP", serial="SN-1", lot="L1"))

    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("PUMP", sn("SN-1", lot="L2"))), on_hand, {"PUMP": item})

    assert codes(refused) == [(1, "SN-1", ErrorCode.SERIAL_EXISTS)]


def test_a_serial_counted_twice_is_refused():
    doc = count(count_line("DRILL-X", sn("SN-1")), count_line("DRILL-X", sn("SN-1"), at="WH2"))

    with pytest.raises(PostingRejected) as refused:
        planned(doc, stock())

    assert codes(refused) == [(2, "SN-1", ErrorCode.SERIAL_QUANTITY)]


def test_a_serial_is_one_unit():
    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("DRILL-X", sn("SN-1", quantity=Decimal(2)))), stock())

    assert codes(refused) == [(1, "SN-1", ErrorCode.SERIAL_QUANTITY)]


def test_numbers_the_item_does_not_track_are_refused():
    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("SCREW", lot("L1", 2))), stock())

    assert codes(refused) == [(1, "L1", ErrorCode.TRACKING_NOT_ALLOWED)]


def test_found_stock_needs_the_numbers_the_item_requires_on_inbound():
    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("MILK", lot("L1", 2), quantity=5)), stock())

    assert codes(refused) == [(1, None, ErrorCode.TRACKING_INCOMPLETE)]
    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("DRILL-X", quantity=1)), stock())
    assert codes(refused) == [(1, None, ErrorCode.TRACKING_REQUIRED)]


def test_tracking_beyond_the_line_quantity_is_refused():
    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("MILK", lot("L1", 5), quantity=2)), stock())

    assert codes(refused) == [(1, None, ErrorCode.TRACKING_INCOMPLETE)]


# -- dates ---------------------------------------------------------------------------------------


def test_a_found_lot_takes_the_expiration_date_it_has_in_stock():
    on_hand = stock(bucket("MILK", 2, lot="L1", at="WH2", expires=date(2026, 5, 1)))

    [entry] = planned(count(count_line("MILK", lot("L1", 1))), on_hand)

    assert entry.expiration_date == date(2026, 5, 1)


def test_a_found_lot_with_another_date_than_in_stock_is_refused():
    on_hand = stock(bucket("MILK", 2, lot="L1", at="WH2", expires=date(2026, 5, 1)))

    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("MILK", lot("L1", 1, expiration_date=date(2026, 6, 1)))), on_hand)

    assert codes(refused) == [(1, "L1", ErrorCode.EXPIRATION_DATE_MISMATCH)]


def test_a_new_lot_found_takes_the_shelf_life_or_must_be_given_a_date():
    code = tracking_code("LOTX", lot=SPECIFIC, use_expiration_dates=True, require_expiration_date=True)
    milk = lot_item("MILK", code=code, shelf_life="30D")
    cream = lot_item("CREAM", code=code)

    [entry] = planned(count(count_line("MILK", lot("L1", 1))), stock(), {"MILK": milk})
    with pytest.raises(PostingRejected) as refused:
        planned(count(count_line("CREAM", lot("C1", 1))), stock(), {"CREAM": cream})

    assert entry.expiration_date == date(2026, 4, 9)
    assert codes(refused) == [(1, "C1", ErrorCode.EXPIRATION_DATE_REQUIRED)]


def test_expired_stock_is_counted_like_any_other():
    on_hand = stock(bucket("MILK", 3, lot="OLD", expires=date(2020, 1, 1)))

    [entry] = planned(count(count_line("MILK", lot("OLD", 1))), on_hand)

    assert (entry.key, entry.quantity, entry.to_location) == (TrackingKey("MILK", lot="OLD"), 2, ADJUSTMENT)


def test_blocked_stock_is_counted_like_any_other():
    on_hand = stock(bucket("DRILL-X", serial="SN-1"), blocked=[("DRILL-X", "serial", "SN-1")])  # type: ignore[list-item]

    assert moved(planned(count(count_line("DRILL-X", quantity=0)), on_hand)) == [
        ("SN-1", None, "WH1", ADJUSTMENT, 1)
    ]


# -- the shape of a count document --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (Line("SCREW", Decimal(1), "WH1", "WH2"), "counts one location"),
        (Line("SCREW", Decimal(1), None, None), "names the counted location"),
        (Line("SCREW", Decimal(1), None, "NOWHERE"), "does not exist"),
        (Line("SCREW", Decimal(1), None, ADJUSTMENT), "internal locations"),
    ],
)
def test_a_count_line_counts_one_internal_location(line, message):
    with pytest.raises(ValidationFailed, match=message):
        count(line)


def test_from_location_alone_names_the_counted_location_too():
    doc = count(Line("SCREW", Decimal(1), "WH2", None))

    assert (doc.lines[0].from_location, doc.lines[0].to_location) == ("WH2", "WH2")


def test_an_item_is_counted_once_per_location():
    with pytest.raises(ValidationFailed, match="line 1 already"):
        count(count_line("SCREW", quantity=1), count_line("SCREW", quantity=2))


def test_scope_belongs_to_counts_only():
    draft = Document(
        DocumentType.RECEIPT, (Line("SCREW", Decimal(1), None, "WH1"),), count_scope=CountScope.ITEM
    )

    with pytest.raises(ValidationFailed, match="count documents only"):
        counting.resolve_locations(draft.numbered(), LOCATIONS)


# -- what a draft shows --------------------------------------------------------------------------


def test_the_expectation_lists_serials_lots_and_untracked_quantity_beside_the_count():
    item = lot_item("MIX", code=tracking_code("LI", lot=INBOUND_ONLY))
    buckets = [bucket("MIX", 4, lot="L1"), bucket("MIX", 2), bucket("MIX", 1, lot="L1", at="WH2")]
    doc = count(count_line("MIX", lot("L1", 4), quantity=5))

    [e] = counting.compare(doc, buckets)

    assert (e.expected, e.counted, e.difference, e.lots, e.untracked) == (6, 5, -1, {"L1": Decimal(4)}, 2)
    assert [(d.key, d.quantity) for d in e.missing] == [(TrackingKey("MIX"), -1)]
    assert item.code.lot.tracked


# -- a package counted whole ------------------------------------------------------------------


def test_a_package_line_counts_only_that_package_of_the_item():
    on_hand = stock(bucket("BOX", 2, package="P1"), bucket("BOX", 3, package="P2"), bucket("BOX", 4))
    line = replace(count_line("BOX", package("P1", 1)), count_package="P1")

    entries = planned(count(line), on_hand)

    assert [(e.key.package, e.quantity, e.to_location) for e in entries] == [("P1", 1, ADJUSTMENT)]


def test_an_item_line_beside_a_package_line_of_the_item_is_refused():
    package_line = replace(count_line("BOX", package("P1", 2)), count_package="P1")

    with pytest.raises(ValidationFailed, match="line 1 already"):
        count(package_line, count_line("BOX", quantity=3))
    with pytest.raises(ValidationFailed, match="line 1 already"):
        count(count_line("BOX", quantity=3), package_line)
    assert (
        len(count(package_line, replace(count_line("BOX", package("P2", 1)), count_package="P2")).lines) == 2
    )
