"""Reservations on SQLite and PostgreSQL: drafts reserve what they name until posted or cancelled."""

from __future__ import annotations

from decimal import Decimal

import pytest

from itemtrace.domain.cards import ListFilter
from itemtrace.domain.documents import Document, DocumentType, Line, Status, StoredDocument, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension
from itemtrace.services import availability, documents, info_cards
from itemtrace.storage.tables import ReservationRow
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, TODAY, now
from tests.integration.test_concurrency import race
from tests.world import CLERK, count_rows, document_rows, given_world, ledger_rows, lot, receive, sn


def shipment(item: str, quantity: float, *tracking: TrackingLine, to: str = "ACME") -> Document:
    line = Line(item, Decimal(str(quantity)), "WH1", tracking=tuple(tracking))
    return Document(DocumentType.SHIPMENT, (line,), partner=to)


def draft(uow: UnitOfWork, document: Document) -> StoredDocument:
    return documents.create(uow, document, user=CLERK, today=TODAY, now=now())


def posted(uow: UnitOfWork, document: Document) -> StoredDocument:
    return documents.create(uow, document, user=CLERK, post=True, today=TODAY, now=now())


def refused(call, *args) -> list:
    with pytest.raises(PostingRejected) as rejected:
        call(*args)
    return rejected.value.violations


def reservation_rows(uow: UnitOfWork) -> int:
    return count_rows(uow, ReservationRow)


def serial_status(uow: UnitOfWork, serial: str) -> TrackingStatus:
    return info_cards.card(uow, Dimension.SERIAL, "DRILL", serial, today=TODAY).status


def test_a_draft_reserves_its_serial_and_a_second_shipment_is_refused_writing_nothing(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))
    first = draft(uow, shipment("DRILL", 1, *sn("SN-1")))
    before = (ledger_rows(uow), document_rows(uow), reservation_rows(uow))

    [violation] = refused(posted, uow, shipment("DRILL", 1, *sn("SN-1"), to="BETA"))

    assert (violation.code, violation.line, violation.tracking) == (ErrorCode.RESERVED, 1, "SN-1")
    assert f"post or cancel {first.number} first, or pick another serial" in violation.detail
    assert (ledger_rows(uow), document_rows(uow), reservation_rows(uow)) == before == (2, 2, 1)
    assert serial_status(uow, "SN-1") is TrackingStatus.RESERVED
    assert serial_status(uow, "SN-2") is TrackingStatus.AVAILABLE


def test_a_second_draft_for_the_same_serial_is_refused_and_not_stored(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    draft(uow, shipment("DRILL", 1, *sn("SN-1")))

    [violation] = refused(draft, uow, shipment("DRILL", 1, *sn("SN-1"), to="BETA"))

    assert violation.code is ErrorCode.RESERVED
    assert (document_rows(uow), reservation_rows(uow)) == (2, 1)


def test_posting_the_draft_releases_its_reservation(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    first = draft(uow, shipment("DRILL", 1, *sn("SN-1")))

    documents.post(uow, first.id, user=CLERK, today=TODAY, now=now())

    assert reservation_rows(uow) == 0
    assert serial_status(uow, "SN-1") is TrackingStatus.DELIVERED


def test_cancelling_the_draft_releases_its_reservation_for_another_document(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    first = draft(uow, shipment("DRILL", 1, *sn("SN-1")))

    cancelled = documents.cancel(uow, first.id, user=CLERK)
    second = posted(uow, shipment("DRILL", 1, *sn("SN-1"), to="BETA"))

    assert (cancelled.status, second.status) == (Status.CANCELLED, Status.POSTED)
    assert reservation_rows(uow) == 0


def test_a_refused_post_at_once_reserves_nothing(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))

    refused(posted, uow, shipment("DRILL", 2, *sn("SN-1", "SN-404")))

    assert (document_rows(uow), reservation_rows(uow)) == (1, 0)
    assert serial_status(uow, "SN-1") is TrackingStatus.AVAILABLE


def test_lot_and_untracked_drafts_lessen_availability_until_they_post(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    receive(uow, "BOLT", quantity=100)
    draft(uow, shipment("GLUE", 8, lot("L1", 8)))
    draft(uow, shipment("BOLT", 70))

    glue = availability.availability(uow, "GLUE", location="WH1", today=TODAY)
    bolts = availability.availability(uow, "BOLT", today=TODAY)
    [violation] = refused(posted, uow, shipment("GLUE", 3, lot("L1", 3)))
    rest = posted(uow, shipment("BOLT", 30))

    assert (glue.on_hand, glue.reserved, glue.available) == (Decimal(10), Decimal(8), Decimal(2))
    assert [(x.lot, x.on_hand, x.reserved, x.available) for x in glue.lots] == [
        ("L1", Decimal(10), Decimal(8), Decimal(2))
    ]
    assert (bolts.on_hand, bolts.reserved, bolts.available, bolts.lots) == (
        Decimal(100),
        Decimal(70),
        Decimal(30),
        (),
    )
    assert violation.code is ErrorCode.RESERVED
    assert rest.status is Status.POSTED
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L1", today=TODAY).reserved == Decimal(8)


def test_serials_listed_by_status_reserved_are_those_open_documents_name(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))
    draft(uow, shipment("DRILL", 1, *sn("SN-2")))

    reserved = info_cards.list_serials(uow, ListFilter(status=TrackingStatus.RESERVED), today=TODAY)
    available = info_cards.list_serials(uow, ListFilter(status=TrackingStatus.AVAILABLE), today=TODAY)

    assert [(r.number, r.status) for r in reserved] == [("SN-2", TrackingStatus.RESERVED)]
    assert [r.number for r in available] == ["SN-1"]


def test_blocked_wins_over_reserved(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    draft(uow, shipment("DRILL", 1, *sn("SN-1")))

    info_cards.update(uow, Dimension.SERIAL, "DRILL", "SN-1", blocked=True, today=TODAY)

    assert serial_status(uow, "SN-1") is TrackingStatus.BLOCKED
    assert info_cards.list_serials(uow, ListFilter(status=TrackingStatus.RESERVED), today=TODAY) == []


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_drafts_racing_to_reserve_one_serial_reserve_it_exactly_once(fresh_engine, backend):
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))

    results = race(engine, lambda u, i: draft(u, shipment("DRILL", 1, *sn("SN-1"))))

    drafts = [r for r in results if isinstance(r, Document)]
    refusals = [r for r in results if isinstance(r, PostingRejected)]
    assert (len(drafts), len(refusals)) == (1, len(results) - 1)
    assert {v.code for r in refusals for v in r.violations} == {ErrorCode.RESERVED}
    assert (document_rows(uow), reservation_rows(uow)) == (2, 1)
    engine.dispose()
