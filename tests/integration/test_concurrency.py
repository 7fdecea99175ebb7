"""Real threads on real databases: concurrent posters never double-ship or overdraw."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest

from itemtrace.domain.documents import Document, DocumentType, Line
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.tracking import Dimension
from itemtrace.services import documents, info_cards, ledger
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, TODAY, now
from tests.world import CLERK, given_world, lot, receive, sn

POSTERS = 8


def race(engine, work: Callable[[UnitOfWork, int], object]) -> list[object]:
    """Run `work` in POSTERS threads released at the same instant; return results or exceptions."""
    start = threading.Barrier(POSTERS)
    results: list[object] = [None] * POSTERS

    def run(i: int) -> None:
        uow = UnitOfWork.for_engine(engine)
        start.wait()
        try:
            results[i] = work(uow, i)
        except Exception as error:  # the outcome under test
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(POSTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def shipment(tracking, quantity) -> Document:
    return Document(
        DocumentType.SHIPMENT,
        (
            Line(
                "DRILL" if tracking[0].serial else "GLUE", Decimal(quantity), "WH1", tracking=tuple(tracking)
            ),
        ),
        partner="ACME",
    )


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_eight_posters_racing_to_ship_one_serial_ship_it_exactly_once(fresh_engine, backend):
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))

    results = race(
        engine,
        lambda u, i: documents.create(
            u, shipment(sn("SN-1"), 1), user=CLERK, post=True, today=TODAY, now=now()
        ),
    )

    posted = [r for r in results if isinstance(r, Document)]
    refusals = [r for r in results if isinstance(r, PostingRejected)]
    assert len(posted) == 1
    assert len(refusals) == POSTERS - 1
    assert {v.code for r in refusals for v in r.violations} == {ErrorCode.SERIAL_NOT_AVAILABLE}
    card = info_cards.card(uow, Dimension.SERIAL, "DRILL", "SN-1")
    assert [h.type for h in card.history] == ["receipt", "shipment"]
    assert ledger.check(uow).ok
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_racing_lot_picks_never_overdraw_the_lot(fresh_engine, backend):
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))

    results = race(
        engine,
        lambda u, i: documents.create(
            u, shipment([lot("L1", 3)], 3), user=CLERK, post=True, today=TODAY, now=now()
        ),
    )

    posted = [r for r in results if isinstance(r, Document)]
    refusals = [r for r in results if isinstance(r, PostingRejected)]
    assert (len(posted), len(refusals)) == (3, POSTERS - 3)
    assert {v.code for r in refusals for v in r.violations} == {ErrorCode.INSUFFICIENT_QUANTITY}
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L1").on_hand == Decimal(1)
    assert ledger.check(uow).ok
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_retries_racing_with_one_idempotency_key_post_one_document(fresh_engine, backend):
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    draft = Document(DocumentType.RECEIPT, (Line("DRILL", Decimal(1), None, "WH1", sn("SN-9")),))

    results = race(
        engine,
        lambda u, i: documents.create(
            u, draft, user=CLERK, post=True, idempotency=("retry-1", "same"), today=TODAY, now=now()
        ),
    )

    assert all(isinstance(r, Document) for r in results), results
    assert len({r.id for r in results if isinstance(r, Document)}) == 1
    assert len(info_cards.card(uow, Dimension.SERIAL, "DRILL", "SN-9").history) == 1
    engine.dispose()
