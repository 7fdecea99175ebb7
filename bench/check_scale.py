"""`itemtrace check` on the scale data set (`bench/scale.py`): the full check, and the
incremental one (`--since-checkpoint`) after the last 100 and 10,000 entries, each beside the
bare SQL that recomputes the same balances (one GROUP BY over the ledger, or over the moved
keys' rows) and compares them with the projection in the database, as the check does.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from sqlalchemy import Engine, text

from bench.common import figure, now, report
from itemtrace.domain.masterdata import PROJECTED_KINDS
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
KEY = "item_id, location_id, serial, lot, package"
PROJECTED = f"({', '.join(repr(kind.value) for kind in sorted(PROJECTED_KINDS))})"


def compare(where: str) -> str:
    """The bare statement of the full check: recompute every balance, compare it with the
    projection in the database, return the differences and the number of keys."""
    return f"""
    WITH recomputed AS (SELECT {KEY}, sum(units) AS units FROM ({MOVES.format(where=where)}) m GROUP BY {KEY})
    SELECT r.*, COALESCE(b.quantity, 0) FROM recomputed r
    LEFT JOIN (SELECT {KEY}, quantity FROM balance) b USING ({KEY})
    WHERE r.location_id IN (SELECT id FROM location WHERE kind IN {PROJECTED})
      AND COALESCE(b.quantity, 0) <> r.units
    UNION ALL
    SELECT b.item_id, b.location_id, b.serial, b.lot, b.package, 0, b.quantity
    FROM balance b LEFT JOIN recomputed r USING ({KEY})
    WHERE r.item_id IS NULL AND b.quantity <> 0
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, NULL, COUNT(*), NULL
    FROM (SELECT DISTINCT item_id, serial, lot, package FROM recomputed) k
    """


MOVED = "(e.item_id, e.serial, e.lot, e.package) IN (SELECT DISTINCT item_id, serial, lot, package FROM ledger_entry WHERE id > :since)"
BARE_FULL = compare("")
# The incremental baseline recomputes the moved keys' balances only (one statement comparing them
# in the database is planned badly: the planner cannot tell how many keys moved).
BARE_INCREMENTAL = f"SELECT {KEY}, sum(units) FROM ({MOVES.format(where='WHERE ' + MOVED)}) m GROUP BY {KEY}"


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
