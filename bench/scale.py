"""`make bench-scale`: a ledger of N serials and about 10 N entries on PostgreSQL, and the reads
and daily work that must stay fast at that size. Not part of `make bench` (the full size takes
most of an hour and about 60 GB).

    python -m bench.scale --entries 10m          # 1.7 M serials, ~10 M ledger entries
    make bench-scale SCALE_ARGS="--entries 100m" # the issue's size: 10 M serials, ~100 M entries

The data set is `bench/genealogy.py`'s, scaled by f = entries / 6 M, with 50,000 customers:
raw lots received from a vendor with expiry dates (two years around their receipt), four levels
of assemblies (lots of lots, then serials: five levels of units), two serials in three shipped;
then, set-based per chunk of serials, what happens to units afterwards: every serial still on
hand moves to WH2 and back twice (one transfer document per leg and chunk), every other shipped
serial is returned by its customer and shipped to it again. At f = 1: 600,000 serials, 1,000,000
units, 4.8 M genealogy ledger rows + 1.2 M later movements = 6 M entries, 10 per serial. The
three hub lots keep the size they have in the 1M-unit genealogy bench (about 320 level-1 lots
consume each) at every scale: a bigger ledger, the same recall.

It is resumable: the database (`itemtrace_scale_<size>`, kept unless `--drop`) records each
finished step and, in the chunked steps, each finished chunk; a second run carries on where the
first stopped (or only measures, when everything is there). Each step prints its time, and a
progress bar while it runs chunk by chunk.

Figures (recorded as `NAME_<size>` in bench/results.json, e.g. `serial_card_100m`): a serial's
card (p50, p99 over 1,000 random serials, beside the bare history query), forward and backward
traces and the hub lot's recall (as `bench/genealogy.py` measures them, beside its bare SQL);
the daily work of `bench/scale_daily.py` (a 10,000-serial receipt, a busy item's availability and
FEFO suggestion, the expiring report); `itemtrace check`, full and since a checkpoint
(`bench/check_scale.py`; `--check-only` measures only those).
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import Engine, text

from bench import genealogy
from bench.check_scale import measure_check
from bench.common import PG_SERVER, TODAY, figure, percentile, report, save
from bench.scale_daily import measure_daily
from bench.serial_card import RAW_HISTORY
from itemtrace.domain.masterdata import Location
from itemtrace.domain.tracing import TraceDirection
from itemtrace.domain.tracking import Dimension
from itemtrace.services import info_cards, masterdata
from itemtrace.storage.engine import make_engine
from itemtrace.storage.schema import upgrade
from itemtrace.storage.unit_of_work import UnitOfWork

ENTRIES_PER_F = 6_000_000  # ledger entries at f = 1 (genealogy's 4.8 M + 1.2 M later movements)
CUSTOMERS = 50_000
GENEALOGY = "genealogy (receipts, 5 levels of assemblies, shipments)"
CHUNK = 50_000  # serials per COPY transaction (one resumable step)
CARD_READS = 1_000
SHELF_DAYS = 720  # raw lots expire 60 days before to 660 days after their receipt
POSTED = date(2026, 11, 23)
STAMP = datetime(2026, 11, 23, 9, tzinfo=UTC)
LEDGER_COLUMNS = (
    "document_id, line_no, item_id, serial, lot, package, quantity, from_location_id, "
    "to_location_id, posting_date, partner_id, user_name, posted_at"
)
# The genealogy links of a serial, both ways, with their documents: what a card shows beside its
# history (the bare baseline's second statement).
RAW_LINKS = (
    "WITH k (item_id, serial) AS (VALUES (%s::integer, %s::text)) "
    "SELECT i.sku, l.input_serial, l.input_lot, l.input_package, d.number, d.posting_date, l.quantity "
    "FROM k JOIN genealogy_link l ON l.output_item_id = k.item_id AND l.output_serial = k.serial "
    "JOIN item i ON i.id = l.input_item_id JOIN document d ON d.id = l.document_id "
    "UNION ALL SELECT i.sku, l.output_serial, l.output_lot, l.output_package, d.number, d.posting_date, "
    "l.quantity FROM k JOIN genealogy_link l ON l.input_item_id = k.item_id AND l.input_serial = k.serial "
    "JOIN item i ON i.id = l.output_item_id JOIN document d ON d.id = l.document_id"
)
DOCUMENT_COLUMNS = "id, number, type, status, partner_id, posting_date, in_transit, created_by, created_at, posted_by, posted_at"


def entries(size: str) -> int:
    """`10m`, `100M`, `2.5m`, `500k` or a plain number of ledger entries."""
    units = {"k": 1_000, "m": 1_000_000, "g": 1_000_000_000}
    raw = size.strip().lower()
    scale = units.get(raw[-1:], 1)
    return int(float(raw[:-1] if scale > 1 else raw) * scale)


def shape_for(total: int) -> genealogy.Shape:
    """Every level scaled by f, the fan-outs kept, and the hubs kept the size they have in the
    1M-unit genealogy bench (about 320 level-1 lots consume each): a bigger ledger, the same
    recall."""
    f = total / ENTRIES_PER_F
    levels = tuple(max(1, round(n * f)) for n in genealogy.LEVELS)
    stride = max(1, round(genealogy.HUB_STRIDE * levels[1] / genealogy.LEVELS[1]))
    return genealogy.Shape(levels, CUSTOMERS, hub_stride=stride, shelf_days=SHELF_DAYS)


class Progress:
    """What is done, kept in the database itself so that a run can resume."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS bench_scale_step "
                    "(step TEXT PRIMARY KEY, done BIGINT NOT NULL, seconds DOUBLE PRECISION NOT NULL)"
                )
            )

    def done(self, step: str) -> tuple[int, float]:
        with self.engine.connect() as conn:
            row = conn.execute(
                text("SELECT done, seconds FROM bench_scale_step WHERE step = :s"), {"s": step}
            ).first()
        return (int(row[0]), float(row[1])) if row else (0, 0.0)

    @staticmethod
    def record(cursor: Any, step: str, done: int, seconds: float) -> None:
        """In the caller's transaction: the chunk and its record commit together."""
        cursor.execute(
            "INSERT INTO bench_scale_step VALUES (%s, %s, %s) ON CONFLICT (step) DO UPDATE "
            "SET done = EXCLUDED.done, seconds = EXCLUDED.seconds",
            (step, done, seconds),
        )


