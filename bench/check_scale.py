"""`itemtrace check` on the scale data set (`bench/scale.py`): the full check, and the
incremental one (`--since-checkpoint`) after the last 100 and 10,000 entries, each beside the
bare SQL that recomputes the same balances (one GROUP BY over the ledger, or over the moved
keys' rows).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from sqlalchemy import Engine, text

from bench.common import figure, now, report
from itemtrace.services import ledger
from itemtrace.storage.unit_of_work import UnitOfWork

NEW = (100, 10_000)  # entries posted since the checkpoint, for the incremental check
RUNS = 3
FULL_ONCE_ABOVE = 20_000_000  # entries above which the full check (and its baseline) runs once

MOVES = """
    SELECT item_id, from_location_id AS location_id, serial, lot, package, -quantity AS units
    FROM ledger_entry e {where}
    UNION ALL
    SELECT item_id, to_location_id, serial, lot, package, quantity FROM ledger_entry e {where}
"""
BARE_FULL = f"SELECT item_id, location_id, serial, lot, package, sum(units) FROM ({MOVES.format(where='')}) m GROUP BY 1, 2, 3, 4, 5"
MOVED = "(e.item_id, e.serial, e.lot, e.package) IN (SELECT DISTINCT item_id, serial, lot, package FROM ledger_entry WHERE id > :since)"
BARE_INCREMENTAL = (
    f"SELECT item_id, location_id, serial, lot, package, sum(units) "
    f"FROM ({MOVES.format(where='WHERE ' + MOVED)}) m GROUP BY 1, 2, 3, 4, 5"
)


def _seconds(work: Any, runs: int = RUNS) -> float:
    taken = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        taken.append(time.perf_counter() - start)
    return statistics.median(taken)


def _bare(engine: Engine, sql: str, runs: int = RUNS, **params: Any) -> float:
    def run() -> None:
        with engine.connect() as conn:
            conn.execute(text(sql), params).all()

    return _seconds(run, runs)


def _from_checkpoint(engine: Engine, since: int) -> None:
    """Checkpoints start again at `since`: the entries after it are the new ones."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM check_checkpoint"))
        conn.execute(
            text(
                "INSERT INTO check_checkpoint (last_entry_id, mode, entries, keys, user_name, checked_at) "
                "VALUES (:since, 'full', 0, 0, 'bench', :at)"
            ),
            {"since": since, "at": now()},
        )


def measure_check(engine: Engine, label: str) -> dict[str, dict[str, Any]]:
    uow = UnitOfWork.for_engine(engine)
    with engine.connect() as conn:
        high = int(conn.execute(text("SELECT max(id) FROM ledger_entry")).scalar_one())
    full_report: list[ledger.CheckReport] = []
    runs = 1 if high > FULL_ONCE_ABOVE else RUNS  # a full check of 100M entries takes minutes
    full = _seconds(lambda: full_report.append(ledger.check(uow, now=now())), runs)
    full_entry = figure(full, "s", _bare(engine, BARE_FULL, runs))
    full_entry.update(entries=full_report[-1].entries, keys=full_report[-1].keys, ok=full_report[-1].ok)
    report(f"check_full_{label}", "postgresql", full_entry, f"({full_entry['entries']:,} entries)")

    found = {f"check_full_{label}": {"postgresql": full_entry}}
    for new in NEW:
        name = f"check_since_{new}_{label}"
        found[name] = {"postgresql": _incremental(engine, uow, name, max(high - new, 0))}
    return found


def _incremental(engine: Engine, uow: UnitOfWork, name: str, since: int) -> dict[str, Any]:
    reports: list[ledger.CheckReport] = []
    taken = []
    for _ in range(RUNS):
        _from_checkpoint(engine, since)
        start = time.perf_counter()
        reports.append(ledger.check(uow, since_checkpoint=True, now=now()))
        taken.append(time.perf_counter() - start)
    entry = figure(statistics.median(taken), "s", _bare(engine, BARE_INCREMENTAL, since=since))
    entry.update(entries=reports[-1].entries, keys=reports[-1].keys, ok=reports[-1].ok)
    report(name, "postgresql", entry, f"({entry['entries']:,} new entries, {entry['keys']:,} keys)")
    return entry
