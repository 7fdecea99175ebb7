"""Counts on both databases: posting adjusts the differences, the draft shows what is expected."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from itemtrace.domain.documents import (
    CountScope,
    Document,
    DocumentType,
    Line,
    Status,
    StoredDocument,
    TrackingLine,
)
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.masterdata import Item
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension, TrackingCode
from itemtrace.services import availability, counts, documents, info_cards, ledger, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import TODAY, now
from tests.world import CLERK, SPECIFIC, given_world, lot, receive, ship, sn


@pytest.fixture
def world(uow: UnitOfWork) -> UnitOfWork:
    given_world(uow)
    return uow


def count(*lines: Line, scope: CountScope | None = None, posting_date: date | None = None) -> Document:
    return Document(DocumentType.COUNT, lines, count_scope=scope, posting_date=posting_date)


def counted(item: str, *tracking: TrackingLine, at: str = "WH1", untracked: float = 0) -> Line:
    total = sum((t.quantity for t in tracking), Decimal(0)) + Decimal(str(untracked))
    return Line(item, total, None, at, tuple(tracking))


def post_count(uow: UnitOfWork, draft: Document) -> StoredDocument:
    return documents.create(uow, draft, user=CLERK, post=True, today=TODAY, now=now())


def serial_status(uow: UnitOfWork, item: str, serial: str) -> tuple[TrackingStatus, str | None]:
    card = info_cards.card(uow, Dimension.SERIAL, item, serial, today=TODAY)
    return card.status, card.location


def on_hand(uow: UnitOfWork, item: str, **filters: Any) -> Decimal:
    return availability.availability(uow, item, today=TODAY, **filters).on_hand


def test_a_count_adjusts_missing_serials_out_and_found_ones_in(world):
    receive(world, "DRILL", *sn("SN-1", "SN-2", "SN-3"))

    posted = post_count(world, count(counted("DRILL", *sn("SN-1", "SN-2", "SN-9"))))

    assert posted.status is Status.POSTED
    assert (posted.number or "").startswith("CNT-")
    assert serial_status(world, "DRILL", "SN-3") == (TrackingStatus.ADJUSTED_OUT, None)
    assert serial_status(world, "DRILL", "SN-9") == (TrackingStatus.AVAILABLE, "WH1")
    assert serial_status(world, "DRILL", "SN-1") == (TrackingStatus.AVAILABLE, "WH1")
    moved = {(e.key.serial, e.from_location, e.to_location) for e in documents.entries(world, posted.id)}
    assert moved == {("SN-3", "WH1", "ADJUSTMENT"), ("SN-9", "ADJUSTMENT", "WH1")}
    card = info_cards.card(world, Dimension.SERIAL, "DRILL", "SN-3", today=TODAY)
    assert [h.type for h in card.history] == ["receipt", "count"]
    assert ledger.check(world).ok


def test_lot_and_untracked_quantities_move_by_the_difference(world):
    receive(world, "GLUE", lot("L1", 10), lot("L2", 4))
    receive(world, "BOLT", quantity=100)

    posted = post_count(
        world, count(counted("GLUE", lot("L1", 7), lot("L3", 2)), counted("BOLT", untracked=103))
    )

    assert on_hand(world, "GLUE", lot="L1") == 7
    assert on_hand(world, "GLUE", lot="L2") == 0
    assert on_hand(world, "GLUE", lot="L3") == 2
    assert on_hand(world, "BOLT") == 103
    by_key = {
        (e.key.item, e.key.lot): (e.quantity, e.to_location) for e in documents.entries(world, posted.id)
    }
    assert by_key == {
        ("GLUE", "L1"): (3, "ADJUSTMENT"),
        ("GLUE", "L2"): (4, "ADJUSTMENT"),
        ("GLUE", "L3"): (2, "WH1"),
        ("BOLT", None): (3, "WH1"),
    }
    assert ledger.check(world).ok


def test_a_found_lot_takes_the_date_it_has_in_stock_and_a_new_one_the_shelf_life(world):
    receive(world, "GLUE", lot("L1", 5, date(2027, 1, 31)), at="WH2")

    post_count(world, count(counted("GLUE", lot("L1", 2), lot("L9", 1))))

    assert info_cards.card(world, Dimension.LOT, "GLUE", "L1", today=TODAY).expiration_date == date(
        2027, 1, 31
    )
    assert info_cards.card(world, Dimension.LOT, "GLUE", "L9", today=TODAY).expiration_date == date(
        2027, 11, 23
    )


def test_a_serial_on_hand_elsewhere_cannot_be_counted_in(world):
    receive(world, "DRILL", *sn("SN-1"), at="WH2")
    receive(world, "DRILL", *sn("SN-2"))

    with pytest.raises(PostingRejected) as refused:
        post_count(world, count(counted("DRILL", *sn("SN-1", "SN-2"))))

    [violation] = refused.value.violations
    assert (violation.line, violation.tracking, violation.code) == (1, "SN-1", ErrorCode.SERIAL_EXISTS)
    assert "WH2" in violation.detail
    assert serial_status(world, "DRILL", "SN-1") == (TrackingStatus.AVAILABLE, "WH2")


def test_counting_both_places_moves_a_serial_found_in_the_wrong_one(world):
    receive(world, "DRILL", *sn("SN-1"), at="WH2")

    post_count(world, count(counted("DRILL", *sn("SN-1")), Line("DRILL", Decimal(0), None, "WH2")))

    assert serial_status(world, "DRILL", "SN-1") == (TrackingStatus.AVAILABLE, "WH1")
    assert ledger.check(world).ok


def test_a_delivered_serial_found_on_the_shelf_comes_back_in(world):
    receive(world, "DRILL", *sn("SN-1"))
    ship(world, "DRILL", *sn("SN-1"))

    post_count(world, count(counted("DRILL", *sn("SN-1"))))

    assert serial_status(world, "DRILL", "SN-1") == (TrackingStatus.AVAILABLE, "WH1")


def test_scope_location_counts_every_item_on_hand_that_no_line_names(world):
    receive(world, "DRILL", *sn("SN-1"))
    receive(world, "BOLT", quantity=5)
    receive(world, "BOLT", quantity=7, at="WH2")

    post_count(world, count(counted("DRILL", *sn("SN-1")), scope=CountScope.LOCATION))

    assert on_hand(world, "BOLT", location="WH1") == 0
    assert on_hand(world, "BOLT", location="WH2") == 7  # another location is not counted
    assert serial_status(world, "DRILL", "SN-1") == (TrackingStatus.AVAILABLE, "WH1")


def test_item_scope_leaves_other_items_alone(world):
    receive(world, "DRILL", *sn("SN-1"))
    receive(world, "BOLT", quantity=5)

    post_count(world, count(counted("DRILL", *sn("SN-1"))))

    assert on_hand(world, "BOLT", location="WH1") == 5


def test_a_draft_shows_what_is_expected_beside_what_was_counted(world):
    receive(world, "DRILL", *sn("SN-1", "SN-2"))
    receive(world, "GLUE", lot("L1", 10))
    draft = documents.create(
        world,
        count(counted("DRILL", *sn("SN-1", "SN-7")), counted("GLUE", lot("L1", 8))),
        user=CLERK,
        today=TODAY,
        now=now(),
    )

    found = counts.read(world, draft.id)

    drill, glue = found.expected
    assert (drill.serials, drill.expected, drill.counted, drill.difference) == (["SN-1", "SN-2"], 2, 2, 0)
    assert [d.key.serial for d in drill.missing] == ["SN-2"]
    assert [d.key.serial for d in drill.found] == ["SN-7"]
    assert (glue.lots, glue.difference) == ({"L1": Decimal(10)}, -2)
    assert [(d.key.lot, d.quantity) for d in glue.missing] == [("L1", -2)]


def test_a_shipment_between_draft_and_post_is_accounted_for(world):
    receive(world, "DRILL", *sn("SN-1", "SN-2"))
    draft = documents.create(world, count(counted("DRILL", *sn("SN-1"))), user=CLERK, today=TODAY, now=now())
    ship(world, "DRILL", *sn("SN-2"))  # the count promised nothing: it reserves nothing

    posted = documents.post(world, draft.id, user=CLERK, today=TODAY, now=now())

    assert documents.entries(world, posted.id) == []
    assert serial_status(world, "DRILL", "SN-2") == (TrackingStatus.DELIVERED, None)


def test_blocked_and_expired_stock_is_counted_and_keeps_its_card(world):
    receive(world, "DRILL", *sn("SN-1", "SN-2"))
    receive(world, "GLUE", lot("OLD", 3, date(2026, 1, 1)))
    info_cards.update(world, Dimension.SERIAL, "DRILL", "SN-1", blocked=True, today=TODAY)

    post_count(world, count(counted("DRILL", *sn("SN-1")), counted("GLUE", lot("OLD", 2))))

    card = info_cards.card(world, Dimension.SERIAL, "DRILL", "SN-1", today=TODAY)
    assert (card.blocked, card.location) == (True, "WH1")
    assert on_hand(world, "GLUE", lot="OLD") == 2
    assert serial_status(world, "DRILL", "SN-2")[0] is TrackingStatus.ADJUSTED_OUT


def test_a_serial_counted_with_another_lot_than_it_has_is_refused(world):
    masterdata.create_tracking_code(world, TrackingCode("SNLOT", serial=SPECIFIC, lot=SPECIFIC))
    masterdata.create_item(world, Item("PUMP", "Pump", tracking_code="SNLOT"))
    receive(world, "PUMP", TrackingLine(serial="SN-1", lot="L1"))

    with pytest.raises(PostingRejected) as refused:
        post_count(world, count(counted("PUMP", TrackingLine(serial="SN-1", lot="L2"))))
    post_count(world, count(counted("PUMP", TrackingLine(serial="SN-1", lot="L1"))))

    [violation] = refused.value.violations
    assert (violation.tracking, violation.code) == ("SN-1", ErrorCode.SERIAL_EXISTS)
    assert "lot L1" in violation.detail
    assert on_hand(world, "PUMP", lot="L1") == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (Line("DRILL", Decimal(1), "WH1", "WH2", sn("SN-1")), "one location"),
        (Line("DRILL", Decimal(1), None, "CUSTOMER", sn("SN-1")), "internal"),
        (Line("DRILL", Decimal(1), None, None, sn("SN-1")), "names the counted location"),
    ],
)
def test_a_count_line_names_one_internal_location(world, line, message):
    with pytest.raises(ValidationFailed, match=message):
        post_count(world, count(line))


def test_an_item_counted_twice_at_one_place_is_refused(world):
    with pytest.raises(ValidationFailed, match="line 1 already"):
        post_count(world, count(counted("BOLT", untracked=1), counted("BOLT", untracked=2)))


def test_a_count_draft_reserves_nothing(world):
    receive(world, "DRILL", *sn("SN-1"))
    documents.create(world, count(counted("DRILL", *sn("SN-1"))), user=CLERK, today=TODAY, now=now())

    ship(world, "DRILL", *sn("SN-1"))

    assert serial_status(world, "DRILL", "SN-1")[0] is TrackingStatus.DELIVERED


def test_a_refused_count_writes_nothing(world):
    receive(world, "DRILL", *sn("SN-1"), at="WH2")
    receive(world, "BOLT", quantity=4)

    with pytest.raises(PostingRejected):
        post_count(world, count(counted("DRILL", *sn("SN-1")), counted("BOLT", untracked=1)))

    assert on_hand(world, "BOLT") == 4
    assert documents.list_documents(world, type="count") == []
