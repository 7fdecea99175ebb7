"""`import_1m_serials` and `export_ledger_1m`: bulk data through the services.

`import_1m_serials`: a CSV of 1,000,000 serial rows (100,000 with --quick) imported into an
empty database through `services.imports` (every row checked, one adjustment posted with every
posting rule, a slice of 20,000 rows at a time in one transaction), in a child process so that
its peak memory (`ru_maxrss`) is the import's alone.
Baseline: the same ledger rows written by the bare driver (PostgreSQL `COPY`, SQLite
`executemany`) into the same table, in one transaction.

`export_ledger_1m`: those ledger entries exported as CSV through `services.exports` (keyset
pages, constant memory). Baseline: the same rows and columns by one raw query (PostgreSQL
`COPY (SELECT …) TO STDOUT`, SQLite a cursor into `csv.writer`).
"""

from __future__ import annotations

import csv
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bench.common import TODAY, database, figure, now, report
from itemtrace.adapters.spreadsheets import SheetFormat
from itemtrace.domain.masterdata import VIRTUAL_LOCATIONS, Item, Location, LocationKind
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import exports, imports, masterdata
from itemtrace.storage.engine import make_engine
from itemtrace.storage.unit_of_work import UnitOfWork

FULL = 1_000_000
QUICK = 100_000


def setup(uow: UnitOfWork) -> None:
    masterdata.create_tracking_code(uow, TrackingCode("SN", serial=DimensionPolicy(specific=True)))
    masterdata.create_item(uow, Item("DRILL", "Drill", tracking_code="SN"))
    masterdata.create_location(uow, Location("WH1", "Main"))


def write_file(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("item,location,serial\n")
        for start in range(0, count, 10_000):
            out.write("".join(f"DRILL,WH1,SN-{i:07d}\n" for i in range(start, min(count, start + 10_000))))


def child(url: str, path: str) -> None:
    """Run in a fresh process: import the file, print seconds and peak memory as JSON."""
    engine = make_engine(url)
    uow = UnitOfWork.for_engine(engine)
    started = time.perf_counter()
    with open(path, "rb") as source:
        job, _ = imports.import_file(
            uow, source, file_name=Path(path).name, user=SYSTEM, today=TODAY, now=now()
        )
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "rows": job.rows, "peak_mb": peak_kb / 1024}))
    engine.dispose()