def bar(label: str, done: int, total: int, started: float) -> None:
    width = 30
    filled = width * done // max(total, 1)
    print(
        f"\r  {label:<28} [{'#' * filled}{' ' * (width - filled)}] {done:>12,} / {total:,} "
        f"{time.perf_counter() - started:8.1f} s",
        end="" if done < total else "\n",
        file=sys.stderr,
        flush=True,
    )


class Generator:
    def __init__(self, engine: Engine, size: genealogy.Shape) -> None:
        self.engine = engine
        self.size = size
        self.progress = Progress(engine)
        self.timings: dict[str, float] = {}
        self.last = len(size.levels) - 1
        self.serials = size.levels[self.last]
        self.first_serial_doc = size.shipment_base  # shipment of serial x: document first_serial_doc + x
        self.transfer_base = size.shipment_base + self.serials  # beyond every genealogy document
        self.chunks = -(-self.serials // CHUNK)
        self.return_base = self.transfer_base + 4 * self.chunks
        self.d = genealogy.Dialect("postgresql")

    def run(self) -> dict[str, float]:
        self.step(GENEALOGY, self.genealogy)
        self.chunked_step("transfers WH1 -> WH2 -> WH1 (x2)", self.transfers)
        self.chunked_step("returns and reshipments", self.returns)
        self.step("vacuum analyze", self.vacuum)
        return self.timings

    def step(self, name: str, work: Any) -> None:
        done, seconds = self.progress.done(name)
        if done:
            print(f"  {name:<60} done before ({seconds:.1f} s)", file=sys.stderr, flush=True)
        else:
            started = time.perf_counter()
            work()
            seconds = time.perf_counter() - started
            with psycopg.connect(self.conninfo) as conn:
                Progress.record(conn.cursor(), name, 1, seconds)
            print(f"  {name:<60} {seconds:8.1f} s", file=sys.stderr, flush=True)
        self.timings[name] = round(seconds, 1)

    def chunked_step(self, name: str, statements: Any) -> None:
        """`statements(low, high)` writes what happens to serials low..high-1 in set-based SQL;
        each chunk of serials is written and recorded in one transaction."""
        done, seconds = self.progress.done(name)
        started = time.perf_counter() - seconds
        if done == self.chunks:
            print(f"  {name:<60} done before ({seconds:.1f} s)", file=sys.stderr, flush=True)
        with psycopg.connect(self.conninfo) as conn:
            cursor = conn.cursor()
            cursor.execute("SET synchronous_commit = off")
            for chunk in range(done, self.chunks):
                low, high = chunk * CHUNK, min((chunk + 1) * CHUNK, self.serials)
                for sql in statements(chunk, low, high):
                    cursor.execute(sql)
                Progress.record(cursor, name, chunk + 1, time.perf_counter() - started)
                conn.commit()
                bar(name, high, self.serials, started)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('document', 'id'), (SELECT MAX(id) FROM document))"
            )
            conn.commit()
        self.timings[name] = round(time.perf_counter() - started, 1)

    @property
    def conninfo(self) -> str:
        return self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    # -- the steps ------------------------------------------------------------------------------
    def genealogy(self) -> None:
        genealogy.generate(self.engine, self.size)
        uow = UnitOfWork.for_engine(self.engine)
        masterdata.create_location(uow, Location("WH2", "Second warehouse"))

    @functools.cached_property
    def _ids(self) -> tuple[dict[str, int], str]:
        """Location ids by code, and the finished item's id of serial x as SQL (read once, after
        the genealogy step made them, not once per chunk)."""
        with self.engine.connect() as conn:
            locations = {code: i for i, code in conn.execute(text("SELECT id, code FROM location"))}
            items = {sku: i for i, sku in conn.execute(text("SELECT id, sku FROM item"))}
        prefix, count = genealogy.ITEMS[self.last]
        whens = " ".join(f"WHEN {n} THEN {items[f'{prefix}-{n}']}" for n in range(count))
        return locations, f"CASE x % {count} {whens} END"

    def transfers(self, chunk: int, low: int, high: int) -> list[str]:
        """Serials on hand (two in three are shipped: x % 3 == 2 stay) go WH1 -> WH2 -> WH1
        twice, one document per leg for the chunk."""
        loc, item = self._ids
        first = self.transfer_base + 4 * chunk
        legs = ", ".join(
            f"({leg}, {source}, {target})"
            for leg, (source, target) in enumerate(((loc["WH1"], loc["WH2"]), (loc["WH2"], loc["WH1"])) * 2)
        )
        serial = f"'SN' || {self.d.pad('x', 7)}"
        day = f"DATE '{POSTED}' + 1 + leg"
        return [
            f"INSERT INTO document ({DOCUMENT_COLUMNS}) SELECT {first} + leg, 'TRF-' || "
            f"{self.d.pad(f'{first} + leg', 9)}, 'transfer', 'posted', NULL, {day}, false, 'bench', "
            f"'{STAMP}', 'bench', '{STAMP}' FROM generate_series(0, 3) leg",
            f"INSERT INTO ledger_entry ({LEDGER_COLUMNS}) SELECT {first} + leg, (x - {low}) / 3 + 1, "
            f"{item}, {serial}, '', '', 1000, source, target, {day}, NULL, 'bench', '{STAMP}' "
            f"FROM (VALUES {legs}) legs (leg, source, target), generate_series({low}, {high - 1}) x "
            "WHERE x % 3 = 2 ORDER BY leg, x",
            "INSERT INTO balance (item_id, location_id, serial, lot, package, quantity, in_stock, "
            f"first_in_date) SELECT {item}, {loc['WH2']}, {serial}, '', '', 0, true, DATE '{POSTED}' "
            f"FROM generate_series({low}, {high - 1}) x WHERE x % 3 = 2",
        ]

    def returns(self, chunk: int, low: int, high: int) -> list[str]:
        """Every other shipped serial (x % 3 == 0) comes back from its customer and is shipped
        to it again: a return receipt and a shipment of one line each."""
        loc, _ = self._ids
        shipped = (
            f"SELECT document_id - {self.first_serial_doc} AS x, item_id, serial, partner_id "
            f"FROM ledger_entry WHERE document_id >= {self.first_serial_doc + low} "
            f"AND document_id < {self.first_serial_doc + high} "
            f"AND (document_id - {self.first_serial_doc}) % 3 = 0"
        )
        back, again = POSTED + timedelta(days=30), POSTED + timedelta(days=40)
        doc = f"{self.return_base} + 2 * x"
        moves = (
            f"(VALUES (0, {loc['CUSTOMER']}, {loc['WH1']}, DATE '{back}'), "
            f"(1, {loc['WH1']}, {loc['CUSTOMER']}, DATE '{again}')) m (leg, source, target, day)"
        )
        return [
            f"INSERT INTO document ({DOCUMENT_COLUMNS}) SELECT {doc} + leg, CASE leg WHEN 0 THEN "
            f"'RET-' || {self.d.pad(doc, 9)} ELSE 'SHIP-R' || {self.d.pad(f'{doc} + 1', 9)} END, "
            "CASE leg WHEN 0 THEN 'return_receipt' ELSE 'shipment' END, 'posted', partner_id, day, "
            f"false, 'bench', '{STAMP}', 'bench', '{STAMP}' FROM ({shipped}) s, {moves} ORDER BY x, leg",
            f"INSERT INTO ledger_entry ({LEDGER_COLUMNS}) SELECT {doc} + leg, 1, item_id, serial, '', "
            f"'', 1000, source, target, day, partner_id, 'bench', '{STAMP}' FROM ({shipped}) s, {moves} "
            "ORDER BY x, leg",
        ]

    def vacuum(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")


# -- measurement --------------------------------------------------------------------------------
def serial_card(engine: Engine, size: genealogy.Shape) -> dict[str, Any]:
    """Cards of random finished serials through the service, beside the bare driver's history
    and genealogy links of the same serial; the two take turns at reading a serial first (whoever
    reads first pays for its pages coming into the cache)."""
    last = len(size.levels) - 1
    rng = random.Random(20261130)
    picks = [rng.randrange(size.levels[last]) for _ in range(CARD_READS + 50)]
    uow = UnitOfWork.for_engine(engine)
    with engine.connect() as conn:
        items = {sku: i for i, sku in conn.execute(text("SELECT id, sku FROM item"))}
    connection = engine.raw_connection()
    cursor = connection.cursor()
    bare_sql = [RAW_HISTORY.format(m="%s"), RAW_LINKS]

    def service(x: int) -> float:
        start = time.perf_counter()
        info_cards.card(uow, Dimension.SERIAL, genealogy.sku(last, x), genealogy.number(last, x), today=TODAY)
        return (time.perf_counter() - start) * 1000

    def bare(x: int) -> float:
        params = (items[genealogy.sku(last, x)], genealogy.number(last, x))
        start = time.perf_counter()
        for sql in bare_sql:
            cursor.execute(sql, params)
            cursor.fetchall()
        connection.rollback()
        return (time.perf_counter() - start) * 1000

    ours, raw = [], []
    try:
        for n, x in enumerate(picks):
            if n % 2:
                base, mine = bare(x), service(x)
            else:
                mine, base = service(x), bare(x)
            if n >= 50:
                ours.append(mine)
                raw.append(base)
    finally:
        connection.close()
    entry = figure(percentile(ours, 50), "ms", percentile(raw, 50))
    entry.update(
        p99=round(percentile(ours, 99), 4),
        p99_baseline=round(percentile(raw, 99), 4),
        serials=size.levels[last],
    )
    return entry


def measure(
    engine: Engine, size: genealogy.Shape, label: str, timings: dict[str, float]
) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
            for t in ("ledger_entry", "genealogy_link", "document", "balance")
        }
    facts = {"seconds": sum(timings.values()), **counts}
    print(
        f"at {label}: {counts['ledger_entry']:,} ledger entries, {size.levels[-1]:,} serials, "
        f"{counts['genealogy_link']:,} links, {counts['document']:,} documents",
        flush=True,
    )
    card = serial_card(engine, size)
    card.update(ledger_entries=counts["ledger_entry"], generation_s=timings)
    report(
        f"serial_card_{label}",
        "postgresql",
        card,
        f"(p99 {card['p99']:.2f} ms; bare {card['p99_baseline']:.2f})",
    )
    bench = genealogy.Bench(engine, "postgresql", size, facts)
    try:
        found = {
            f"serial_card_{label}": card,
            f"trace_forward_{label}": bench.trace(f"trace_forward_{label}", 0, TraceDirection.FORWARD),
            f"trace_backward_{label}": bench.trace(
                f"trace_backward_{label}", bench.last, TraceDirection.BACKWARD
            ),
            f"recall_hub_lot_{label}": bench.recall_hub_lot(),
        }
    finally:
        bench.bare.close()
    for entry in found.values():
        entry["ledger_entries"] = counts["ledger_entry"]
    return {name: {"postgresql": entry} for name, entry in found.items()}


