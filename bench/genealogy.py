"""`trace_forward`, `trace_backward`, `recall_hub_lot`, `recall_hub_lot_block`: a million-lot genealogy.

The data set (full size; `--quick` divides every count by 20, fan-outs stay the same):

    level 0  150,000 raw lots      received from a vendor, 50 lots per receipt
    level 1  100,000 lots          each made from 3-5 raw lots (one assembly each)
    level 2   75,000 lots          each made from 3-5 level-1 lots
    level 3   75,000 lots          each made from 3-5 level-2 lots
    level 4  600,000 serials       finished goods, each made from 3-5 level-3 lots;
                                   400,000 shipped (one shipment each) to 10,000 customers

1,000,000 units, about 3.4 million genealogy links, 4.8 million ledger rows. A typical raw lot
reaches about a thousand units downstream. Three "hub" raw lots each feed about 320 level-1 lots
and so reach more than 100,000 units and (nearly) every customer.

It is generated directly in set-based SQL (`generate_series` on PostgreSQL, a recursive CTE on
SQLite), in the shapes the services write: posted documents, ledger rows (receipt SUPPLIER->WH1,
assembly WH1->PRODUCTION for consumed units and PRODUCTION->WH1 for the output, shipment
WH1->CUSTOMER with the partner), the balance projection, and genealogy links (every consumed
unit -> the output, quantity 1) with the items on either side of them (`genealogy_item`). Draft lines (`document_line`) are not written: nothing here
reads them.

Figures go through the services (`tracing.trace`, `tracing.recall`); baselines are the bare
SQL for the same result through the same driver. For a trace: one hand-written statement that
walks the links recursively and returns every link into a reached unit and every movement of a
reached unit, each with its document's number and date, which is what the graph shows (the bare
walk alone, collecting the reachable keys, is reported beside it as `walk_only_baseline`). The
service and the bare statement take turns at reading a unit first. For the recall: the same walk
and the three aggregations (deliveries to customers, last place of every reached unit, stock on
hand), plus the upsert of the blocked cards for the blocking variant (rolled back).

PostgreSQL is vacuumed after the load, as autovacuum would soon do: index-only scans need the
visibility map.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, inspect, text
from sqlalchemy.schema import CreateIndex

from bench.common import database, figure, median, now, percentile, report
from itemtrace.domain.masterdata import Item, Location
from itemtrace.domain.tracing import RecallReport, TraceDirection
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import masterdata, tracing
from itemtrace.storage.tables import BalanceRow, DocumentRow, GenealogyLinkRow, LedgerEntryRow
from itemtrace.storage.unit_of_work import UnitOfWork

NAMES = ("trace_forward", "trace_backward", "recall_hub_lot", "recall_hub_lot_block")
LEVELS = (150_000, 100_000, 75_000, 75_000, 600_000)  # units per level; the last are serials
CUSTOMERS = 10_000
ITEMS = (("RAW", 10), ("SUBA", 4), ("SUBB", 2), ("SUBC", 2), ("FG", 5))  # item prefix, items per level
LOTS_PER_RECEIPT = 50
OUTPUT_LINE = 6  # consumed lines are 1-5
HUBS = 3  # raw lots 0, 1 and 2
HUB_STRIDE = 104  # every 104th level-1 lot consumes a hub (about 320 per hub at full size)
TRACES = 50  # traced units per direction
WARMUP = 10
RUNS = 3
POSTED = "2026-11-23"
TABLES = (LedgerEntryRow, GenealogyLinkRow, BalanceRow, DocumentRow)


@dataclass(frozen=True)
class Shape:
    levels: tuple[int, ...]
    customers: int
    hub_stride: int = HUB_STRIDE  # every hub_stride-th level-1 lot consumes a hub
    shelf_days: int | None = None  # raw lots expire 60 days before to shelf_days - 60 after receipt

    @property
    def offsets(self) -> tuple[int, ...]:
        return tuple(sum(self.levels[:level]) for level in range(len(self.levels)))

    @property
    def receipts(self) -> int:
        return -(-self.levels[0] // LOTS_PER_RECEIPT)

    @property
    def shipment_base(self) -> int:
        """Document id of the shipment of serial 0 (serial x ships in document base + x)."""
        return self.receipts + 1 + sum(self.levels[1:])


def shape(quick: bool) -> Shape:
    divisor = 20 if quick else 1
    return Shape(tuple(n // divisor for n in LEVELS), CUSTOMERS // divisor)


def sku(level: int, x: int) -> str:
    prefix, count = ITEMS[level]
    return f"{prefix}-{x % count}"


def number(level: int, x: int) -> str:
    return f"SN{x:07d}" if level == len(LEVELS) - 1 else f"L{level}-{x:07d}"


def progress(message: str, started: float) -> None:
    print(f"  {message:<48} {time.perf_counter() - started:7.1f} s", file=sys.stderr, flush=True)


# -- generation -------------------------------------------------------------------------------
class Dialect:
    """The few spellings that differ between the backends, for literal SQL."""

    def __init__(self, name: str) -> None:
        self.pg = name == "postgresql"
        self.true, self.false = ("true", "false") if self.pg else ("1", "0")
        self.stamp = "'2026-11-23 09:00:00+00'" if self.pg else "'2026-11-23 09:00:00.000000'"

    def pad(self, expr: str, width: int) -> str:
        """Python's f"{n:0{width}d}" (wider numbers are not cut)."""
        if self.pg:
            return f"(CASE WHEN {expr} < 1{'0' * width} THEN lpad(({expr})::text, {width}, '0') ELSE ({expr})::text END)"
        return f"printf('%0{width}d', {expr})"

    def days_after(self, day: str, days: str) -> str:
        """The date `days` (an integer expression) after the date `day`."""
        if self.pg:
            return f"(DATE '{day}' + ({days})::int)"
        return f"date('{day}', ({days}) || ' days')"