def raw_ledger(engine: Engine, count: int) -> float:
    """The same ledger rows through the bare driver: COPY (PostgreSQL) or executemany (SQLite)."""
    with engine.connect() as conn:
        document_id = conn.execute(text("SELECT max(id) FROM document")).scalar_one()
        item_id = conn.execute(text("SELECT id FROM item WHERE sku = 'DRILL'")).scalar_one()
        places: dict[str, int] = dict(conn.execute(text("SELECT code, id FROM location")).tuples().all())
    source = places[VIRTUAL_LOCATIONS[LocationKind.ADJUSTMENT]]
    posted_at = now()
    rows = (
        (document_id, 1, item_id, f"RAW-{i:07d}", "", "", 1000, source, places["WH1"], TODAY, posted_at)
        for i in range(count)
    )
    columns = (
        "document_id, line_no, item_id, serial, lot, package, quantity, from_location_id, to_location_id, "
        "posting_date, posted_at"
    )
    connection = engine.raw_connection()
    started = time.perf_counter()
    try:
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")
            cursor.executemany(
                f"INSERT INTO ledger_entry ({columns}) VALUES ({', '.join(['?'] * 11)})", list(rows)
            )
        else:
            with cursor.copy(f"COPY ledger_entry ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        connection.commit()
    finally:
        connection.close()
    return time.perf_counter() - started


def analyze(engine: Engine) -> None:
    """Planner statistics, as autovacuum would keep them (it is off on this machine)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


class _Sink(io.RawIOBase):
    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


RAW_LEDGER_SQL = (
    "SELECT e.id, e.posting_date, e.posted_at, d.number, d.type, i.sku, e.serial, e.lot, e.package, "
    "e.quantity / 1000.0, s.code, t.code, p.code, e.user_name, e.expiration_date, e.warranty_date "
    "FROM ledger_entry e JOIN document d ON d.id = e.document_id JOIN item i ON i.id = e.item_id "
    "JOIN location s ON s.id = e.from_location_id JOIN location t ON t.id = e.to_location_id "
    "LEFT JOIN partner p ON p.id = e.partner_id ORDER BY e.id"
)


def raw_export(engine: Engine) -> tuple[float, int]:
    connection = engine.raw_connection()
    sink = _Sink()
    started = time.perf_counter()
    rows = 0
    try:
        cursor = connection.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY ({RAW_LEDGER_SQL}) TO STDOUT WITH CSV HEADER") as copy:
                for chunk in copy:
                    sink.write(chunk)
                    rows += bytes(chunk).count(b"\n")
            rows -= 1
        else:
            out = io.TextIOWrapper(io.BufferedWriter(sink), encoding="utf-8", newline="")
            writer = csv.writer(out)
            cursor.execute(RAW_LEDGER_SQL)
            while batch := cursor.fetchmany(5000):
                writer.writerows(batch)
                rows += len(batch)
            out.flush()
    finally:
        connection.close()
    return time.perf_counter() - started, rows


def run(backend: str, root: Path, count: int) -> dict[str, Any]:
    path = root / f"serials-{count}.csv"
    if not path.exists():
        write_file(path, count)
    with database(backend, root) as engine:
        setup(UnitOfWork.for_engine(engine))
        url = engine.url.render_as_string(hide_password=False)
        done = subprocess.run(
            [sys.executable, "-m", "bench.import_1m_serials", "--child", url, str(path)],
            check=True,
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        assert measured["rows"] == count
        baseline = raw_ledger(engine, count)
        analyze(engine)
        ours_rate = count / measured["seconds"]
        imported = figure(measured["seconds"], "s", baseline)
        imported.update(
            rows=count,
            rows_per_s=round(ours_rate),
            baseline_rows_per_s=round(count / baseline),
            peak_mb=round(measured["peak_mb"], 1),
        )
        # Export: our import's entries and the baseline's, 2 x count rows.
        uow = UnitOfWork.for_engine(engine)
        sink = _Sink()
        written = 0

        def progress(n: int) -> None:
            nonlocal written
            written = n

        started = time.perf_counter()
        exports.write(
            SheetFormat.CSV,
            exports.LEDGER_COLUMNS,
            exports.counted(exports.ledger_pages(uow), progress),
            sink,  # type: ignore[arg-type]
            sheet="ledger",
        )
        export_seconds = time.perf_counter() - started
        raw_seconds, raw_rows = raw_export(engine)
        assert raw_rows == written, (raw_rows, written)
        exported = figure(export_seconds, "s", raw_seconds)
        exported.update(rows=written, rows_per_s=round(written / export_seconds))
        return {"import": imported, "export": exported}


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    count = QUICK if quick else FULL
    imported: dict[str, Any] = {}
    exported: dict[str, Any] = {}
    for backend in backends:
        found = run(backend, root, count)
        imported[backend], exported[backend] = found["import"], found["export"]
        i, e = found["import"], found["export"]
        report(
            "import_1m_serials",
            backend,
            i,
            f"({count:,} rows: {i['rows_per_s']:,} rows/s, peak {i['peak_mb']} MB; "
            f"baseline {'COPY' if backend == 'postgresql' else 'executemany'} {i['baseline_rows_per_s']:,} rows/s)",
        )
        report(
            "export_ledger_1m",
            backend,
            e,
            f"({e['rows']:,} rows: {e['rows_per_s']:,} rows/s; baseline raw query)",
        )
    return {"import_1m_serials": imported, "export_ledger_1m": exported}


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    child(sys.argv[2], sys.argv[3])