def database(name: str) -> str:
    """The run's database: kept from a run that got past the genealogy (whose one transaction
    is all or nothing), made anew otherwise."""
    admin = PG_SERVER.replace("+psycopg", "") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if exists and not _past_genealogy(name):
        drop(name)
        exists = None
    if not exists:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def _past_genealogy(name: str) -> bool:
    with psycopg.connect(PG_SERVER.replace("+psycopg", "") + "/" + name) as conn:
        found = conn.execute("SELECT to_regclass('bench_scale_step') IS NOT NULL").fetchone()
        if not found or not found[0]:
            return False
        return (
            conn.execute("SELECT 1 FROM bench_scale_step WHERE step = %s", (GENEALOGY,)).fetchone()
            is not None
        )


def drop(name: str) -> None:
    with psycopg.connect(PG_SERVER.replace("+psycopg", "") + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", default="100m", help="ledger entries: 10m, 100m, 500k (default 100m)")
    parser.add_argument("--database", help="database name (default itemtrace_scale_<entries>)")
    parser.add_argument("--no-measure", action="store_true", help="generate (or resume) only")
    parser.add_argument("--check-only", action="store_true", help="measure `itemtrace check` only")
    parser.add_argument(
        "--only",
        default="reads,daily,check",
        help="what to measure, of reads (cards, traces, recall), daily, check (default: all)",
    )
    parser.add_argument(
        "--suffix", default="", help="appended to the figures' names, e.g. _tuned for another server setting"
    )
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args(argv)
    total = entries(args.entries)
    label = args.entries.strip().lower()
    name = args.database or f"itemtrace_scale_{label.replace('.', '_')}"
    size = shape_for(total)
    print(
        f"bench-scale {label}: {sum(size.levels):,} units ({size.levels[-1]:,} serials), "
        f"{size.customers:,} customers, about {total:,} ledger entries in database {name}",
        file=sys.stderr,
        flush=True,
    )
    parts = {"check"} if args.check_only else set(args.only.split(","))
    engine = make_engine(database(name))
    try:
        upgrade(engine)
        timings = Generator(engine, size).run()
        named = label + args.suffix
        if not args.no_measure:
            if "reads" in parts:
                save(measure(engine, size, named, timings))
            if "daily" in parts:
                save(measure_daily(engine, named))
            if "check" in parts:
                save(measure_check(engine, named))
    finally:
        engine.dispose()
        if args.drop:
            drop(name)


if __name__ == "__main__":
    main()
