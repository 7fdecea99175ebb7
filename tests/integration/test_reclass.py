"""Reclassification through the services on SQLite and PostgreSQL: renames, splits, merges,
re-dates; the ledger stays whole, cards link old and new numbers, trace and recall cross renames."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracing import TraceDirection
from itemtrace.domain.tracking import Dimension
from itemtrace.services import availability, documents, info_cards, ledger, masterdata, tracing
from tests.conftest import TODAY, now
from tests.world import CLERK, given_world, lot, receive, ship, sn

MAY = date(2027, 5, 1)
JUNE = date(2027, 6, 1)


def reclassify(uow, item, *tracking, at="WH1", to=None, quantity=None, post=True):
    total = quantity if quantity is not None else sum(t.quantity for t in tracking)
    draft = Document(
        DocumentType.RECLASSIFICATION, (Line(item, Decimal(str(total)), at, to, tuple(tracking)),)
    )
    return documents.create(uow, draft, user=CLERK, post=post, today=TODAY, now=now())


def refused(uow, item, *tracking, **options):
    with pytest.raises(PostingRejected) as caught:
        reclassify(uow, item, *tracking, **options)
    return [(v.line, v.tracking, v.code) for v in caught.value.violations]


def rename(number, quantity=1, **new):
    return TrackingLine(lot=number, quantity=Decimal(str(quantity)), **new)


def card(uow, dimension, item, number):
    return info_cards.card(uow, dimension, item, number, today=TODAY)


def test_renaming_a_serial_ends_the_old_number_and_starts_the_new_one(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))

    posted = reclassify(uow, "DRILL", TrackingLine(serial="SN-1", new_serial="SN-9"))

    old, new = card(uow, Dimension.SERIAL, "DRILL", "SN-1"), card(uow, Dimension.SERIAL, "DRILL", "SN-9")
    assert (old.status, old.location) == (TrackingStatus.RENAMED, None)
    assert (new.status, new.location) == (TrackingStatus.AVAILABLE, "WH1")
    assert [(h.type, h.from_location, h.to_location) for h in old.history][-1] == (
        "reclassification",
        "WH1",
        "RECLASSIFICATION",
    )
    assert [(h.document, h.from_location, h.to_location) for h in new.history] == [
        (posted.number, "RECLASSIFICATION", "WH1")
    ]
    assert [(r.serial, r.document) for r in old.renamed_to] == [("SN-9", posted.number)]
    assert [(r.serial, r.document) for r in new.renamed_from] == [("SN-1", posted.number)]
    assert ledger.check(uow).ok
