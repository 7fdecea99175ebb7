"""`http_card`: 16 clients read serial cards (`GET /api/v1/items/DRILL/serials/{serial}`) over HTTP.

5,000 serials are received through the service (in receipts of 100) and 1,000 of them shipped,
so a card has one or two history entries; `wrk` reads them at random. The figure is successful
reads/s, with p50/p99 latency in ms.

Baseline: the bare history query (`serial_card.RAW_HISTORY`) for random serials through the bare
driver at the same concurrency, in processes. `ratio` = baseline rate / itemtrace rate (lower is better).
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.common import TODAY, database, now, percentile, report
from bench.http_post import conninfo, setup
from bench.serial_card import RAW_HISTORY
from bench.server import (
    WARMUP_SECONDS,
    Skipped,
    Step,
    database_url,
    machine_load,
    raw_concurrent,
    serve,
    skipped,
    wrk,
    wrk_binary,
)
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.users import SYSTEM
from itemtrace.services import documents
from itemtrace.storage.unit_of_work import UnitOfWork

SERIALS = 5_000
SHIPPED = 1_000
BATCH = 100


def serial(n: int) -> str:
    return f"C{n:06d}"  # as wrk/itemtrace.lua's card mode asks for them


def fill(uow: UnitOfWork, total: int, shipped: int) -> None:
    for start in range(0, total, BATCH):
        tracking = tuple(TrackingLine(serial=serial(n)) for n in range(start, min(total, start + BATCH)))
        line = Line("DRILL", Decimal(len(tracking)), None, "WH1", tracking)
        documents.create(
            uow, Document(DocumentType.RECEIPT, (line,)), user=SYSTEM, post=True, today=TODAY, now=now()
        )
    for start in range(0, shipped, BATCH):
        tracking = tuple(TrackingLine(serial=serial(n)) for n in range(start, min(shipped, start + BATCH)))
        line = Line("DRILL", Decimal(len(tracking)), "WH1", None, tracking)
        documents.create(
            uow,
            Document(DocumentType.SHIPMENT, (line,), partner="ACME"),
            user=SYSTEM,
            post=True,
            today=TODAY,
            now=now(),
        )


def open_reader(index: int, params: dict[str, Any]) -> Step:
    connection: Any
    if params["conninfo"].startswith("postgresql"):
        import psycopg

        connection = psycopg.connect(params["conninfo"], autocommit=True)
        sql = RAW_HISTORY.format(m="%s")
    else:
        import sqlite3

        connection = sqlite3.connect(params["conninfo"], timeout=60, isolation_level=None)
        sql = RAW_HISTORY.format(m="?")
    cursor = connection.cursor()
    item_id, total = params["item_id"], params["serials"]
    chooser = random.Random(index)

    def step() -> None:
        cursor.execute(sql, (item_id, serial(chooser.randrange(total))))
        if not cursor.fetchall():
            raise RuntimeError("baseline read found no history")

    return step, connection.close


def run(
    backend: str, root: Path, *, seconds: float, connections: int, workers: int, total: int
) -> dict[str, Any]:
    wrk_binary()
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        setup(uow)
        fill(uow, total, total // 5)
        if backend == "postgresql":  # SQLite's plans are made for no statistics
            with engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        with engine.connect() as conn:
            item_id = conn.execute(text("SELECT id FROM item WHERE sku = 'DRILL'")).scalar_one()
        load_before = machine_load()
        with serve(database_url(engine), root, workers=workers) as server:
            wrk(server, "card", seconds=WARMUP_SECONDS, connections=connections, args=[str(total)])
            reads = wrk(server, "card", seconds=seconds, connections=connections, args=[str(total)])
        load_after = machine_load()
        raw = raw_concurrent(
            open_reader,
            processes=connections,
            seconds=seconds,
            engine=engine,
            params={"conninfo": conninfo(engine), "item_id": item_id, "serials": total},
        )
        load_raw = machine_load()
    return {
        "value": round(reads.rate, 1),
        "unit": "req/s",
        "baseline": round(raw.rate, 1),
        "ratio": round(raw.rate / reads.rate, 2) if reads.rate else None,
        "p50_ms": round(reads.p50_ms, 2),
        "p99_ms": round(reads.p99_ms, 2),
        "reads": reads.ok,
        "non2xx": reads.non2xx,
        "socket_errors": reads.socket_errors,
        "first_error": reads.first_error,
        "baseline_p50_ms": round(percentile(raw.latencies_ms, 50), 3),
        "baseline_p99_ms": round(percentile(raw.latencies_ms, 99), 3),
        "serials": total,
        "connections": connections,
        "workers": workers,
        "seconds": seconds,
        "load": [load_before, load_after, load_raw],
        "measured_on": date.today().isoformat(),
    }


def main(
    backends: list[str],
    root: Path,
    *,
    quick: bool = False,
    seconds: float | None = None,
    connections: int = 16,
    workers: int = 2,
    **_: Any,
) -> dict[str, dict[str, Any]]:
    seconds = seconds or (5 if quick else 15)
    results: dict[str, Any] = {}
    for backend in backends:
        try:
            result = run(
                backend, root, seconds=seconds, connections=connections, workers=workers, total=SERIALS
            )
        except Skipped as why:
            skipped("http_card", backend, why)
            continue
        report(
            "http_card",
            backend,
            result,
            f"(ratio = bare/ours; {connections} clients, {workers} workers, {seconds:g} s)",
        )
        print(
            f"  p50 {result['p50_ms']:.1f} ms  p99 {result['p99_ms']:.1f} ms  ({result['reads']:,} reads; "
            f"bare p50 {result['baseline_p50_ms']:.2f} ms p99 {result['baseline_p99_ms']:.2f} ms)\n"
            f"  load (1/5/15 min) before, after, after bare: {'; '.join(result['load'])}",
            flush=True,
        )
        if result["non2xx"] or result["socket_errors"]:
            print(
                f"  !!! ERRORS: {result['non2xx']} reads answered non-2xx, {result['socket_errors']} "
                f"socket errors; first: {result['first_error']}",
                flush=True,
            )
        results[backend] = result
    return {"http_card": results} if results else {}
