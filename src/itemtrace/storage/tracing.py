"""Trace and recall queries: recursive CTEs over the genealogy links, run in the database.

Forward walks from a unit to what it went into; backward from a unit to what went into it. The
walk collects distinct nodes (item, serial, lot, package) with the shallowest depth they were
reached at; facts about them (links, movements, deliveries, stock) are joined to that set in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.orm import Session

from itemtrace.domain.cards import Genealogy, GenealogyLink
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.tracing import LinkFact, MoveFact, TraceDirection
from itemtrace.domain.tracking import Dimension, TrackingKey
from itemtrace.storage.mapping import unblank
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.trace_values import KINDS, Decoder, as_date, units
from itemtrace.storage.walk_sql import is_start, link_on, linked, movements, sides, walk

_RENAMED_TO, _RENAMED_FROM = 2, 3  # kinds of card_links rows after went_into (1) and made_from (0)


@dataclass(frozen=True, slots=True)
class Start:
    item_id: int
    item: str
    dimension: Dimension
    number: str

    @property
    def key(self) -> TrackingKey:
        return TrackingKey(self.item, **{self.dimension.value: self.number})


# The rows of one trace statement, by their first column (they come in this order):
_ITEM, _PLACE, _COUNT, _LINK, _MOVE, _BLOCKED, _REVERSAL = 0, 1, 2, 3, 4, 5, 6
# Columns 2-14 of each kind (each column has one type in every kind):
#   _ITEM     item id, -, sku: the items of the nodes
#   _PLACE    location id, -, code, kind: every location (a handful; looked up by id in Python
#             rather than joined per row)
#   _COUNT    nodes found (at most the limit), the deepest level
#   _LINK     document id, input item id/serial/lot/package, quantity, document, date,
#             output item id/serial/lot/package, 1 for a reclassification's rename (else 0)
#   _MOVE     entry id, item id/serial/lot/package, quantity, document, date, from location id,
#             document type, partner, -, to location id. Movements into or out of production are
#             an assembly's consumption or output: the genealogy links show them, so their
#             document is not looked up (None) and a unit's movements between the same two places
#             come as one (the total quantity, the last entry and date), which is all its status
#             needs: a lot consumed by 30 assemblies is one row.
#   _BLOCKED  -, item id/serial/lot/package of a node whose serial, lot or package card is blocked
#   _REVERSAL -, -, document, the document it reverses, the document that reversed it: the
#             documents of the graph's links and movements that are part of a reversal pair
_NONE = ", ".join(["NULL"] * 5)
# A partner's code, looked up per row: the planner cannot estimate how many rows a walk yields
# and, guessing a handful, would scan the partner table for each of them.
_PARTNER = "(SELECT p.code FROM partner p WHERE p.id = e.partner_id)"
_PRODUCTION = f"(SELECT id FROM location WHERE kind = '{LocationKind.PRODUCTION.value}')"


# The rows of the recall statement, by their first column:
_RECALL_ITEM, _PARTNER_CODE, _DELIVERY, _LAST, _STOCK = 0, 1, 2, 3, 4
RECALL_WORK_MEM = "64MB"  # PostgreSQL's per-sort memory for a recall's transaction (default 4MB)


@dataclass(frozen=True, slots=True)
class RecallFacts:
    """What the recall statement found, each part in report order: deliveries (partner, sku,
    serial, lot, quantity, date, document, inside a finished good), the last place of every unit
    reached (sku, serial, lot, location, location kind, customer), and stock held (location,
    sku, serial, lot, package, quantity, item id)."""

    deliveries: list[tuple[Any, ...]]
    finished: list[tuple[Any, ...]]
    held: list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class TraceFacts:
    """What one trace statement found: how many nodes (at most the limit asked), the deepest
    level, and (when under the limit) the links, movements and blocked keys of the graph."""

    count: int
    deepest: int
    links: list[LinkFact]
    moves: list[MoveFact]
    blocked: list[TrackingKey]
    reversals: dict[str, tuple[str | None, str | None]]  # document -> (it reverses, reversed by)


class Tracing:
    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def start(self, item: str, dimension: Dimension, number: str) -> Start:
        return Start(self.md.item_id(item), item, dimension, number)

    def _params(self, start: Start, depth: int) -> dict[str, Any]:
        return {"item": start.item_id, "number": start.number, "depth": depth}

    def _run(self, sql: str | TextClause, params: dict[str, Any]) -> Any:
        return self.session.execute(text(sql) if isinstance(sql, str) else sql, params)

    def exists(self, start: Start) -> bool:
        found = self.session.execute(
            text(
                f"SELECT 1 FROM ledger_entry e WHERE {is_start('e', start.dimension)} "
                f"AND e.{start.dimension.value} <> '' LIMIT 1"
            ),
            {"item": start.item_id, "number": start.number},
        ).first()
        return found is not None

    def trace(self, direction: TraceDirection, start: Start, depth: int, limit: int) -> TraceFacts:
        """The graph's facts in one statement, over one walk: the node count first; then, if the
        walk found fewer than `limit` nodes, every link between two nodes, every ledger movement
        of a node, and the nodes whose card is blocked. A link leaving a node above the depth
        limit arrives at a node (the walk took it); one leaving the deepest level is kept only if
        it arrives at a node reached another way. Items and locations come as rows of their own,
        once each, rather than joined to every row that names them."""
        here, there = sides(direction)
        under = "(SELECT found FROM counted) < :limit"
        moves = movements(
            "nodes",
            "e.id, e.item_id, e.serial, e.lot, e.package, e.quantity, e.posting_date, "
            "e.from_location_id, e.to_location_id, e.document_id, e.partner_id",
        )
        production = f"(e.from_location_id IN {_PRODUCTION} OR e.to_location_id IN {_PRODUCTION})"
        card = "EXISTS (SELECT 1 FROM tracking_info t WHERE t.blocked AND t.kind = '{kind}' AND {match})"
        sql = (
            walk(direction, start.dimension)
            + f"""
            , counted AS (
                SELECT COUNT(*) AS found, COALESCE(MAX(depth), 0) AS deepest
                FROM (SELECT depth FROM nodes LIMIT :limit) AS capped
            ),
            hit AS ({moves})
            -- The branches with a type in every column come first: PostgreSQL types a
            -- column of the union from the branches in the order they come.
            SELECT {_LINK}, l.document_id, l.input_item_id, l.input_serial, l.input_lot, l.input_package,
                   l.quantity, d.number, d.posting_date,
                   l.output_item_id, l.output_serial, l.output_lot, l.output_package,
                   CASE WHEN d.type = 'reclassification' THEN 1 ELSE 0 END
            FROM nodes m
            JOIN genealogy_link l ON {link_on("l", here, "m")}
            JOIN document d ON d.id = l.document_id
            WHERE {under} AND {linked("m", here)}
              AND (m.depth < :depth OR EXISTS (SELECT 1 FROM nodes n WHERE {link_on("l", there, "n")}))
            UNION ALL
            SELECT {_MOVE}, e.id, e.item_id, e.serial, e.lot, e.package, e.quantity, d.number, e.posting_date,
                   e.from_location_id, d.type, {_PARTNER}, NULL, e.to_location_id
            FROM (SELECT * FROM hit e WHERE NOT {production} ORDER BY document_id) AS e
            JOIN document d ON d.id = e.document_id
            WHERE {under}
            UNION ALL
            SELECT {_MOVE}, MAX(e.id), e.item_id, e.serial, e.lot, e.package, SUM(e.quantity), NULL,
                   MAX(e.posting_date), e.from_location_id, 'assembly', NULL, NULL, e.to_location_id
            FROM hit e
            WHERE {under} AND {production}
            GROUP BY e.item_id, e.serial, e.lot, e.package, e.from_location_id, e.to_location_id
            UNION ALL
            SELECT {_BLOCKED}, NULL, n.item_id, n.serial, n.lot, n.package, NULL, NULL, NULL, {_NONE}
            FROM nodes n
            WHERE {under} AND (
                {card.format(kind="serial", match="t.item_id = n.item_id AND t.number = n.serial AND n.serial <> ''")}
                OR {card.format(kind="lot", match="t.item_id = n.item_id AND t.number = n.lot AND n.lot <> ''")}
                OR {card.format(kind="package", match="t.item_id IS NULL AND t.number = n.package AND n.package <> ''")}
            )
            UNION ALL
            SELECT {_ITEM}, i.id, NULL, i.sku, NULL, NULL, NULL, NULL, NULL, {_NONE}
            FROM item i WHERE i.id IN (SELECT item_id FROM nodes) AND {under}
            UNION ALL
            SELECT {_REVERSAL}, NULL, NULL, d.number, reversed.number, reverser.number, NULL, NULL,
                   NULL, {_NONE}
            FROM document d
            LEFT JOIN document reversed ON reversed.id = d.reverses_id
            LEFT JOIN document reverser ON reverser.reverses_id = d.id
            WHERE {under} AND (reversed.id IS NOT NULL OR reverser.id IS NOT NULL) AND d.id IN (
                SELECT document_id FROM hit e WHERE NOT {production}
                UNION SELECT l.document_id FROM nodes m JOIN genealogy_link l ON {link_on("l", here, "m")}
            )
            UNION ALL
            SELECT {_PLACE}, id, NULL, code, kind, NULL, NULL, NULL, NULL, {_NONE} FROM location
            UNION ALL
            SELECT {_COUNT}, found, deepest, NULL, NULL, NULL, NULL, NULL, NULL, {_NONE} FROM counted
            ORDER BY 1, 2
        """
        )
        rows = self._run(sql, {**self._params(start, depth), "limit": limit}).all()
        items: dict[int, str] = {}
        places: dict[int, tuple[str, LocationKind]] = {}
        found = deepest = 0
        decode = Decoder(items)
        key_of, quantity, as_date = decode.key_of, decode.quantity, decode.date
        links: list[LinkFact] = []
        moves_found: list[MoveFact] = []
        blocked: list[TrackingKey] = []
        reversals: dict[str, tuple[str | None, str | None]] = {}
        kinds = KINDS
        for r in rows:  # items and places come first
            tag = r[0]
            if tag == _MOVE:
                source, target = places[r[9]], places[r[13]]
                moves_found.append(
                    MoveFact(
                        key_of(r[2:6]),
                        r[1],
                        quantity(r[6]),
                        r[7],
                        r[10],
                        as_date(r[8]),
                        source[0],
                        source[1],
                        target[0],
                        target[1],
                        r[11],
                    )
                )
            elif tag == _LINK:
                links.append(
                    LinkFact(
                        key_of(r[2:6]),
                        key_of(r[9:13]),
                        quantity(r[6]),
                        r[7],
                        as_date(r[8]),
                        "reclassification" if r[13] else "assembly",
                    )
                )
            elif tag == _ITEM:
                items[r[1]] = r[3]
            elif tag == _PLACE:
                places[r[1]] = (r[3], kinds[r[4]])
            elif tag == _COUNT:
                found, deepest = int(r[1]), int(r[2])
            elif tag == _BLOCKED:
                blocked.append(key_of(r[2:6]))
            else:
                reversals[r[3]] = (r[4], r[5])
        return TraceFacts(found, deepest, links, moves_found, blocked, reversals)

    # -- info cards -----------------------------------------------------------------------------
    def card_links(
        self, dimension: Dimension, item: str | None, number: str
    ) -> tuple[Genealogy, tuple[GenealogyLink, ...], tuple[GenealogyLink, ...]]:
        """What links a serial, lot (item + number) or package (any item) to other units, in one
        statement: the assembly links where it is the input (what it went into) or the output
        (what it was made from), and the numbers a reclassification renamed it to and from, with
        their documents, oldest first. (genealogy, renamed_to, renamed_from)."""
        col = dimension.value
        params: dict[str, Any] = {"number": number}
        if item is not None:
            params["item"] = item
        arms = []
        for here, there, kind in (("input", "output", 1), ("output", "input", 0)):
            of_item = f" AND l.{here}_item_id = (SELECT id FROM item WHERE sku = :item)" if item else ""
            arms.append(f"""
                SELECT {kind} AS kind, l.id, i.sku, l.{there}_serial, l.{there}_lot,
                       l.{there}_package, d.number, d.posting_date, l.quantity
                FROM genealogy_link l
                JOIN item i ON i.id = l.{there}_item_id
                JOIN document d ON d.id = l.document_id
                WHERE l.{here}_{col} = :number{of_item} AND d.type <> 'reclassification'""")
        for here, there, kind in (("old", "new", _RENAMED_TO), ("new", "old", _RENAMED_FROM)):
            of_item = " AND r.item_id = (SELECT id FROM item WHERE sku = :item)" if item else ""
            arms.append(f"""
                SELECT {kind}, r.id, i.sku, r.{there}_serial, r.{there}_lot, r.{there}_package,
                       d.number, d.posting_date, r.quantity
                FROM reclass_link r
                JOIN item i ON i.id = r.item_id
                JOIN document d ON d.id = r.document_id
                WHERE r.{here}_{col} = :number AND r.{there}_{col} <> :number{of_item}""")
        found: dict[int, list[GenealogyLink]] = {0: [], 1: [], _RENAMED_TO: [], _RENAMED_FROM: []}
        for r in self.session.execute(text(" UNION ALL ".join(arms) + " ORDER BY 1, 2"), params):
            found[r[0]].append(
                GenealogyLink(
                    r[2], unblank(r[3]), unblank(r[4]), unblank(r[5]), r[6], as_date(r[7]), units(r[8])
                )
            )
        genealogy = Genealogy(went_into=tuple(found[1]), made_from=tuple(found[0]))
        return genealogy, tuple(found[_RENAMED_TO]), tuple(found[_RENAMED_FROM])

    # -- recall ---------------------------------------------------------------------------------
    def keep_recall_nodes(self, start: Start) -> None:
        """Walk forward once, as far as the genealogy goes, into the temporary table `recall_node`:
        the start's buckets (under every name a reclassification gave it) at depth 0 and every unit reached, each numbered. The recall's other
        statements read it instead of walking again. Rows go in key order, so the lookups driven
        by it visit the indexes in order; the number stands for the key where rows are grouped
        by unit. The table lives until `drop_recall_nodes` (or, on PostgreSQL, the end of the
        transaction)."""
        columns = "no INTEGER PRIMARY KEY, item_id INTEGER, serial VARCHAR(50), lot VARCHAR(50), package VARCHAR(50), depth INTEGER"
        self.drop_recall_nodes()
        if self._postgresql:  # a recall sorts and groups its units in memory, not in temporary files
            self._run(f"SET LOCAL work_mem = '{RECALL_WORK_MEM}'", {})
        on_commit = " ON COMMIT DROP" if self._postgresql else ""
        self._run(f"CREATE TEMPORARY TABLE recall_node ({columns}){on_commit}", {})
        self._run(
            walk(TraceDirection.FORWARD, start.dimension, limited=False, renamed=True)
            + "INSERT INTO recall_node SELECT ROW_NUMBER() OVER (ORDER BY item_id, serial, lot, package), "
            "item_id, serial, lot, package, depth FROM nodes ORDER BY item_id, serial, lot, package",
            {"item": start.item_id, "number": start.number},
        )

    def drop_recall_nodes(self) -> None:
        schema = "pg_temp" if self._postgresql else "temp"
        self.session.execute(text(f"DROP TABLE IF EXISTS {schema}.recall_node"))

    def recall_facts(self) -> RecallFacts:
        """One pass over the ledger rows of the recall's nodes gives all three parts of the report:
        every delivery of a node to a customer; for each unit reached, where its last movement
        took it; and what each node still holds on our shelves or on the road (the sum of its
        movements in and out of each such place). Items, locations and partners are looked up
        once each rather than joined to every row."""
        hit = movements(
            "recall_node",
            "e.id, e.item_id, e.serial, e.lot, e.package, e.quantity, e.posting_date, "
            "e.from_location_id, e.to_location_id, e.document_id, e.partner_id, n.depth, n.no",
        )
        places = {
            self.md.location_id(code): (code, found.kind) for code, found in self.md.locations().items()
        }
        customers = [i for i, (_, kind) in places.items() if kind is LocationKind.CUSTOMER] or [0]
        holding = [i for i, (_, kind) in places.items() if kind.in_stock] or [0]
        sql = f"""
            WITH hit AS ({hit}),
            delivered AS (
                SELECT id, item_id, serial, lot, quantity, posting_date, depth, document_id, partner_id
                FROM hit WHERE to_location_id IN :customers ORDER BY document_id
            ),
            ranked AS (
                SELECT id, item_id, serial, lot, to_location_id,
                       ROW_NUMBER() OVER (PARTITION BY no ORDER BY id DESC) AS newest
                FROM hit WHERE depth > 0
            ),
            held AS (
                SELECT no, location_id, SUM(quantity) AS quantity FROM (
                    SELECT no, to_location_id AS location_id, quantity FROM hit
                    WHERE to_location_id IN :holding
                    UNION ALL
                    SELECT no, from_location_id, -quantity FROM hit WHERE from_location_id IN :holding
                ) AS moved
                GROUP BY no, location_id
                HAVING SUM(quantity) > 0
            )
            SELECT {_DELIVERY}, e.id, e.item_id, e.serial, e.lot, NULL, e.quantity, e.posting_date,
                   d.number, e.depth, e.partner_id
            FROM delivered e JOIN document d ON d.id = e.document_id
            UNION ALL
            SELECT {_LAST}, id, item_id, serial, lot, NULL, NULL, NULL, NULL, NULL, to_location_id
            FROM ranked WHERE newest = 1
            UNION ALL
            SELECT {_STOCK}, h.no, n.item_id, n.serial, n.lot, n.package, h.quantity, NULL, NULL, NULL,
                   h.location_id
            FROM held h JOIN recall_node n ON n.no = h.no
            UNION ALL
            SELECT {_RECALL_ITEM}, id, NULL, sku, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM item
            WHERE id IN (SELECT item_id FROM recall_node)
            UNION ALL
            SELECT {_PARTNER_CODE}, id, NULL, code, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM partner
            WHERE id IN (SELECT partner_id FROM delivered)
        """
        statement = text(sql).bindparams(
            bindparam("customers", expanding=True), bindparam("holding", expanding=True)
        )
        rows = self._run(statement, {"customers": customers, "holding": holding}).all()
        items: dict[int, str] = {}
        partners: dict[int, str] = {}
        decode = Decoder(items)
        deliveries: list[tuple[Any, ...]] = []
        finished: list[tuple[Any, ...]] = []
        held: list[tuple[Any, ...]] = []
        for r in rows:  # the few items and partners first (rather than sorting every row by kind)
            if r[0] == _RECALL_ITEM:
                items[r[1]] = r[3]
            elif r[0] == _PARTNER_CODE:
                partners[r[1]] = r[3]
        for r in rows:
            tag = r[0]
            if tag == _DELIVERY:
                deliveries.append(
                    (
                        partners.get(r[10]),
                        items[r[2]],
                        r[3] or None,
                        r[4] or None,
                        decode.quantity(r[6]),
                        decode.date(r[7]),
                        r[8],
                        r[9] > 0,
                        r[1],
                    )
                )
            elif tag == _LAST:
                finished.append((items[r[2]], r[3] or None, r[4] or None, *places[r[10]], r[1]))
            elif tag == _STOCK:
                held.append(
                    (
                        places[r[10]][0],
                        items[r[2]],
                        r[3] or None,
                        r[4] or None,
                        r[5] or None,
                        decode.quantity(r[6]),
                        r[2],
                    )
                )
        # A unit whose last movement was a delivery is held by that delivery's customer.
        customer_of = {d[8]: d[0] for d in deliveries}
        finished = [(*f[:5], customer_of.get(f[5])) for f in finished]
        deliveries.sort(key=lambda d: (d[0] or "", d[5], d[8]))
        finished.sort(key=lambda f: (f[0], f[1] or "", f[2] or ""))
        held.sort(key=lambda h: (h[0], h[1], h[2] or "", h[3] or ""))
        return RecallFacts([d[:8] for d in deliveries], finished, held)
