"""Trace and recall queries: recursive CTEs over the genealogy links, run in the database.

Forward walks from a unit to what it went into; backward from a unit to what went into it. The
walk collects distinct nodes (item, serial, lot, package) with the shallowest depth they were
reached at; facts about them (links, movements, deliveries, stock) are joined to that set in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, text
from sqlalchemy.orm import Session

from itemtrace.domain.cards import Genealogy, GenealogyLink
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.tracing import LinkFact, MoveFact, TraceDirection
from itemtrace.domain.tracking import Dimension, TrackingKey
from itemtrace.storage.mapping import unblank
from itemtrace.storage.repositories import MasterData

SCALE = Decimal(1000)


@dataclass(frozen=True, slots=True)
class Start:
    item_id: int
    item: str
    dimension: Dimension
    number: str

    @property
    def key(self) -> TrackingKey:
        return TrackingKey(self.item, **{self.dimension.value: self.number})


def _walk(direction: TraceDirection, dimension: Dimension) -> str:
    """`reach` (every visit) and `nodes` (distinct keys, shallowest depth) as CTEs."""
    here, there = ("input", "output") if direction is TraceDirection.FORWARD else ("output", "input")
    key = ", ".join(f"l.{there}_{c}" for c in ("item_id", "serial", "lot", "package"))
    join = " AND ".join(f"l.{here}_{c} = r.{c}" for c in ("item_id", "serial", "lot", "package"))
    return f"""
        WITH RECURSIVE reach(item_id, serial, lot, package, depth) AS (
            SELECT {key}, 1 FROM genealogy_link l
            WHERE l.{here}_item_id = :item AND l.{here}_{dimension.value} = :number
            UNION
            SELECT {key}, r.depth + 1 FROM reach r JOIN genealogy_link l ON {join}
            WHERE r.depth < :depth
        ),
        nodes AS (
            SELECT item_id, serial, lot, package, MIN(depth) AS depth FROM reach
            GROUP BY item_id, serial, lot, package
        )
    """


_KEY = ("item_id", "serial", "lot", "package")


def _in_nodes(alias: str, prefix: str = "") -> str:
    cols = _KEY
    return (
        "EXISTS (SELECT 1 FROM nodes n WHERE "
        + " AND ".join(f"n.{c} = {alias}.{prefix}{c}" for c in cols)
        + ")"
    )


def _is_start(alias: str, dimension: Dimension, prefix: str = "") -> str:
    return f"({alias}.{prefix}item_id = :item AND {alias}.{prefix}{dimension.value} = :number)"


def _start_rows(table: str, alias: str, dimension: Dimension) -> str:
    """The start's rows of `table`. A start number is never blank: saying so lets the partial
    (`<> ''`) indexes serve the lookup (SQLite does not infer it from `= :number`)."""
    return (
        f"SELECT {alias}.id FROM {table} {alias} "
        f"WHERE {_is_start(alias, dimension)} AND {alias}.{dimension.value} <> ''"
    )


# Nodes by the kind of their key: (the condition, the key columns the kind's index serves, per
# table). Serials go by (item_id, serial) in the ledger and by the partial serial index in the
# balance, lots by the partial (item_id, lot) indexes, packages by the partial package indexes;
# an untracked component (every number blank) has only the item to go by.
_NODE_KINDS: tuple[tuple[str, dict[str, tuple[str, ...]]], ...] = (
    ("n.serial <> '' AND {a}.serial <> ''", {"ledger_entry": ("item_id", "serial"), "balance": ("serial",)}),
    (
        "n.serial = '' AND n.lot <> '' AND {a}.lot <> ''",
        {"ledger_entry": ("item_id", "lot"), "balance": ("item_id", "lot")},
    ),
    (
        "n.serial = '' AND n.lot = '' AND n.package <> '' AND {a}.package <> ''",
        {"ledger_entry": ("package",), "balance": ("package",)},
    ),
    ("n.serial = '' AND n.lot = '' AND n.package = ''", {"ledger_entry": _KEY, "balance": _KEY}),
)


def _node_rows(table: str, alias: str, columns: str = "", where: str = "") -> str:
    """`SELECT {alias}.id` (and `columns`) of the rows of `table` whose key is one of `nodes`
    (and that pass `where`): the walk drives index lookups, one branch per kind of key. Each row
    has one key, so no row comes twice. The key columns the kind's index does not serve are
    compared as expressions (`+item_id`, `serial || ''`) that no index can serve: SQLite, which
    has no statistics, would otherwise take the (item_id, serial) index for a lot and read every
    lot row of the item (serial '') for each node."""
    select = f"SELECT {alias}.id{', ' + columns if columns else ''} FROM nodes n JOIN {table} {alias} ON "
    branches = []
    for kind, indexed in _NODE_KINDS:
        on = " AND ".join(
            f"{alias}.{c} = n.{c}"
            if c in indexed[table]
            else (f"+{alias}.{c} = n.{c}" if c == "item_id" else f"{alias}.{c} || '' = n.{c}")
            for c in _KEY
        )
        branches.append(f"{select}{on} WHERE {kind.format(a=alias)}{' AND ' + where if where else ''}")
    return " UNION ALL ".join(branches)


# Stock on hand. Said inside each branch too: fewer rows to carry, and SQLite then prefers the
# (item_id, lot) index to the balance's unique key, which would otherwise cover the lookup.
_HELD = "b.in_stock AND b.quantity > 0"


def _units(value: Any) -> Decimal:
    return Decimal(int(value)) / SCALE


def _key(sku: str, serial: str, lot: str, package: str) -> TrackingKey:
    return TrackingKey(sku, unblank(serial), unblank(lot), unblank(package))


class Tracing:
    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata
        self._jit_off = False

    def start(self, item: str, dimension: Dimension, number: str) -> Start:
        return Start(self.md.item_id(item), item, dimension, number)

    def _params(self, start: Start, depth: int) -> dict[str, Any]:
        return {"item": start.item_id, "number": start.number, "depth": depth}

    def _walk_query(self, sql: str, params: dict[str, Any]) -> Any:
        """Run a statement over the walk. On PostgreSQL, JIT compilation is turned off for the rest
        of the transaction first: the walk is a chain of index lookups, but the planner cannot know
        how few nodes it reaches (nor that untracked nodes are rare) and its cost estimate would
        trigger a JIT compilation of some 30 ms per statement, several times the work itself."""
        if not self._jit_off and self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SET LOCAL jit = off"))
            self._jit_off = True
        return self.session.execute(text(sql), params)

    def exists(self, start: Start) -> bool:
        found = self.session.execute(
            text(f"SELECT 1 FROM ledger_entry e WHERE {_is_start('e', start.dimension)} LIMIT 1"),
            self._params(start, 1),
        ).first()
        return found is not None

    def node_count(self, direction: TraceDirection, start: Start, depth: int, limit: int) -> tuple[int, int]:
        """How many nodes the walk reaches (counting stops past `limit`) and the deepest level."""
        sql = _walk(direction, start.dimension) + (
            "SELECT COUNT(*), COALESCE(MAX(depth), 0) FROM (SELECT depth FROM nodes LIMIT :limit) AS capped"
        )
        count, deepest = self._walk_query(sql, {**self._params(start, depth), "limit": limit}).one()
        return int(count), int(deepest)

    def links(self, direction: TraceDirection, start: Start, depth: int) -> list[LinkFact]:
        """Links between the start and the reached nodes (one hop past `depth` is cut off)."""
        here = "input" if direction is TraceDirection.FORWARD else "output"
        there = "output" if direction is TraceDirection.FORWARD else "input"
        sql = (
            _walk(direction, start.dimension)
            + f"""
            SELECT ii.sku, l.input_serial, l.input_lot, l.input_package,
                   oi.sku, l.output_serial, l.output_lot, l.output_package,
                   l.quantity, d.number, d.posting_date
            FROM nodes n
            JOIN genealogy_link l ON {" AND ".join(f"l.{there}_{c} = n.{c}" for c in _KEY)}
            JOIN item ii ON ii.id = l.input_item_id
            JOIN item oi ON oi.id = l.output_item_id
            JOIN document d ON d.id = l.document_id
            WHERE {_is_start("l", start.dimension, here + "_")} OR {_in_nodes("l", here + "_")}
            ORDER BY l.id
        """
        )
        return [
            LinkFact(
                _key(r[0], r[1], r[2], r[3]),
                _key(r[4], r[5], r[6], r[7]),
                _units(r[8]),
                r[9],
                _as_date(r[10]),
            )
            for r in self._walk_query(sql, self._params(start, depth))
        ]

    def moves(self, direction: TraceDirection, start: Start, depth: int) -> list[MoveFact]:
        """Every ledger movement of the start's buckets and of the reached nodes."""
        sql = (
            _walk(direction, start.dimension)
            + f"""
            , hit AS ({_start_rows("ledger_entry", "e", start.dimension)} UNION {_node_rows("ledger_entry", "e")})
            SELECT e.id, i.sku, e.serial, e.lot, e.package, e.quantity, d.number, d.type, e.posting_date,
                   f.code, f.kind, t.code, t.kind, p.code
            FROM hit JOIN ledger_entry e ON e.id = hit.id
            JOIN item i ON i.id = e.item_id
            JOIN document d ON d.id = e.document_id
            JOIN location f ON f.id = e.from_location_id
            JOIN location t ON t.id = e.to_location_id
            LEFT JOIN partner p ON p.id = e.partner_id
            ORDER BY e.id
        """
        )
        return [
            MoveFact(
                key=_key(r[1], r[2], r[3], r[4]),
                entry_id=int(r[0]),
                quantity=_units(r[5]),
                document=r[6],
                type=r[7],
                posting_date=_as_date(r[8]),
                from_location=r[9],
                from_kind=LocationKind(r[10]),
                to_location=r[11],
                to_kind=LocationKind(r[12]),
                partner=r[13],
            )
            for r in self._walk_query(sql, self._params(start, depth))
        ]

    def blocked(self, keys: Sequence[TrackingKey]) -> list[TrackingKey]:
        """Which of `keys` are blocked by their serial, lot or package card."""
        if not keys:
            return []
        rows = self.session.execute(
            text(
                "SELECT i.sku, t.kind, t.number FROM tracking_info t LEFT JOIN item i ON i.id = t.item_id "
                "WHERE t.blocked"
            )
        ).all()
        blocked = {(sku, kind, number) for sku, kind, number in rows}
        return [
            k
            for k in keys
            if (k.serial and (k.item, "serial", k.serial) in blocked)
            or (k.lot and (k.item, "lot", k.lot) in blocked)
            or (k.package and (None, "package", k.package) in blocked)
        ]

    # -- info cards -----------------------------------------------------------------------------
    def card_genealogy(self, dimension: Dimension, item: str | None, number: str) -> Genealogy:
        """The links where this serial, lot (item + number) or package (any item) is the input
        (what it went into) or the output (what it was made from), in one statement."""
        params: dict[str, Any] = {"number": number}
        sides = []
        for here, there, flag in (("input", "output", 1), ("output", "input", 0)):
            of_item = f"JOIN item h ON h.id = l.{here}_item_id AND h.sku = :item" if item is not None else ""
            sides.append(f"""
                SELECT {flag} AS went_into, l.id, i.sku, l.{there}_serial, l.{there}_lot,
                       l.{there}_package, d.number, d.posting_date, l.quantity
                FROM genealogy_link l {of_item}
                JOIN item i ON i.id = l.{there}_item_id
                JOIN document d ON d.id = l.document_id
                WHERE l.{here}_{dimension.value} = :number""")
        if item is not None:
            params["item"] = item
        went_into: list[GenealogyLink] = []
        made_from: list[GenealogyLink] = []
        rows = self.session.execute(text(" UNION ALL ".join(sides) + " ORDER BY 1, 2"), params)
        for r in rows:
            link = GenealogyLink(
                r[2], unblank(r[3]), unblank(r[4]), unblank(r[5]), r[6], _as_date(r[7]), _units(r[8])
            )
            (went_into if r[0] else made_from).append(link)
        return Genealogy(went_into=tuple(went_into), made_from=tuple(made_from))

    # -- recall ---------------------------------------------------------------------------------
    def deliveries(self, start: Start, depth: int) -> list[tuple[Any, ...]]:
        """Every delivery to a customer of the start or of anything it went into."""
        sql = (
            _walk(TraceDirection.FORWARD, start.dimension)
            + f"""
            , hit AS ({_start_rows("ledger_entry", "e", start.dimension)} UNION {_node_rows("ledger_entry", "e")})
            SELECT p.code, i.sku, e.serial, e.lot, e.quantity, e.posting_date, d.number,
                   CASE WHEN {_is_start("e", start.dimension)} THEN 0 ELSE 1 END AS contains
            FROM hit JOIN ledger_entry e ON e.id = hit.id
            JOIN location t ON t.id = e.to_location_id
            JOIN item i ON i.id = e.item_id
            JOIN document d ON d.id = e.document_id
            LEFT JOIN partner p ON p.id = e.partner_id
            WHERE t.kind = 'customer'
            ORDER BY p.code, e.posting_date, e.id
        """
        )
        return [
            (r[0], r[1], unblank(r[2]), unblank(r[3]), _units(r[4]), _as_date(r[5]), r[6], bool(r[7]))
            for r in self._walk_query(sql, self._params(start, depth))
        ]

    def finished_goods(self, start: Start, depth: int) -> list[tuple[Any, ...]]:
        """Each reached node with where its last movement took it."""
        sql = (
            _walk(TraceDirection.FORWARD, start.dimension)
            + f"""
            , last AS (
                SELECT MAX(id) AS id
                FROM ({_node_rows("ledger_entry", "e", "e.item_id, e.serial, e.lot, e.package")}) AS hit
                GROUP BY item_id, serial, lot, package
            )
            SELECT i.sku, e.serial, e.lot, t.code, t.kind, p.code
            FROM last JOIN ledger_entry e ON e.id = last.id
            JOIN item i ON i.id = e.item_id
            JOIN location t ON t.id = e.to_location_id
            LEFT JOIN partner p ON p.id = e.partner_id
            ORDER BY i.sku, e.serial, e.lot
        """
        )
        return [
            (r[0], unblank(r[1]), unblank(r[2]), r[3], LocationKind(r[4]), r[5])
            for r in self._walk_query(sql, self._params(start, depth))
        ]

    def on_hand(self, start: Start, depth: int) -> list[tuple[Any, ...]]:
        """Stock still on our shelves (or on the road) of the start and of what it went into."""
        sql = (
            _walk(TraceDirection.FORWARD, start.dimension)
            + f"""
            , hit AS ({_start_rows("balance", "b", start.dimension)} UNION {_node_rows("balance", "b", where=_HELD)})
            SELECT l.code, i.sku, b.serial, b.lot, b.package, b.quantity, b.item_id
            FROM hit JOIN balance b ON b.id = hit.id
            JOIN location l ON l.id = b.location_id
            JOIN item i ON i.id = b.item_id
            WHERE {_HELD}
            ORDER BY l.code, i.sku, b.serial, b.lot
        """
        )
        return [
            (r[0], r[1], unblank(r[2]), unblank(r[3]), unblank(r[4]), _units(r[5]), int(r[6]))
            for r in self._walk_query(sql, self._params(start, depth))
        ]


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def block_numbers(session: Session, numbers: Sequence[tuple[int | None, str, str]]) -> int:
    """Set `blocked` on the cards of (item id, kind, number), creating cards as needed."""
    from sqlalchemy import select, update
    from sqlalchemy.dialects import postgresql, sqlite

    from itemtrace.storage.tables import TrackingInfoRow

    unique = sorted(set(numbers), key=lambda n: (n[0] or 0, n[1], n[2]))
    with_item = [
        {"item_id": i, "kind": k, "number": n, "description": "", "blocked": True, "attributes": {}}
        for i, k, n in unique
        if i is not None
    ]
    if with_item:
        table = cast(Table, TrackingInfoRow.__table__)
        insert = (
            postgresql.insert(table)
            if session.get_bind().dialect.name == "postgresql"
            else sqlite.insert(table)
        )
        statement = insert.on_conflict_do_update(
            index_elements=["item_id", "kind", "number"], set_={"blocked": True}
        )
        for start in range(0, len(with_item), 5000):
            session.execute(statement, with_item[start : start + 5000])
    for _, kind, number in (n for n in unique if n[0] is None):
        found = session.scalar(
            select(TrackingInfoRow.id).where(
                TrackingInfoRow.item_id.is_(None),
                TrackingInfoRow.kind == kind,
                TrackingInfoRow.number == number,
            )
        )
        if found is None:
            session.add(
                TrackingInfoRow(
                    item_id=None, kind=kind, number=number, description="", blocked=True, attributes={}
                )
            )
        else:
            session.execute(update(TrackingInfoRow).where(TrackingInfoRow.id == found).values(blocked=True))
    session.flush()
    return len(unique)
