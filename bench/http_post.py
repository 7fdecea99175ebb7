"""`http_post`: 16 clients post small receipts and shipments to `itemtrace serve` over HTTP.

`wrk` (see `bench/server.py`) posts `POST /api/v1/documents?post=true` in turn: a receipt of
1-3 new serials, a shipment of 1-3 serials received before the run, a receipt of one new lot,
a shipment of 1 from a lot received before the run. Every request is unique and every answer
that is not 2xx is counted and reported. The figure is successful posts/s, with p50/p99 latency
in ms; `/api/v1/health` req/s is measured in the same run (what the HTTP stack alone costs).

Baseline: the same transactions' effect (the document and its line, the ledger rows, the
balance upserts/updates, commit) through the bare driver (psycopg; sqlite3 on SQLite) at the same concurrency, in processes.
For rates, `ratio` = baseline rate / itemtrace rate: how many times slower, lower is better.
"""

from __future__ import annotations

import random
from collections import deque
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bench.common import TODAY, database, now, percentile, report
from bench.server import (
    HEALTH_SECONDS,
    WARMUP_SECONDS,
    RawRun,
    Skipped,
    Step,
    WrkRun,
    database_url,
    machine_load,
    raw_concurrent,
    serve,
    skipped,
    wrk,
    wrk_binary,
)
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.masterdata import Item, Location, Partner, PartnerKind
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import documents, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork

LOTS = 200  # lots Q0..Q199 received before the run; lot shipments take 1 from one at random
LOT_STOCK = 100_000
SCALE = 1000  # quantities are stored in thousandths


def setup(uow: UnitOfWork) -> None:
    """Master data through the services: a serial item DRILL, a lot item BOLT, WH1, customer ACME."""
    masterdata.create_tracking_code(uow, TrackingCode("SN", serial=DimensionPolicy(specific=True)))
    masterdata.create_tracking_code(uow, TrackingCode("LOT", lot=DimensionPolicy(specific=True)))
    masterdata.create_item(uow, Item("DRILL", "Drill", tracking_code="SN"))
    masterdata.create_item(uow, Item("BOLT", "Bolt", tracking_code="LOT"))
    masterdata.create_location(uow, Location("WH1", "Main"))
    masterdata.create_partner(uow, Partner("ACME", "Acme", PartnerKind.CUSTOMER))


def receive(uow: UnitOfWork, item: str, tracking: list[TrackingLine]) -> None:
    quantity = sum((t.quantity for t in tracking), Decimal(0))
    line = Line(item, quantity, None, "WH1", tuple(tracking))
    documents.create(
        uow, Document(DocumentType.RECEIPT, (line,)), user=SYSTEM, post=True, today=TODAY, now=now()
    )


def stock(uow: UnitOfWork, tag: str, threads: int, pool: int) -> None:
    """What the shipments ship: `pool` serials per wrk thread (P<tag>-<thread>-<n>) and the lots."""
    for thread in range(threads):
        for start in range(0, pool, 10_000):
            serials = range(start, min(pool, start + 10_000))
            receive(uow, "DRILL", [TrackingLine(serial=f"P{tag}-{thread}-{n}") for n in serials])
    receive(uow, "BOLT", [TrackingLine(lot=f"Q{n}", quantity=Decimal(LOT_STOCK)) for n in range(LOTS)])


# --- the baseline: the same writes through the bare driver --------------------------------------


def ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        found = {f"loc:{c}": i for i, c in conn.execute(text("SELECT id, code FROM location"))}
        found |= {f"item:{s}": i for i, s in conn.execute(text("SELECT id, sku FROM item"))}
        found |= {f"partner:{c}": i for i, c in conn.execute(text("SELECT id, code FROM partner"))}
    return found


