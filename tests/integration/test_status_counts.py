"""The dashboard's serial counts by status agree with the serial list filtered by each status."""

from __future__ import annotations

from decimal import Decimal

from itemtrace.domain.cards import ListFilter
from itemtrace.domain.documents import Document, DocumentType, Line
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension
from itemtrace.services import documents, info_cards
from tests.conftest import TODAY, now
from tests.world import CLERK, given_world, receive, ship, sn


def test_each_status_counts_the_serials_its_list_filter_finds(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("A1", "A2", "B1", "R1", "S1", "S2"))
    info_cards.update(uow, Dimension.SERIAL, "DRILL", "B1", blocked=True, today=TODAY)
    ship(uow, "DRILL", *sn("S1", "S2"))
    draft = Document(
        DocumentType.SHIPMENT, (Line("DRILL", Decimal(1), "WH1", None, sn("R1")),), partner="ACME"
    )
    documents.create(uow, draft, user=CLERK, post=False, today=TODAY, now=now())

    counts = info_cards.serial_status_counts(uow, today=TODAY)

    expected = {
        s: len(info_cards.list_serials(uow, ListFilter(status=s, limit=100), today=TODAY))
        for s in TrackingStatus
    }
    assert counts == expected
    assert {s: n for s, n in counts.items() if n} == {
        TrackingStatus.AVAILABLE: 2,
        TrackingStatus.BLOCKED: 1,
        TrackingStatus.RESERVED: 1,
        TrackingStatus.DELIVERED: 2,
    }
