"""Corrections under real concurrency: a document is reversed once, and parts posted at once never
take more than the draft holds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from itemtrace.domain.corrections import PartRequest
from itemtrace.domain.documents import Document, DocumentType, Line
from itemtrace.domain.errors import Conflict, ErrorCode, PostingRejected
from itemtrace.services import availability, corrections, documents, ledger
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, TODAY, now
from tests.integration.test_concurrency import POSTERS, race
from tests.world import CLERK, given_world, post, receive


def bolts_at(uow: UnitOfWork, location: str) -> Decimal:
    return availability.availability(uow, "BOLT", location=location, today=TODAY).on_hand


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_reversals_racing_for_one_document_reverse_it_once(fresh_engine, backend):
    # A lost count of bolts: nothing in stock guards its way back, only the reversal link does.
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "BOLT", quantity=10)
    lost = post(uow, DocumentType.ADJUSTMENT, "BOLT", 4, source="WH1")

    results = race(engine, lambda u, i: corrections.reverse(u, lost.id, user=CLERK, today=TODAY, now=now()))

    reversals = [r for r in results if isinstance(r, Document)]
    refusals = [r for r in results if isinstance(r, Conflict)]
    assert (len(reversals), len(refusals)) == (1, POSTERS - 1), results
    assert {r.code for r in refusals} == {ErrorCode.NOT_REVERSIBLE}
    assert bolts_at(uow, "WH1") == Decimal(10)
    assert documents.get(uow, lost.id).links.reversed_by == reversals[0].number
    assert ledger.check(uow).ok
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_parts_posted_at_once_never_take_more_than_the_draft_holds(fresh_engine, backend):
    # 10 bolts on hand, a draft for 5: stock alone would let five parts of 2 through.
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "BOLT", quantity=10)
    order = documents.create(
        uow,
        Document(DocumentType.SHIPMENT, (Line("BOLT", Decimal(5), "WH1"),), partner="ACME"),
        user=CLERK,
        today=TODAY,
        now=now(),
    )

    results = race(
        engine,
        lambda u, i: corrections.post_part(
            u, order.id, [PartRequest(1, Decimal(2))], user=CLERK, today=TODAY, now=now()
        ),
    )

    parts = [r for r in results if isinstance(r, Document)]
    refusals = [r for r in results if isinstance(r, PostingRejected)]
    assert (len(parts), len(refusals)) == (2, POSTERS - 2), results
    assert {v.code for r in refusals for v in r.violations} == {ErrorCode.VALIDATION_ERROR}
    assert bolts_at(uow, "WH1") == Decimal(6)
    assert documents.get(uow, order.id).lines[0].quantity == Decimal(1)
    assert ledger.check(uow).ok
    engine.dispose()