class RawPoster:
    """One connection posting receipts and shipments as plain SQL, one transaction each.

    The writes are those a posting makes (document, line, ledger rows, balance rows); the checks
    a posting does before writing are not repeated, except that a shipment's UPDATE must find
    its rows. PostgreSQL gets each batch of rows as arrays (`unnest`, as itemtrace does), SQLite
    an `executemany` in a `BEGIN IMMEDIATE` transaction.
    """

    def __init__(self, conninfo: str, ids: dict[str, int], prefix: str) -> None:
        self.sqlite = not conninfo.startswith("postgresql")
        self.connection: Any
        if self.sqlite:
            import sqlite3

            self.connection = sqlite3.connect(conninfo, timeout=60, isolation_level=None)
            self.connection.execute("PRAGMA foreign_keys=ON")
            self.connection.execute("PRAGMA synchronous=NORMAL")
        else:
            import psycopg

            # Through a transaction pooler nothing is prepared (as itemtrace's engine does there).
            pooled = conninfo.endswith("?pooler=transaction")
            self.connection = psycopg.connect(
                conninfo.removesuffix("?pooler=transaction"), prepare_threshold=None if pooled else 5
            )
        self.m = "?" if self.sqlite else "%s"
        self.ids = ids
        self.prefix = prefix
        self.counter = 0
        self.received: deque[str] = deque()

    def close(self) -> None:
        self.connection.close()

    def _sql(self, statement: str) -> str:
        return statement.replace("%s", self.m)

    def _document(self, kind: str, partner: str | None, item: str, quantity: int, tracking: list[Any]) -> int:
        when = now()
        cursor = self.connection.cursor()
        cursor.execute(
            self._sql(
                "INSERT INTO document (number, type, status, partner_id, posting_date, in_transit, "
                "created_by, created_at, posted_by, posted_at) "
                "VALUES (%s, %s, 'posted', %s, %s, false, %s, %s, %s, %s) RETURNING id"
            ),
            (
                f"{self.prefix}-{self.counter}",
                kind,
                self.ids[f"partner:{partner}"] if partner else None,
                TODAY,
                "bench",
                when,
                "bench",
                when,
            ),
        )
        row = cursor.fetchone()
        assert row is not None
        document_id = int(row[0])
        source, target = ("SUPPLIER", "WH1") if kind == "receipt" else ("WH1", "CUSTOMER")
        if self.sqlite:
            import json

            data: Any = json.dumps(tracking)
        else:
            from psycopg.types.json import Jsonb

            data = Jsonb(tracking)
        cursor.execute(
            self._sql(
                "INSERT INTO document_line (document_id, line_no, item_id, quantity, from_location_id, "
                "to_location_id, tracking) VALUES (%s, 1, %s, %s, %s, %s, %s)"
            ),
            (
                document_id,
                self.ids[f"item:{item}"],
                quantity * SCALE,
                self.ids[f"loc:{source}"],
                self.ids[f"loc:{target}"],
                data,
            ),
        )
        return document_id

    def _ledger(
        self,
        document_id: int,
        kind: str,
        item: str,
        keys: list[tuple[str, str]],
        quantity: int,
        when: datetime,
    ) -> None:
        source, target = ("SUPPLIER", "WH1") if kind == "receipt" else ("WH1", "CUSTOMER")
        partner = self.ids["partner:ACME"] if kind == "shipment" else None
        fixed = [
            document_id,
            self.ids[f"item:{item}"],
            quantity * SCALE,
            self.ids[f"loc:{source}"],
            self.ids[f"loc:{target}"],
            TODAY,
            partner,
            when,
        ]
        columns = (
            "INSERT INTO ledger_entry (document_id, line_no, item_id, quantity, from_location_id, "
            "to_location_id, posting_date, partner_id, posted_at, user_name, package, serial, lot) "
        )
        if self.sqlite:
            self.connection.executemany(
                columns + "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, 'bench', '', ?, ?)",
                [(*fixed, s, lot) for s, lot in keys],
            )
            return
        self.connection.execute(
            columns + "SELECT %s, 1, %s, %s, %s, %s, %s, %s, %s, 'bench', '', s, l "
            "FROM unnest(%s::text[], %s::text[]) AS u(s, l)",
            (*fixed, [s for s, _ in keys], [lot for _, lot in keys]),
        )

    def _add(
        self, item: str, location: str, keys: list[tuple[str, str]], quantity: int, in_stock: bool
    ) -> None:
        fixed = [self.ids[f"item:{item}"], self.ids[f"loc:{location}"], quantity * SCALE, in_stock, TODAY]
        columns = (
            "INSERT INTO balance (item_id, location_id, quantity, in_stock, first_in_date, "
            "global_serial, package, serial, lot) "
        )
        upsert = (
            "ON CONFLICT (item_id, location_id, serial, lot, package) "
            "DO UPDATE SET quantity = balance.quantity + excluded.quantity"
        )
        if self.sqlite:
            self.connection.executemany(
                columns + "VALUES (?, ?, ?, ?, ?, false, '', ?, ?) " + upsert,
                [(*fixed, s, lot) for s, lot in keys],
            )
            return
        self.connection.execute(
            columns + "SELECT %s, %s, %s, %s, %s, false, '', s, l "
            "FROM unnest(%s::text[], %s::text[]) AS u(s, l) " + upsert,
            (*fixed, [s for s, _ in keys], [lot for _, lot in keys]),
        )

    def _take(self, item: str, keys: list[tuple[str, str]], quantity: int) -> None:
        item_id, location_id, units = self.ids[f"item:{item}"], self.ids["loc:WH1"], quantity * SCALE
        if self.sqlite:
            taken = 0
            for s, lot in keys:
                taken += self.connection.execute(
                    "UPDATE balance SET quantity = quantity - ? WHERE item_id = ? AND location_id = ? "
                    "AND serial = ? AND lot = ? AND package = '' AND quantity >= ?",
                    (units, item_id, location_id, s, lot, units),
                ).rowcount
        else:
            taken = self.connection.execute(
                "UPDATE balance AS b SET quantity = b.quantity - %s "
                "FROM unnest(%s::text[], %s::text[]) AS u(s, l) "
                "WHERE b.item_id = %s AND b.location_id = %s AND b.serial = u.s AND b.lot = u.l "
                "AND b.package = '' AND b.quantity >= %s",
                (units, [s for s, _ in keys], [lot for _, lot in keys], item_id, location_id, units),
            ).rowcount
        if taken != len(keys):
            raise RuntimeError(f"baseline shipment found {taken} of {len(keys)} balance rows")

    def post(self, kind: str, item: str, keys: list[tuple[str, str]], each: int) -> None:
        """One posting: `keys` are (serial, lot) pairs, `each` the quantity of each."""
        self.counter += 1
        tracking = [
            {"serial": s, "quantity": str(each)} if s else {"lot": lot, "quantity": str(each)}
            for s, lot in keys
        ]
        partner = "ACME" if kind == "shipment" else None
        if self.sqlite:
            self.connection.execute("BEGIN IMMEDIATE")  # as itemtrace's writers do
        document_id = self._document(kind, partner, item, each * len(keys), tracking)
        self._ledger(document_id, kind, item, keys, each, now())
        if kind == "receipt":
            self._add(item, "WH1", keys, each, True)
        else:
            self._take(item, keys, each)
            self._add(item, "CUSTOMER", keys, each, False)
        self.connection.commit()

    def step(self) -> None:
        """The next posting of the same mix as `wrk/itemtrace.lua`'s post mode."""
        kind, n = self.counter % 4, (self.counter // 4) % 3 + 1
        if kind == 0 or (kind == 1 and len(self.received) < n):
            serials = [f"{self.prefix}-{self.counter}-{i}" for i in range(n)]
            self.post("receipt", "DRILL", [(s, "") for s in serials], 1)
            self.received.extend(serials)
        elif kind == 1:
            self.post("shipment", "DRILL", [(self.received.popleft(), "") for _ in range(n)], 1)
        elif kind == 2:
            self.post("receipt", "BOLT", [("", f"{self.prefix}L-{self.counter}")], 5)
        else:
            self.post("shipment", "BOLT", [("", f"Q{random.randrange(LOTS)}")], 1)


def open_poster(index: int, params: dict[str, Any]) -> Step:
    poster = RawPoster(params["conninfo"], params["ids"], f"RAW{params['tag']}-{index}")
    return poster.step, poster.close


def conninfo(engine: Engine, pgbouncer: str | None = None) -> str:
    """What the bare driver connects to: a libpq URL (ending in ?pooler=transaction through
    pgbouncer), or SQLite's file."""
    if engine.dialect.name == "sqlite":
        return str(engine.url.database)
    url = through(engine, pgbouncer) if pgbouncer else engine.url.render_as_string(hide_password=False)
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# --- the run ----------------------------------------------------------------------------------


def through(engine: Engine, pgbouncer: str) -> str:
    """The URL of `engine`'s database through the pgbouncer at HOST:PORT (transaction mode)."""
    host, _, port = pgbouncer.rpartition(":")
    url = engine.url.set(host=host or "127.0.0.1", port=int(port), query={"pooler": "transaction"})
    return url.render_as_string(hide_password=False)


def run(
    backend: str, root: Path, *, seconds: float, connections: int, workers: int, pgbouncer: str | None = None
) -> dict[str, Any]:
    """With `pgbouncer`, the server and the bare baseline both reach PostgreSQL through it."""
    wrk_binary()  # say how to install it before building anything
    threads = max(1, min(connections, _cpus()))
    pool = max(2_000, int(seconds * 400))  # serials each wrk thread may ship (~1,500 posts/s)
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        setup(uow)
        stock(uow, "m", threads, pool)
        if backend == "postgresql":
            with engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        load_before = machine_load()
        url = through(engine, pgbouncer) if pgbouncer else database_url(engine)
        with serve(url, root, workers=workers) as server:
            health = wrk(server, "health", seconds=HEALTH_SECONDS, connections=connections, token=False)
            # One keep-alive connection: a p50 near 40 ms here, not ~1 ms, means the server's
            # answers wait for the client's delayed ACK (Nagle; TCP_NODELAY not set).
            alone = wrk(server, "health", seconds=2, connections=1, token=False)
            wrk(server, "post", seconds=WARMUP_SECONDS, connections=connections, args=["w", "0", str(LOTS)])
            posts = wrk(
                server, "post", seconds=seconds, connections=connections, args=["m", str(pool), str(LOTS)]
            )
        load_after = machine_load()
        raw = raw_concurrent(
            open_poster,
            processes=connections,
            seconds=seconds,
            engine=engine,
            params={"conninfo": conninfo(engine, pgbouncer), "ids": ids(engine), "tag": "m"},
        )
        load_raw = machine_load()
    result = entry(posts, health, raw, connections, workers, seconds, [load_before, load_after, load_raw])
    result["health_1conn_p50_ms"] = round(alone.p50_ms, 2)
    return result


def entry(
    posts: WrkRun,
    health: WrkRun,
    raw: RawRun,
    connections: int,
    workers: int,
    seconds: float,
    loads: list[str],
) -> dict[str, Any]:
    return {
        "value": round(posts.rate, 1),
        "unit": "posts/s",
        "baseline": round(raw.rate, 1),
        "ratio": round(raw.rate / posts.rate, 2) if posts.rate else None,
        "p50_ms": round(posts.p50_ms, 2),
        "p99_ms": round(posts.p99_ms, 2),
        "max_ms": round(posts.max_ms, 2),
        "posts": posts.ok,
        "non2xx": posts.non2xx,
        "socket_errors": posts.socket_errors,
        "first_error": posts.first_error,
        "mix": posts.counts,
        "baseline_p50_ms": round(percentile(raw.latencies_ms, 50), 2),
        "baseline_p99_ms": round(percentile(raw.latencies_ms, 99), 2),
        "health_rps": round(health.rate, 1),
        "health_p50_ms": round(health.p50_ms, 2),
        "health_p99_ms": round(health.p99_ms, 2),
        "health_errors": health.non2xx + health.socket_errors,
        "connections": connections,
        "workers": workers,
        "seconds": seconds,
        "load": loads,
        "measured_on": date.today().isoformat(),
    }


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def show(result: dict[str, Any], backend: str, name: str = "http_post") -> None:
    report(
        name,
        backend,
        result,
        f"(ratio = bare/ours; {result['connections']} clients, {result['workers']} workers, "
        f"{result['seconds']:g} s)",
    )
    print(
        f"  p50 {result['p50_ms']:.1f} ms  p99 {result['p99_ms']:.1f} ms  ({result['posts']:,} posts; "
        f"bare p50 {result['baseline_p50_ms']:.2f} ms p99 {result['baseline_p99_ms']:.2f} ms)\n"
        f"  /api/v1/health {result['health_rps']:,.0f} req/s  p50 {result['health_p50_ms']:.2f} ms  "
        f"p99 {result['health_p99_ms']:.2f} ms; on one connection p50 {result['health_1conn_p50_ms']:.2f} ms\n"
        f"  mix {result['mix']}\n  load (1/5/15 min) before, after, after bare: {'; '.join(result['load'])}",
        flush=True,
    )
    if result["non2xx"] or result["socket_errors"] or result["health_errors"]:
        print(
            f"  !!! ERRORS: {result['non2xx']} posts answered non-2xx, {result['socket_errors']} socket "
            f"errors, {result['health_errors']} health errors; first: {result['first_error']}",
            flush=True,
        )


def main(
    backends: list[str],
    root: Path,
    *,
    quick: bool = False,
    seconds: float | None = None,
    connections: int = 16,
    workers: int = 2,
    pgbouncer: str | None = None,
    **_: Any,
) -> dict[str, dict[str, Any]]:
    """http_post on each backend; with `pgbouncer` (HOST:PORT), http_post_pgbouncer on PostgreSQL too."""
    seconds = seconds or (5 if quick else 15)
    found: dict[str, dict[str, Any]] = {}
    runs: list[tuple[str, str, str | None]] = [("http_post", backend, None) for backend in backends]
    if pgbouncer and "postgresql" in backends:
        runs.append(("http_post_pgbouncer", "postgresql", pgbouncer))
    for name, backend, pooler in runs:
        try:
            result = run(
                backend, root, seconds=seconds, connections=connections, workers=workers, pgbouncer=pooler
            )
        except Skipped as why:
            skipped(name, backend, why)
            continue
        if pooler:
            result["pgbouncer"] = pooler
        show(result, backend, name)
        found.setdefault(name, {})[backend] = result
    return found