def mix(value: str) -> str:
    """A deterministic integer hash in [0, 2**32) of a non-negative integer below 10**9, in SQL
    both backends evaluate the same (64-bit integer arithmetic without overflow)."""
    a = f"(({value}) * 2654435761 % 4294967296)"
    return f"((({a} + {a} / 65536) * 1103515245 + 12345) % 4294967296)"


def generate(engine: Engine, size: Shape) -> dict[str, Any]:
    """Fill the database; returns facts about what was generated."""
    started = time.perf_counter()
    d = Dialect(engine.dialect.name)
    uow = UnitOfWork.for_engine(engine)
    masterdata.create_tracking_code(uow, TrackingCode("LOT", lot=DimensionPolicy(specific=True)))
    masterdata.create_tracking_code(uow, TrackingCode("SN", serial=DimensionPolicy(specific=True)))
    for level, (prefix, count) in enumerate(ITEMS):
        for n in range(count):
            code = "SN" if level == len(ITEMS) - 1 else "LOT"
            masterdata.create_item(uow, Item(f"{prefix}-{n}", f"{prefix} {n}", tracking_code=code))
    masterdata.create_location(uow, Location("WH1", "Main"))
    with engine.connect() as conn:
        loc = {code: i for i, code in conn.execute(text("SELECT id, code FROM location"))}
        item = {s: i for i, s in conn.execute(text("SELECT id, sku FROM item"))}
    vendor = size.customers + 1
    offsets = size.offsets
    biggest = max(max(size.levels), size.customers, size.receipts)
    last = len(size.levels) - 1
    assembly_base = size.receipts + 1 - offsets[1]  # assembly of unit id g: document assembly_base + g
    shipped = f"level = {last} AND x % 3 <> 2"  # two serials in three are shipped, one each

    def expiry(alias: str) -> str:
        """A raw lot's expiration date (`alias` is its gen_lot row), if the shape dates them."""
        if size.shelf_days is None:
            return "NULL"
        return d.days_after(POSTED, f"{alias}.x % {size.shelf_days} - 60")

    def item_case(level: int) -> str:
        prefix, count = ITEMS[level]
        whens = " ".join(f"WHEN {n} THEN {item[f'{prefix}-{n}']}" for n in range(count))
        return f"CASE x % {count} {whens} END"

    steps: list[tuple[str, str]] = []

    def step(label: str, sql: str) -> None:
        steps.append((label, sql))

    # Helper tables: the integers, every unit, every (output, input) pair, uses per unit.
    step("helper tables", "CREATE TABLE gen_n (x BIGINT PRIMARY KEY)")
    step("", "CREATE TABLE gen_lot (id BIGINT PRIMARY KEY, level INTEGER, x BIGINT, item_id INTEGER, "
         "serial VARCHAR(50), lot VARCHAR(50), doc_id BIGINT, partner_id INTEGER)")  # fmt: skip
    # gen_edge gets its unique index once filled: filled through it, tens of millions of
    # (output, input) pairs in hash order would rewrite the index's pages over and over.
    step("", "CREATE TABLE gen_edge (out_id BIGINT, in_id BIGINT, line_no INTEGER)")
    step("", "CREATE TABLE gen_use (id BIGINT PRIMARY KEY, uses INTEGER, quantity BIGINT)")
    if d.pg:
        step("integers", f"INSERT INTO gen_n SELECT generate_series(0, {biggest - 1})")
    else:
        step(
            "integers",
            f"WITH RECURSIVE s(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < {biggest - 1}) "
            "INSERT INTO gen_n SELECT x FROM s",
        )
    step(
        "partners",
        f"INSERT INTO partner (id, code, name, kind) SELECT x + 1, 'C' || {d.pad('x', 5)}, "
        f"'Customer ' || x, 'customer' FROM gen_n WHERE x < {size.customers}",
    )
    step("", f"INSERT INTO partner (id, code, name, kind) VALUES ({vendor}, 'VENDOR', 'Vendor', 'vendor')")
    for level, count in enumerate(size.levels):
        # doc_id: the document that made the unit (its receipt, or its assembly).
        doc = f"1 + x / {LOTS_PER_RECEIPT}" if level == 0 else f"{assembly_base + offsets[level]} + x"
        if level == last:
            serial, lot = f"'SN' || {d.pad('x', 7)}", "''"
            partner = f"CASE WHEN x % 3 = 2 THEN NULL ELSE 1 + {mix('x + 700000000')} % {size.customers} END"
        else:
            serial, lot, partner = "''", f"'L{level}-' || {d.pad('x', 7)}", "NULL"
        step(
            f"units of level {level}",
            f"INSERT INTO gen_lot SELECT {offsets[level]} + x, {level}, x, {item_case(level)}, {serial}, {lot}, "
            f"{doc}, {partner} FROM gen_n WHERE x < {count}",
        )
    for level in range(1, last + 1):
        below, low = size.levels[level - 1], (HUBS if level == 1 else 0)
        salt = level * 100_000_000
        pick = f"{low} + {mix(f'{salt} + n.x * 5 + k.i')} % {below - low}"
        if level == 1:
            stride = size.hub_stride
            pick = f"CASE WHEN n.x % {stride} = 0 AND k.i = 0 THEN (n.x / {stride}) % {HUBS} ELSE {pick} END"
        step(
            f"links into level {level}",
            f"INSERT INTO gen_edge SELECT out_id, in_id, MIN(line_no) FROM ("
            f"SELECT {offsets[level]} + n.x AS out_id, {offsets[level - 1]} + {pick} AS in_id, k.i + 1 AS line_no "
            f"FROM gen_n n JOIN (SELECT x AS i FROM gen_n WHERE x < 5) k "
            f"ON k.i < 3 + {mix(f'{salt + 50_000_000} + n.x')} % 3 WHERE n.x < {size.levels[level]}"
            f") e GROUP BY out_id, in_id",
        )
    step("", "CREATE UNIQUE INDEX gen_edge_key ON gen_edge (out_id, in_id)")
    # A lot is made (or received) in the quantity its consumers take, one unit each; odd lots
    # (and lots nobody used) keep 5 units on the shelf. A serial is one unit.
    step(
        "quantities",
        "INSERT INTO gen_use SELECT g.id, COALESCE(u.uses, 0), CASE WHEN g.level = 4 THEN 1000 ELSE "
        "1000 * (COALESCE(u.uses, 0) + CASE WHEN g.id % 2 = 1 OR u.uses IS NULL THEN 5 ELSE 0 END) END "
        "FROM gen_lot g LEFT JOIN (SELECT in_id, COUNT(*) AS uses FROM gen_edge GROUP BY in_id) u "
        "ON u.in_id = g.id",
    )

    def document(kind: str, prefix: str, source: str, partner: str) -> str:
        return (
            "INSERT INTO document (id, number, type, status, partner_id, posting_date, in_transit, "
            "created_by, created_at, posted_by, posted_at) "
            f"SELECT id, '{prefix}-' || {d.pad('id', 6)}, '{kind}', 'posted', {partner}, '{POSTED}', "
            f"{d.false}, 'bench', {d.stamp}, 'bench', {d.stamp} FROM ({source}) s"
        )

    step(
        "documents",
        document("receipt", "RCPT", f"SELECT x + 1 AS id FROM gen_n WHERE x < {size.receipts}", str(vendor)),
    )
    step("", document("assembly", "ASM", "SELECT doc_id AS id FROM gen_lot WHERE level > 0", "NULL"))
    ship_doc = f"{size.shipment_base} + x"
    step(
        "",
        document(
            "shipment",
            "SHIP",
            f"SELECT {ship_doc} AS id, partner_id FROM gen_lot WHERE {shipped}",
            "partner_id",
        ),
    )
    ledger = (
        "INSERT INTO ledger_entry (document_id, line_no, item_id, serial, lot, package, quantity, "
        "from_location_id, to_location_id, posting_date, partner_id, user_name, posted_at, expiration_date) "
    )
    step(
        "ledger: receipts",
        ledger + f"SELECT g.doc_id, g.x % {LOTS_PER_RECEIPT} + 1, g.item_id, '', g.lot, '', q.quantity, "
        f"{loc['SUPPLIER']}, {loc['WH1']}, '{POSTED}', {vendor}, 'bench', {d.stamp}, {expiry('g')} "
        "FROM gen_lot g JOIN gen_use q ON q.id = g.id WHERE g.level = 0 ORDER BY g.id",
    )
    for level in range(1, last + 1):
        step(
            f"ledger: assemblies of level {level}",
            ledger + f"SELECT o.doc_id, e.line_no, i.item_id, i.serial, i.lot, '', 1000, "
            f"{loc['WH1']}, {loc['PRODUCTION']}, '{POSTED}', NULL, 'bench', {d.stamp}, "
            f"{expiry('i') if level == 1 else 'NULL'} "
            f"FROM gen_edge e JOIN gen_lot o ON o.id = e.out_id JOIN gen_lot i ON i.id = e.in_id "
            f"WHERE e.out_id >= {offsets[level]} AND e.out_id < {offsets[level] + size.levels[level]} "
            "ORDER BY e.out_id, e.line_no",
        )
        step(
            "",
            ledger + f"SELECT o.doc_id, {OUTPUT_LINE}, o.item_id, o.serial, o.lot, '', q.quantity, "
            f"{loc['PRODUCTION']}, {loc['WH1']}, '{POSTED}', NULL, 'bench', {d.stamp}, NULL "
            f"FROM gen_lot o JOIN gen_use q ON q.id = o.id WHERE o.level = {level} ORDER BY o.id",
        )
    step(
        "ledger: shipments",
        ledger + f"SELECT {ship_doc}, 1, item_id, serial, '', '', 1000, {loc['WH1']}, {loc['CUSTOMER']}, "
        f"'{POSTED}', partner_id, 'bench', {d.stamp}, NULL FROM gen_lot WHERE {shipped} "
        "ORDER BY id",
    )
    balance = (
        "INSERT INTO balance (item_id, location_id, serial, lot, package, quantity, in_stock, first_in_date, "
        "expiration_date) "
    )
    step(
        "balance",
        balance + f"SELECT g.item_id, {loc['WH1']}, g.serial, g.lot, '', "
        f"CASE WHEN g.level = {last} THEN (CASE WHEN g.x % 3 = 2 THEN 1000 ELSE 0 END) "
        f"ELSE q.quantity - 1000 * q.uses END, {d.true}, '{POSTED}', "
        f"CASE WHEN g.level = 0 THEN {expiry('g')} END "
        "FROM gen_lot g JOIN gen_use q ON q.id = g.id ORDER BY g.id",
    )
    step(
        "",
        balance + f"SELECT item_id, {loc['CUSTOMER']}, serial, '', '', 1000, {d.false}, '{POSTED}', NULL "
        f"FROM gen_lot WHERE {shipped} ORDER BY id",
    )
    step(
        "genealogy links",
        "INSERT INTO genealogy_link (document_id, input_item_id, input_serial, input_lot, input_package, "
        "output_item_id, output_serial, output_lot, output_package, quantity) "
        "SELECT o.doc_id, i.item_id, i.serial, i.lot, '', o.item_id, o.serial, o.lot, '', 1000 "
        "FROM gen_edge e JOIN gen_lot o ON o.id = e.out_id JOIN gen_lot i ON i.id = e.in_id "
        "ORDER BY e.out_id, e.line_no",
    )
    step(
        "",
        "INSERT INTO genealogy_item (item_id, side) SELECT DISTINCT input_item_id, 'input' FROM genealogy_link "
        "UNION SELECT DISTINCT output_item_id, 'output' FROM genealogy_link",
    )
    for helper in ("gen_use", "gen_edge", "gen_lot", "gen_n"):
        step("drop helper tables" if helper == "gen_use" else "", f"DROP TABLE {helper}")

    indexes = [index for row in TABLES for index in cast(Table, row.__table__).indexes]
    before = _index_names(engine)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if d.pg:
            # Bulk-load settings of this session only: no FK triggers per row, no fsync wait.
            for setting in (
                "SET session_replication_role = replica",
                "SET synchronous_commit = off",
                "SET maintenance_work_mem = '1GB'",
                "SET work_mem = '256MB'",
            ):
                cursor.execute(setting)
        else:
            for pragma in ("foreign_keys=OFF", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.execute("BEGIN")
        for index in indexes:  # rebuilt after the load: far cheaper than row by row
            cursor.execute(f"DROP INDEX {index.name}")
        current = ""
        for label, sql in steps:  # a label names its step and the unnamed ones after it
            if label and current:
                progress(current, started)
            current = label or current
            cursor.execute(sql)
        progress(current, started)
        for index in indexes:
            cursor.execute(str(CreateIndex(index).compile(dialect=engine.dialect)))
        progress("indexes", started)
        if d.pg:
            for table in ("document", "partner", "ledger_entry", "balance", "genealogy_link"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
        connection.commit()
        if d.pg:
            # VACUUM as autovacuum would soon after such a load: it sets the visibility map that
            # index-only scans rely on, and the hint bits the first reads would otherwise write.
            connection.driver_connection.autocommit = True  # type: ignore[union-attr]
            cursor.execute("VACUUM ANALYZE")
            progress("vacuum analyze", started)
        else:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        connection.close()
    engine.dispose()  # no pooled connection keeps the load settings
    after = _index_names(engine)
    if before != after:
        raise RuntimeError(f"indexes differ after the load: {sorted(before ^ after)}")
    seconds = time.perf_counter() - started
    with engine.connect() as conn:
        counts = {
            table: conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in ("document", "ledger_entry", "balance", "genealogy_link")
        }
    return {"seconds": seconds, **counts}


def _index_names(engine: Engine) -> set[str]:
    found = inspect(engine)
    return {
        f"{t.__tablename__}.{index['name']}" for t in TABLES for index in found.get_indexes(t.__tablename__)
    }


# -- the bare SQL (baselines) -----------------------------------------------------------------
def walk_sql(marker: str, *, forward: bool, dimension: str, with_start: bool) -> str:
    """The bare recursive walk: distinct reachable keys (and, with_start, the start itself)."""
    here, there = ("input", "output") if forward else ("output", "input")
    cols = ("item_id", "serial", "lot", "package")
    key = ", ".join(f"l.{there}_{c}" for c in cols)
    join = " AND ".join(f"l.{here}_{c} = r.{c}" for c in cols)
    start = f"l.{here}_item_id = {marker} AND l.{here}_{dimension} = {marker}"
    anchor = f"SELECT {key} FROM genealogy_link l WHERE {start}"
    if with_start:
        anchor = f"SELECT DISTINCT l.{here}_item_id, l.{here}_serial, l.{here}_lot, l.{here}_package FROM genealogy_link l WHERE {start} UNION {anchor}"
    return (
        f"WITH RECURSIVE reach(item_id, serial, lot, package) AS ({anchor} "
        f"UNION SELECT {key} FROM reach r JOIN genealogy_link l ON {join}) "
    )


def rows_of_reach(table: str, alias: str, columns: str = "") -> str:
    """Ids (and `columns`) of the rows of `table` whose key was reached: the ledger's by its
    whole-key index; the balance's serials through the serial index, lots through the lot index
    (this data set has no other kind of key), the other columns compared as expressions so that
    SQLite, without statistics, takes those indexes."""
    a = alias
    select = f"SELECT {a}.id{', ' + columns if columns else ''} FROM reach r JOIN {table} {a} ON "
    if table == "ledger_entry":  # the ledger has an index on the whole key
        return select + " AND ".join(f"{a}.{c} = r.{c}" for c in ("item_id", "serial", "lot", "package"))
    item = "+"  # the balance's serial index is on the serial alone
    serials = (
        f"{select}{item}{a}.item_id = r.item_id AND {a}.serial = r.serial AND {a}.lot || '' = r.lot "
        f"AND {a}.package || '' = r.package WHERE r.serial <> '' AND {a}.serial <> ''"
    )
    lots = (
        f"{select}{a}.item_id = r.item_id AND {a}.lot = r.lot AND {a}.serial || '' = r.serial "
        f"AND {a}.package || '' = r.package WHERE r.serial = '' AND {a}.lot <> ''"
    )
    if table == "balance":  # on hand only; and SQLite then takes the lot index over the unique key
        serials, lots = (f"{q} AND b.in_stock AND b.quantity > 0" for q in (serials, lots))
    return f"{serials} UNION ALL {lots}"


def graph_sql(marker: str, *, forward: bool, dimension: str) -> str:
    """The bare SQL for a trace's graph, as one would write it by hand: the walk, then every link
    into a reached unit and every movement of a reached unit or of the start, each with its
    document's number and date (the facts the graph shows), in one statement."""
    there = "output" if forward else "input"
    cols = ("item_id", "serial", "lot", "package")
    walk = walk_sql(marker, forward=forward, dimension=dimension, with_start=True)
    into = " AND ".join(f"l.{there}_{c} = r.{c}" for c in cols)
    key = " AND ".join(f"e.{c} = r.{c}" for c in cols)
    return (
        walk + "SELECT l.input_item_id, l.input_serial, l.input_lot, l.input_package, l.output_item_id, "
        "l.output_serial, l.output_lot, l.output_package, l.quantity, d.number, d.posting_date, NULL, NULL "
        f"FROM reach r JOIN genealogy_link l ON {into} JOIN document d ON d.id = l.document_id "
        "UNION ALL SELECT e.item_id, e.serial, e.lot, e.package, NULL, NULL, NULL, NULL, e.quantity, d.number, "
        "e.posting_date, e.from_location_id, e.to_location_id "
        f"FROM reach r JOIN ledger_entry e ON {key} JOIN document d ON d.id = e.document_id"
    )


def recall_sql(marker: str) -> list[tuple[str, int]]:
    """(statement, how many times it takes the start's item and lot) of the bare recall."""
    walk = walk_sql(marker, forward=True, dimension="lot", with_start=True)
    deliveries = (
        walk + f", hit AS ({rows_of_reach('ledger_entry', 'e')}) "
        "SELECT p.code, i.sku, e.serial, e.lot, e.quantity, e.posting_date, d.number "
        "FROM hit JOIN ledger_entry e ON e.id = hit.id "
        "JOIN location t ON t.id = e.to_location_id AND t.kind = 'customer' "
        "JOIN item i ON i.id = e.item_id JOIN document d ON d.id = e.document_id "
        "LEFT JOIN partner p ON p.id = e.partner_id ORDER BY p.code, e.posting_date, e.id"
    )
    finished = (
        walk + ", last AS (SELECT MAX(id) AS id "
        f"FROM ({rows_of_reach('ledger_entry', 'e', 'e.item_id, e.serial, e.lot')}) hit "
        "GROUP BY item_id, serial, lot) "
        "SELECT i.sku, e.serial, e.lot, t.code, t.kind, p.code FROM last JOIN ledger_entry e ON e.id = last.id "
        "JOIN item i ON i.id = e.item_id JOIN location t ON t.id = e.to_location_id "
        "LEFT JOIN partner p ON p.id = e.partner_id ORDER BY i.sku, e.serial, e.lot"
    )
    on_hand = (
        walk + f", hit AS ({rows_of_reach('balance', 'b')}) "
        "SELECT l.code, i.sku, b.serial, b.lot, b.package, b.quantity, b.item_id "
        "FROM hit JOIN balance b ON b.id = hit.id "
        "JOIN location l ON l.id = b.location_id JOIN item i ON i.id = b.item_id "
        "WHERE b.in_stock AND b.quantity > 0 ORDER BY l.code, i.sku, b.serial, b.lot"
    )
    return [(deliveries, 2), (finished, 2), (on_hand, 2)]


def block_sql(marker: str, pg: bool) -> str:
    """Block the start and every unit on hand that the start reaches: one upsert of the cards."""
    walk = walk_sql(marker, forward=True, dimension="lot", with_start=True)
    true, empty = ("true", "'{}'::json") if pg else ("1", "'{}'")
    cards = (
        "SELECT DISTINCT b.item_id, CASE WHEN b.serial <> '' THEN 'serial' ELSE 'lot' END AS kind, "
        "CASE WHEN b.serial <> '' THEN b.serial ELSE b.lot END AS number "
        f"FROM ({rows_of_reach('balance', 'b')}) hit JOIN balance b ON b.id = hit.id "
        "WHERE b.in_stock AND b.quantity > 0"
    )
    select = f"SELECT item_id, kind, number, '', {true}, {empty} FROM ({cards}) c WHERE true"
    insert = "INSERT INTO tracking_info (item_id, kind, number, description, blocked, attributes) "
    conflict = " ON CONFLICT (item_id, kind, number) DO UPDATE SET blocked = excluded.blocked"
    return walk + insert + select + conflict


class Bare:
    """Times plain SQL through the engine's DBAPI driver, one connection, reads rolled back."""

    def __init__(self, engine: Engine) -> None:
        self.marker = "?" if engine.dialect.name == "sqlite" else "%s"
        self.pg = engine.dialect.name == "postgresql"
        self.connection = engine.raw_connection()
        self.cursor = self.connection.cursor()

    def run(self, statements: list[tuple[str, tuple[Any, ...]]]) -> float:
        if not self.pg:
            self.cursor.execute("BEGIN")
        start = time.perf_counter()
        for sql, params in statements:
            self.cursor.execute(sql, params)
            if self.cursor.description is not None:
                self.cursor.fetchall()
        elapsed = time.perf_counter() - start
        self.connection.rollback()
        return elapsed

    def close(self) -> None:
        self.connection.close()


# -- measurement ------------------------------------------------------------------------------
class Bench:
    """The figures of one backend: the service against the bare SQL, alternating unit by unit."""

    def __init__(self, engine: Engine, backend: str, size: Shape, facts: dict[str, Any]) -> None:
        self.uow = UnitOfWork.for_engine(engine)
        self.bare = Bare(engine)
        self.backend = backend
        self.size = size
        self.last = len(size.levels) - 1
        with engine.connect() as conn:
            self.items = {s: i for i, s in conn.execute(text("SELECT id, sku FROM item"))}
        self.rng = random.Random(20261123)
        self.common = {
            "units": sum(size.levels),
            "links": facts["genealogy_link"],
            "generated_s": round(facts["seconds"], 1),
        }

    def trace(self, name: str, level: int, direction: TraceDirection) -> dict[str, Any]:
        low = HUBS if level == 0 else 0
        picks = [self.rng.randrange(low, self.size.levels[level]) for _ in range(WARMUP + TRACES)]
        dimension = "serial" if level == self.last else "lot"
        forward = direction is TraceDirection.FORWARD
        walk = walk_sql(self.bare.marker, forward=forward, dimension=dimension, with_start=False)
        walk += "SELECT item_id, serial, lot, package FROM reach"
        sql = graph_sql(self.bare.marker, forward=forward, dimension=dimension)
        ours: list[float] = []
        raw: list[float] = []
        walks: list[float] = []
        nodes: list[float] = []
        for n, x in enumerate(picks):
            item, unit = sku(level, x), {dimension: number(level, x)}
            marked = (self.items[item], number(level, x))
            # Whoever reads a unit first pays for its pages coming into the cache: take turns.
            if n % 2:
                base = self.bare.run([(sql, marked * 2)]) * 1000
                ms, size = self.service_trace(item, direction, unit)
            else:
                ms, size = self.service_trace(item, direction, unit)
                base = self.bare.run([(sql, marked * 2)]) * 1000
            walked = self.bare.run([(walk, marked)]) * 1000
            if n >= WARMUP:
                ours.append(ms)
                raw.append(base)
                walks.append(walked)
                nodes.append(size)
        entry = figure(percentile(ours, 50), "ms", percentile(raw, 50))
        p99 = figure(percentile(ours, 99), "ms", percentile(raw, 99))
        entry.update(self.common, p99=p99["value"], p99_baseline=p99["baseline"], traces=TRACES)
        entry.update(nodes_p50=percentile(nodes, 50), nodes_max=max(nodes))
        entry.update(walk_only_baseline=round(percentile(walks, 50), 6))
        entry["walk_only_ratio"] = round(entry["value"] / entry["walk_only_baseline"], 3)
        note = (
            f"({TRACES} units; p50 {entry['nodes_p50']:,.0f} nodes; the bare walk alone "
            f"{entry['walk_only_baseline']:.1f} ms, ratio {entry['walk_only_ratio']:.1f})"
        )
        report(f"{name} p50", self.backend, entry, note)
        report(f"{name} p99", self.backend, p99, f"(largest graph {entry['nodes_max']:,.0f} nodes)")
        return entry

    def service_trace(self, item: str, direction: TraceDirection, unit: dict[str, str]) -> tuple[float, int]:
        """(milliseconds, nodes) of one trace through the service."""
        start = time.perf_counter()
        graph = tracing.trace(self.uow, item, direction=direction, max_nodes=1_000_000, **unit)  # type: ignore[arg-type]
        return (time.perf_counter() - start) * 1000, len(graph.nodes)

    def recall(self, hub: int, *, block: bool) -> tuple[float, float, RecallReport]:
        """(seconds through the service, seconds of the bare SQL, the report)."""
        params = (self.items[sku(0, hub)], number(0, hub))
        statements = [(sql, params * times) for sql, times in recall_sql(self.bare.marker)]
        if block:
            statements.append((block_sql(self.bare.marker, self.bare.pg), params * 2))
        raw = self.bare.run(statements)  # rolled back: it blocks nothing the service then finds
        start = time.perf_counter()
        found = tracing.recall(
            self.uow, sku(0, hub), lot=number(0, hub), block=block, reason="bench", user=SYSTEM, now=now()
        )
        return time.perf_counter() - start, raw, found

    def recall_hub_lot(self) -> dict[str, Any]:
        runs = [self.recall(0, block=False) for _ in range(RUNS)]
        found = runs[-1][2]
        entry = figure(median([r[0] for r in runs]), "s", median([r[1] for r in runs]))
        customers = len({d.partner for d in found.customers})
        entry.update(self.common, runs=RUNS, reached=len(found.finished_goods), on_hand=len(found.on_hand))
        entry.update(
            customers=customers, customers_total=self.size.customers, deliveries=len(found.customers)
        )
        note = (
            f"(median of {RUNS}; the hub reaches {entry['reached']:,} units, {customers:,} of "
            f"{self.size.customers:,} customers, {entry['on_hand']:,} on hand)"
        )
        report("recall_hub_lot", self.backend, entry, note)
        return entry

    def recall_hub_lot_block(self) -> dict[str, Any]:
        # One hub per run: blocking leaves its cards blocked (a rerun would only re-set them).
        runs = [self.recall(hub, block=True) for hub in range(HUBS)]
        entry = figure(median([r[0] for r in runs]), "s", median([r[1] for r in runs]))
        entry.update(self.common, runs=RUNS, blocked=[r[2].blocked for r in runs])
        report(
            "recall_hub_lot_block",
            self.backend,
            entry,
            f"(median of {RUNS} hubs; blocked {entry['blocked']})",
        )
        return entry


def run(backend: str, root: Path, size: Shape) -> dict[str, dict[str, Any]]:
    with database(backend, root) as engine:
        print(f"generating the genealogy on {backend} ({sum(size.levels):,} units):", file=sys.stderr)
        facts = generate(engine, size)
        print(
            f"generated on {backend} in {facts['seconds']:.0f} s: {sum(size.levels):,} units, "
            f"{facts['genealogy_link']:,} links, {facts['ledger_entry']:,} ledger rows, "
            f"{facts['document']:,} documents, {facts['balance']:,} balance rows",
            flush=True,
        )
        bench = Bench(engine, backend, size, facts)
        try:
            return {
                "trace_forward": bench.trace("trace_forward", 0, TraceDirection.FORWARD),
                "trace_backward": bench.trace("trace_backward", bench.last, TraceDirection.BACKWARD),
                "recall_hub_lot": bench.recall_hub_lot(),
                "recall_hub_lot_block": bench.recall_hub_lot_block(),
            }
        finally:
            bench.bare.close()


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    size = shape(quick)
    results: dict[str, dict[str, Any]] = {name: {} for name in NAMES}
    for backend in backends:
        for name, entry in run(backend, root, size).items():
            results[name][backend] = entry
    return results
