"""The SQL text of a genealogy walk: recursive CTEs over the genealogy links from a start key,
and the ledger movements of the nodes they reach. `tracing.py` builds its statements on these."""

from __future__ import annotations

from collections.abc import Sequence

from itemtrace.domain.tracing import TraceDirection
from itemtrace.domain.tracking import Dimension

_KEY = ("item_id", "serial", "lot", "package")


def sides(direction: TraceDirection) -> tuple[str, str]:
    """(the side a walk step leaves from, the side it arrives at) of a genealogy link."""
    return ("input", "output") if direction is TraceDirection.FORWARD else ("output", "input")


def _link_key(alias: str, side: str) -> str:
    return ", ".join(f"{alias}.{side}_{c}" for c in _KEY)


def link_on(alias: str, side: str, other: str) -> str:
    return " AND ".join(f"{alias}.{side}_{c} = {other}.{c}" for c in _KEY)


def linked(alias: str, side: str) -> str:
    """The unit `alias` is of an item that is on `side` of some genealogy link: else it has no
    link on that side, and looking for one would only cost an index probe. Written as NOT ...
    NOT IN: PostgreSQL turns a plain IN into a join, which it runs after the probe it is meant to
    save; a NOT IN stays a set, hashed once, tested before the probe."""
    return f"NOT ({alias}.item_id NOT IN (SELECT g.item_id FROM genealogy_item g WHERE g.side = '{side}'))"


def family(dimension: Dimension) -> str:
    """CTE `family`: the start's number and every number a reclassification renamed it from or
    to, transitively (same item, same dimension): all the names one stock had."""
    col = dimension.value
    return f"""
        family(number) AS (
            SELECT CAST(:number AS VARCHAR(50))
            UNION
            SELECT CASE WHEN l.old_{col} = f.number THEN l.new_{col} ELSE l.old_{col} END
            FROM family f JOIN reclass_link l
              ON l.item_id = :item AND (l.old_{col} = f.number OR l.new_{col} = f.number)
            WHERE l.old_{col} <> '' AND l.new_{col} <> ''
        ),"""


def walk(
    direction: TraceDirection, dimension: Dimension, *, limited: bool = True, renamed: bool = False
) -> str:
    """CTEs `start` (the start's buckets as the ledger knows them: a lot may be in several
    packages), `reach` (the walk) and `nodes` (the start's buckets at depth 0 and every distinct
    key reached, at the shallowest depth). Each step probes a covering link index with a whole
    key, so the walk never visits the link table itself; and only from units of an item linked on
    that side at all (`genealogy_item`): the units that end the walk cost no probe.

    `limited`: stop at `:depth` steps, which needs the depth of every visit (a key reached at two
    depths is visited twice). A walk without limit keeps each key once, at depth 1."""
    here, there = sides(direction)
    # `renamed` (a recall): the start is the number under every name it had (`family`).
    names = "IN (SELECT number FROM family)" if renamed else "= :number"
    depth, step, stop = ("depth", "r.depth + 1", "AND r.depth < :depth") if limited else ("", "", "")
    return f"""
        WITH RECURSIVE {family(dimension) if renamed else ""}
        start(item_id, serial, lot, package) AS (
            SELECT DISTINCT e.item_id, e.serial, e.lot, e.package FROM ledger_entry e
            WHERE e.item_id = :item AND e.{dimension.value} {names} AND e.{dimension.value} <> ''
        ),
        reach(item_id, serial, lot, package{", " + depth if limited else ""}) AS (
            SELECT {_link_key("l", there)}{", 1" if limited else ""}
            FROM start s JOIN genealogy_link l ON {link_on("l", here, "s")}
            WHERE {linked("s", here)}
            UNION
            SELECT {_link_key("l", there)}{", " + step if limited else ""}
            FROM reach r JOIN genealogy_link l ON {link_on("l", here, "r")}
            WHERE {linked("r", here)} {stop}
        ),
        nodes AS (
            SELECT item_id, serial, lot, package, MIN(depth) AS depth FROM (
                SELECT item_id, serial, lot, package, 0 AS depth FROM start
                UNION ALL SELECT item_id, serial, lot, package, {depth or "1"} FROM reach
            ) AS visits
            GROUP BY item_id, serial, lot, package
        )
    """


def is_start(alias: str, dimension: Dimension, prefix: str = "") -> str:
    return f"({alias}.{prefix}item_id = :item AND {alias}.{prefix}{dimension.value} = :number)"


def movements(nodes: str, columns: str, joins: str = "") -> str:
    """`SELECT {columns}` of the ledger rows of `nodes` (alias `n`; rows alias `e`): one range of
    the ledger's whole-key index per node, which also holds the id, both locations, the quantity,
    the date, the document and the partner, so selecting only those never visits the table."""
    on = " AND ".join(f"e.{c} = n.{c}" for c in _KEY)
    return f"SELECT {columns} FROM {nodes} n JOIN ledger_entry e ON {on} {joins}"


__all__: Sequence[str] = ["family", "is_start", "link_on", "linked", "movements", "sides", "walk"]
