"""`serial_card`: read one serial's card with its full history when 1,000,000 serials are in the ledger.

The ledger is filled through the service (100 receipts of 10,000 serials, then shipments of a
tenth of them). Baseline: the bare history query for the same serial through the same driver.
Figures are p50 (and p99) over random serials, in milliseconds.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.common import TODAY, database, driver_timings, figure, now, percentile, report
from bench.receipt_10k_serials import setup
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.masterdata import Partner, PartnerKind
from itemtrace.domain.tracking import Dimension
from itemtrace.domain.users import SYSTEM
from itemtrace.services import documents, info_cards, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork

BATCH = 10_000
READS = 1_000

RAW_HISTORY = (
    "SELECT e.posted_at, e.posting_date, d.number, d.type, f.code, t.code, p.code, e.user_name, e.quantity "
    "FROM ledger_entry e JOIN document d ON d.id = e.document_id "
    "JOIN location f ON f.id = e.from_location_id JOIN location t ON t.id = e.to_location_id "
    "LEFT JOIN partner p ON p.id = e.partner_id "
    "WHERE e.item_id = {m} AND e.serial = {m} ORDER BY e.id"
)


def serial(n: int) -> str:
    return f"SN{n:07d}"


def fill(uow: UnitOfWork, total: int) -> None:
    masterdata.create_partner(uow, Partner("ACME", "Acme", PartnerKind.CUSTOMER))
    started = time.perf_counter()
    for start in range(0, total, BATCH):
        tracking = tuple(TrackingLine(serial=serial(n)) for n in range(start, start + BATCH))
        line = Line("DRILL", Decimal(BATCH), None, "WH1", tracking)
        documents.create(
            uow, Document(DocumentType.RECEIPT, (line,)), user=SYSTEM, post=True, today=TODAY, now=now()
        )
        if (start // BATCH) % 10 == 9:  # ship a tenth of every 100,000
            shipped = tuple(TrackingLine(serial=serial(n)) for n in range(start, start + BATCH))
            out = Line("DRILL", Decimal(BATCH), "WH1", None, shipped)
            documents.create(
                uow,
                Document(DocumentType.SHIPMENT, (out,), partner="ACME"),
                user=SYSTEM,
                post=True,
                today=TODAY,
                now=now(),
            )
        done = start + BATCH
        if done in (50_000, 200_000) or done % 500_000 == 0:
            analyze(uow)
        print(
            f"\r  filling: {done:>9,} / {total:,} serials ({time.perf_counter() - started:5.0f} s)",
            end="",
            file=sys.stderr,
            flush=True,
        )
    print(file=sys.stderr)


def analyze(uow: UnitOfWork) -> None:
    """Refresh the planner's statistics as autovacuum would while a table grows (a server with
    autovacuum off, like this machine's, otherwise plans a 10,000-serial receipt's lookups for
    an empty table and takes a minute for each)."""
    with uow.write():
        uow.session.execute(text("ANALYZE balance"))
        uow.session.execute(text("ANALYZE ledger_entry"))
        uow.commit()


def run(backend: str, root: Path, total: int) -> tuple[dict[str, Any], dict[str, Any]]:
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        setup(uow)
        fill(uow, total)
        if backend == "postgresql":
            with engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        picks = [serial(random.randrange(total)) for _ in range(READS)]
        for s in picks[:50]:  # warm the caches the same way for both
            info_cards.card(uow, Dimension.SERIAL, "DRILL", s, today=TODAY)
        ours = []
        for s in picks:
            start = time.perf_counter()
            info_cards.card(uow, Dimension.SERIAL, "DRILL", s, today=TODAY)
            ours.append((time.perf_counter() - start) * 1000)
        with engine.connect() as conn:
            item_id = conn.execute(text("SELECT id FROM item WHERE sku = 'DRILL'")).scalar_one()
        raw = driver_timings(engine, [RAW_HISTORY], [(item_id, s) for s in [*picks[:50], *picks]])[50:]
        p50 = figure(percentile(ours, 50), "ms", percentile(raw, 50))
        p99 = figure(percentile(ours, 99), "ms", percentile(raw, 99))
        return p50, p99


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    total = 100_000 if quick else 1_000_000
    results: dict[str, Any] = {}
    for backend in backends:
        p50, p99 = run(backend, root, total)
        p50["p99"] = p99["value"]
        p50["p99_baseline"] = p99["baseline"]
        p50["serials"] = total
        report("serial_card p50", backend, p50, f"({total:,} serials in the ledger)")
        report("serial_card p99", backend, p99)
        results[backend] = p50
    return {"serial_card": results}
