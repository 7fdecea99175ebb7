"""The daily work of the 1M benches, done again inside the scale data set (`bench/scale.py`):
a receipt of 10,000 serials, a busy item's availability and FEFO suggestion, and the first page
of the expiring report. Each beside the same bare SQL its 1M bench uses, so the growth from 1M
to 100M entries reads as the change of one ratio.

- `receipt_10k_serials_<size>`: three receipts of 10,000 new serials through the service, all
  rules checked; baseline: the same ledger rows by `executemany` (rolled back: the data set
  stays consistent for `itemtrace check`).
- `availability_item_<size>`, `suggest_fefo_<size>`: `bench/picking.py`'s busy item (10,000 lots
  in 50 places, 1,000 reserving drafts), added once to the data set, among its millions of
  entries.
- `report_expiring_<size>`: the first page of "expiring within 30 days" among the data set's
  dated raw lots (two years of expiry dates around the receipts; half the lots on hand).
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Engine, text

from bench import picking, receipt_10k_serials, report_expiring
from bench.common import (
    TODAY,
    call_timings,
    driver_timings,
    figure,
    median,
    now,
    percentile,
    report,
    timed,
)
from itemtrace.domain.masterdata import Item
from itemtrace.domain.users import SYSTEM
from itemtrace.services import availability, documents, expiry, masterdata
from itemtrace.services import picking as picks
from itemtrace.storage.unit_of_work import UnitOfWork

RECEIPTS = 3
READS = 200
BUSY_LOTS = 10_000


def measure_daily(engine: Engine, label: str) -> dict[str, dict[str, Any]]:
    uow = UnitOfWork.for_engine(engine)
    found = {
        f"receipt_10k_serials_{label}": _receipts(engine, uow, label),
        **_busy_item(engine, uow, label),
        f"report_expiring_{label}": _expiring(engine, uow, label),
    }
    return {name: {"postgresql": entry} for name, entry in found.items()}


def _known(engine: Engine, sql: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def _receipts(engine: Engine, uow: UnitOfWork, label: str) -> dict[str, Any]:
    if _known(engine, "SELECT 1 FROM item WHERE sku = 'DRILL'") is None:
        masterdata.create_item(uow, Item("DRILL", "Drill", tracking_code="SN"))
    stamp = int(time.time())  # the data set is kept: each run receives serials of its own
    posted = []
    ours = []
    for run in range(RECEIPTS):
        draft = receipt_10k_serials.receipt(f"S{stamp}-{run}")
        start = time.perf_counter()
        posted.append(documents.create(uow, draft, user=SYSTEM, post=True, today=TODAY, now=now()))
        ours.append(time.perf_counter() - start)
    known = receipt_10k_serials.ids(engine, posted[0].number or "")

    def bare(run: int) -> None:
        receipt_10k_serials.raw_insert(engine, f"RAW{stamp}-{run}", known["document"], known, commit=False)

    raw = [timed(partial(bare, run)) for run in range(RECEIPTS)]
    entry = figure(median(ours), "s", median(raw))
    entry["ledger_entries"] = _known(engine, "SELECT COUNT(*) FROM ledger_entry")
    report(f"receipt_10k_serials_{label}", "postgresql", entry, f"(median of {RECEIPTS}; bare executemany)")
    return entry


def _busy_item(engine: Engine, uow: UnitOfWork, label: str) -> dict[str, dict[str, Any]]:
    if _known(engine, "SELECT 1 FROM item WHERE sku = 'MILK'") is None:
        started = time.perf_counter()
        picking.fill(uow, BUSY_LOTS)
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
        print(f"  busy item added in {time.perf_counter() - started:.1f} s", flush=True)
    item_id = _known(engine, "SELECT id FROM item WHERE sku = 'MILK'")
    found = {}
    for name, work, bare in (
        (
            "availability_item",
            lambda: availability.availability(uow, "MILK", today=TODAY),
            picking.RAW_AGGREGATE,
        ),
        (
            "suggest_fefo",
            lambda: picks.suggest_pick(uow, "MILK", Decimal(500), today=TODAY),
            picking.RAW_ORDER,
        ),
    ):
        ours = call_timings(work, READS)
        raw = driver_timings(engine, [bare], [(item_id,)] * (10 + READS))[10:]
        entry = figure(percentile(ours, 99), "ms", percentile(raw, 99))
        entry.update(
            p50=round(percentile(ours, 50), 3), p50_baseline=round(percentile(raw, 50), 3), lots=BUSY_LOTS
        )
        report(f"{name}_{label} p99", "postgresql", entry, f"(p50 {entry['p50']} ms; {BUSY_LOTS:,} lots)")
        found[f"{name}_{label}"] = entry
    return found


def _expiring(engine: Engine, uow: UnitOfWork, label: str) -> dict[str, Any]:
    def first_page() -> int:
        return len(expiry.expiring(uow, within_days=30, limit=report_expiring.PAGE + 1, today=TODAY))

    ours = call_timings(first_page, READS, warm=20)
    until = TODAY + timedelta(days=30)
    raw = driver_timings(engine, [report_expiring.RAW_PAGE], [(until,)] * (20 + READS))[20:]
    entry = figure(percentile(ours, 50), "ms", percentile(raw, 50))
    entry.update(p99=round(percentile(ours, 99), 4), p99_baseline=round(percentile(raw, 99), 4))
    entry["dated_lots_on_hand"] = _known(
        engine, "SELECT COUNT(*) FROM balance WHERE expiration_date IS NOT NULL AND in_stock AND quantity > 0"
    )
    report(
        f"report_expiring_{label} p50",
        "postgresql",
        entry,
        f"(p99 {entry['p99']:.2f} ms; {entry['dated_lots_on_hand']:,} dated lots on hand)",
    )
    return entry
