"""`report_expiring`: the first page of "what expires within 30 days" among 1,000,000 lots on hand.

Lots of one item are received through the service (receipts of 10,000 lots, 2 units each, spread
over 10 locations), their expiration dates spread evenly over three years around today, so the
30-day window holds about 27,000 lots and the expired ones come first. Baseline: the bare SQL of
the same first page (same filter, same order, same limit) through the same driver. Figures are
p50 (and p99) of the first page, in milliseconds.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.common import TODAY, call_timings, database, driver_timings, figure, now, percentile, report
from bench.serial_card import analyze
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.masterdata import Item, Location
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import documents, expiry, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork

BATCH = 10_000
PLACES = 10
SPREAD_DAYS = 3 * 365
READS = 200
PAGE = 50

RAW_PAGE = (
    "SELECT i.sku, l.code, b.serial, b.lot, b.package, b.quantity, b.expiration_date, b.id "
    "FROM balance b JOIN location l ON l.id = b.location_id JOIN item i ON i.id = b.item_id "
    "WHERE b.in_stock AND b.quantity > 0 AND b.expiration_date IS NOT NULL "
    "AND b.expiration_date <= {m} AND l.kind = 'internal' "
    "ORDER BY b.expiration_date, b.id LIMIT 51"
)


def setup(uow: UnitOfWork) -> None:
    masterdata.create_tracking_code(
        uow, TrackingCode("LOTX", lot=DimensionPolicy(specific=True), use_expiration_dates=True)
    )
    masterdata.create_item(uow, Item("MILK", "Milk", unit="l", tracking_code="LOTX"))
    for n in range(PLACES):
        masterdata.create_location(uow, Location(f"WH{n}", f"Warehouse {n}"))


def fill(uow: UnitOfWork, total: int) -> None:
    started = time.perf_counter()
    first = TODAY - timedelta(days=SPREAD_DAYS // 3)  # a third already expired
    for start in range(0, total, BATCH):
        lines = []
        for place in range(PLACES):
            tracking = tuple(
                TrackingLine(
                    lot=f"L{n:07d}",
                    quantity=Decimal(2),
                    expiration_date=first + timedelta(days=n * SPREAD_DAYS // total),
                )
                for n in range(start + place, start + BATCH, PLACES)
            )
            lines.append(Line("MILK", Decimal(2 * len(tracking)), None, f"WH{place}", tracking))
        documents.create(
            uow,
            Document(DocumentType.RECEIPT, tuple(lines), posting_date=first - timedelta(days=1)),
            user=SYSTEM,
            post=True,
            today=TODAY,
            now=now(),
        )
        done = start + BATCH
        if done in (50_000, 200_000) or done % 500_000 == 0:
            analyze(uow)
        print(
            f"\r  filling: {done:>9,} / {total:,} lots ({time.perf_counter() - started:5.0f} s)",
            end="",
            file=sys.stderr,
            flush=True,
        )
    print(file=sys.stderr)


def run(backend: str, root: Path, total: int) -> tuple[dict[str, Any], dict[str, Any], int]:
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        setup(uow)
        fill(uow, total)
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()

        def first_page() -> int:
            return len(expiry.expiring(uow, within_days=30, limit=PAGE + 1, today=TODAY))

        ours = call_timings(first_page, READS, warm=20)
        until = TODAY + timedelta(days=30)
        raw = driver_timings(engine, [RAW_PAGE], [(until,)] * (20 + READS))[20:]
        window = len(expiry.expiring(uow, within_days=30, limit=total, today=TODAY))
        p50 = figure(percentile(ours, 50), "ms", percentile(raw, 50))
        p99 = figure(percentile(ours, 99), "ms", percentile(raw, 99))
        return p50, p99, window


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    total = 100_000 if quick else 1_000_000
    results: dict[str, Any] = {}
    for backend in backends:
        p50, p99, window = run(backend, root, total)
        p50["p99"] = p99["value"]
        p50["p99_baseline"] = p99["baseline"]
        p50["lots"] = total
        report("report_expiring p50", backend, p50, f"({total:,} lots, {window:,} in the window)")
        report("report_expiring p99", backend, p99)
        results[backend] = p50
    return {"report_expiring": results}
