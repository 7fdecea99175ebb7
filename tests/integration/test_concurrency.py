"""Real threads on real databases: concurrent posters never double-ship or overdraw."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest

from itemtrace.domain.documents import Document, DocumentType, Line, StoredDocument, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.imports import ImportRejected
from itemtrace.domain.tracking import Dimension
from itemtrace.services import documents, imports, info_cards, ledger
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, TODAY, now
from tests.world import CLERK, given_world, lot, receive, ship, sn

POSTERS = 8


def race(engine, work: Callable[[UnitOfWork, int], object], posters: int = POSTERS) -> list[object]:
    """Run `work` in `posters` threads released at the same instant; return results or exceptions."""
    start = threading.Barrier(posters)
    results: list[object] = [None] * posters

    def run(i: int) -> None:
        uow = UnitOfWork.for_engine(engine)
        start.wait()
        try:
            results[i] = work(uow, i)
        except Exception as error:  # the outcome under test
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(posters)]
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
    card = info_cards.card(uow, Dimension.SERIAL, "DRILL", "SN-1", today=TODAY)
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
    assert (len(posted), len(refusals)) == (3, POSTERS - 3), results  # any other outcome is shown
    assert {v.code for r in refusals for v in r.violations} == {ErrorCode.INSUFFICIENT_QUANTITY}
    # Each loser was told what is left (the row lock), not caught by the CHECK backstop.
    assert all("only 1 there" in v.detail for r in refusals for v in r.violations), refusals
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L1", today=TODAY).on_hand == Decimal(1)
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

    assert all(isinstance(r, StoredDocument) for r in results), results
    assert len({r.id for r in results if isinstance(r, StoredDocument)}) == 1
    assert len(info_cards.card(uow, Dimension.SERIAL, "DRILL", "SN-9", today=TODAY).history) == 1
    engine.dispose()


# -- each race below names the lock or constraint that decides it ----------------------------------


def global_receipt(item: str, serial: str) -> Document:
    return Document(DocumentType.RECEIPT, (Line(item, Decimal(1), None, "WH1", sn(serial)),), partner="VEND")


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_drafts_receiving_one_global_serial_on_two_items_post_it_once(fresh_engine, backend):
    """Decided by the unique index `uq_balance_global_serial_in_stock` on PostgreSQL (the rule's
    read takes no lock, so both plans pass and the second insert waits on the index, then fails);
    on SQLite by the database's write lock, which serialises the two posts."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    for _ in range(5):  # a few rounds: each round is a fresh race for a new serial
        serial = f"G-{uuid.uuid4().hex[:8]}"
        drafts = [
            documents.create(uow, global_receipt(item, serial), user=CLERK, today=TODAY, now=now())
            for item in ("SAW", "PHONE")
        ]

        def post_one(u: UnitOfWork, i: int, drafts: list[StoredDocument] = drafts) -> StoredDocument:
            return documents.post(u, drafts[i % 2].id, user=CLERK, today=TODAY, now=now())

        results = race(
            engine,
            post_one,
            posters=2,
        )

        posted = [r for r in results if isinstance(r, Document)]
        refusals = [r for r in results if isinstance(r, PostingRejected)]
        assert (len(posted), len(refusals)) == (1, 1), results
        assert {v.code for r in refusals for v in r.violations} == {ErrorCode.SERIAL_EXISTS}
    assert ledger.check(uow).ok
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_draft_and_seven_posts_at_once_ship_one_serial_exactly_once(fresh_engine, backend):
    """Decided by the row lock on the serial's balance at the source (`Stock.load`, FOR UPDATE):
    every poster reads the serial only after the one before it committed, so the losers are told
    it is no longer there (or reserved by the draft), never a bare constraint failure."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    draft = documents.create(uow, shipment(sn("SN-1"), 1), user=CLERK, today=TODAY, now=now())

    def work(u: UnitOfWork, i: int) -> object:
        if i == 0:
            return documents.post(u, draft.id, user=CLERK, today=TODAY, now=now())
        return documents.create(u, shipment(sn("SN-1"), 1), user=CLERK, post=True, today=TODAY, now=now())

    results = race(engine, work)

    posted = [r for r in results if isinstance(r, Document)]
    refusals = [r for r in results if isinstance(r, PostingRejected)]
    assert (len(posted), len(refusals)) == (1, POSTERS - 1), results
    codes = {v.code for r in refusals for v in r.violations}
    assert codes <= {ErrorCode.SERIAL_NOT_AVAILABLE, ErrorCode.RESERVED}, refusals
    assert all("changed under this posting" not in v.detail for r in refusals for v in r.violations)
    card = info_cards.card(uow, Dimension.SERIAL, "DRILL", "SN-1", today=TODAY)
    assert [h.type for h in card.history] == ["receipt", "shipment"]
    assert ledger.check(uow).ok
    engine.dispose()


def lot_return(quantity: int, partner: str = "ACME") -> Document:
    return Document(
        DocumentType.RETURN_RECEIPT,
        (Line("GLUE", Decimal(quantity), None, "WH1", (lot("L1", quantity),)),),
        partner=partner,
    )


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_racing_returns_never_take_back_more_than_the_customer_holds(fresh_engine, backend):
    """Decided by the row lock on the lot's balance at the customer place (`Stock.load` locks what
    a return takes back): each return reads what the partner holds after the one before it
    committed. Without it all eight returns of 2 would post against a holding of 5."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    ship(uow, "GLUE", lot("L1", 5))

    results = race(
        engine,
        lambda u, i: documents.create(u, lot_return(2), user=CLERK, post=True, today=TODAY, now=now()),
    )

    posted = [r for r in results if isinstance(r, Document)]
    refusals = [r for r in results if isinstance(r, PostingRejected)]
    assert (len(posted), len(refusals)) == (2, POSTERS - 2), results
    assert {v.code for r in refusals for v in r.violations} == {ErrorCode.NOT_SOLD_TO_PARTNER}
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L1", today=TODAY).on_hand == Decimal(9)
    assert ledger.check(uow).ok
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_returns_racing_shipments_of_the_same_lot_keep_every_balance_whole(fresh_engine, backend):
    """Shipments add to what the customer holds while returns take it back, on the same customer
    balance row that both lock: whatever the order, no balance goes below zero and each return
    was covered by what had been delivered when it posted."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    ship(uow, "GLUE", lot("L1", 2))

    def work(u: UnitOfWork, i: int) -> object:
        if i % 2:
            return documents.create(u, lot_return(2), user=CLERK, post=True, today=TODAY, now=now())
        return documents.create(u, shipment([lot("L1", 1)], 1), user=CLERK, post=True, today=TODAY, now=now())

    results = race(engine, work)

    shipped = sum(1 for i, r in enumerate(results) if i % 2 == 0 and isinstance(r, Document))
    returned = sum(2 for i, r in enumerate(results) if i % 2 and isinstance(r, Document))
    assert shipped == POSTERS // 2  # stock at WH1 covers every shipment
    assert returned <= 2 + shipped
    holding = 2 + shipped - returned
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L1", today=TODAY).on_hand == Decimal(
        10 - 2 - shipped + returned
    )
    report = ledger.check(uow)
    assert report.ok, report
    assert holding >= 0
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_new_document_does_not_wait_for_another_open_document_transaction(fresh_engine, backend):
    """Numbers are drawn before the insert: no shared placeholder number on the unique column, so
    a document created while another document's transaction is still open commits at once."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    held = UnitOfWork.for_engine(engine)
    with held.write():  # an open transaction that created a document and has not committed
        held.documents.add(shipment([lot("L1", 1)], 1).numbered(), user="clerk", now=now())
        done = threading.Event()

        def other() -> None:
            receive(UnitOfWork.for_engine(engine), "DRILL", *sn("SN-1"))
            done.set()

        thread = threading.Thread(target=other)
        thread.start()
        finished = done.wait(timeout=30)
        held.rollback()
    thread.join()
    assert finished, "the second document waited for the first one's transaction"
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_transfers_of_one_lot_in_opposite_directions_at_once_all_post(fresh_engine, backend):
    """Decided by the lock order: a posting locks the rows where it takes stock and where it puts
    it in one order (item, then location), so two transfers in opposite directions queue. When
    each locked its source first and wrote its target later, PostgreSQL broke the deadlock by
    failing one of them (and three runs again were not enough with eight posters)."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 20), at="WH1")
    receive(uow, "GLUE", lot("L1", 20), at="WH2")

    def work(u: UnitOfWork, i: int) -> object:
        source, target = ("WH1", "WH2") if i % 2 else ("WH2", "WH1")
        move = Document(DocumentType.TRANSFER, (Line("GLUE", Decimal(1), source, target, (lot("L1", 1),)),))
        return documents.create(u, move, user=CLERK, post=True, today=TODAY, now=now())

    results = race(engine, work)

    assert all(isinstance(r, Document) for r in results), results
    assert ledger.check(uow).ok
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_card_read_in_one_snapshot_does_not_see_a_posting_committed_halfway(fresh_engine, backend):
    """`uow.snapshot()`: the statements of one read (a card, then its genealogy, …) all see the
    same moment. A shipment committed between two of them is seen by neither: on PostgreSQL
    because the read is a repeatable-read transaction (read committed would see it in the
    second statement), on SQLite because a read transaction keeps its snapshot."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    reader = UnitOfWork.for_engine(engine)

    with reader.snapshot():
        before = reader.card_reads.serial_card("DRILL", "SN-1", today=TODAY)
        thread = threading.Thread(target=lambda: ship(UnitOfWork.for_engine(engine), "DRILL", *sn("SN-1")))
        thread.start()
        thread.join(timeout=60)
        after = reader.card_reads.serial_card("DRILL", "SN-1", today=TODAY)

    assert not thread.is_alive()
    assert (before.status, after.status) == ("available", "available")
    assert len(after.history) == 1
    assert info_cards.card(uow, Dimension.SERIAL, "DRILL", "SN-1", today=TODAY).status == "delivered"
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_reclassifications_racing_to_rename_one_lot_move_it_once(fresh_engine, backend):
    """Decided by the row lock on the lot's balance at the source (`Stock.load`, FOR UPDATE): the
    first rename takes the whole lot, each other one then reads that nothing is left and is
    refused by the rule, not by the CHECK backstop. Without the lock every poster plans against
    10 and the losers are caught only when their UPDATE would go negative."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))

    def rename(u: UnitOfWork, i: int) -> object:
        tracking = (TrackingLine(lot="L1", quantity=Decimal(10), new_lot=f"N{i}"),)
        draft = Document(
            DocumentType.RECLASSIFICATION, (Line("GLUE", Decimal(10), "WH1", tracking=tracking),)
        )
        return documents.create(u, draft, user=CLERK, post=True, today=TODAY, now=now())

    results = race(engine, rename)

    posted = [r for r in results if isinstance(r, Document)]
    refusals = [r for r in results if isinstance(r, PostingRejected)]
    assert (len(posted), len(refusals)) == (1, POSTERS - 1), results
    assert {v.code for r in refusals for v in r.violations} == {ErrorCode.INSUFFICIENT_QUANTITY}
    assert all("only 0 there" in v.detail for r in refusals for v in r.violations), refusals
    [winner] = posted
    new_lot = winner.lines[0].tracking[0].new_lot or ""
    assert info_cards.card(uow, Dimension.LOT, "GLUE", new_lot, today=TODAY).on_hand == Decimal(10)
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L1", today=TODAY).on_hand == Decimal(0)
    assert ledger.check(uow).ok
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_an_import_racing_a_receipt_of_the_same_serial_lets_one_of_them_enter_it(fresh_engine, backend):
    """Decided on PostgreSQL by the database (neither plan sees the other's uncommitted serial):
    received into another place, by the unique index `uq_balance_serial_in_stock`; into the same
    place, by the check `serial_at_most_one` on the balance both add to. On SQLite by the
    database's write lock, which the import holds from its first slice."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    for round in range(6):  # each round a fresh race for a new serial, into WH2 or the same WH1
        serial = f"R-{uuid.uuid4().hex[:8]}"
        place = ("WH1", "WH2")[round % 2]
        rows = [["item", "location", "serial"], *(["DRILL", "WH1", f"{serial}-{i}"] for i in range(50))]
        rows.append(["DRILL", "WH1", serial])

        def one(
            u: UnitOfWork, i: int, serial: str = serial, rows: list[list[str]] = rows, place: str = place
        ) -> object:
            if i == 0:
                return imports.import_rows(
                    u, lambda: rows, file_name="race.csv", user=CLERK, today=TODAY, now=now()
                )
            receipt = Document(
                DocumentType.RECEIPT, (Line("DRILL", Decimal(1), None, place, sn(serial)),), partner="VEND"
            )
            return documents.create(u, receipt, user=CLERK, post=True, today=TODAY, now=now())

        results = race(engine, one, posters=2)
        won = [r for r in results if not isinstance(r, Exception)]
        lost = [r for r in results if isinstance(r, Exception)]
        assert (len(won), len(lost)) == (1, 1), results
        [refusal] = lost
        if isinstance(refusal, ImportRejected):
            assert {e.code for e in refusal.errors} == {ErrorCode.SERIAL_EXISTS}, refusal.errors
        else:
            assert isinstance(refusal, PostingRejected), refusal
            assert {v.code for v in refusal.violations} == {ErrorCode.SERIAL_EXISTS}
        card = info_cards.card(uow, Dimension.SERIAL, "DRILL", serial, today=TODAY)
        assert card.on_hand == Decimal(1), card
    assert ledger.check(uow).ok
    engine.dispose()
