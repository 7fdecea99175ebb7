"""Trace graphs and recall reports, built from genealogy links and movements (pure).

A node is one tracked unit or bucket: an item with its serial, lot or package. Edges are either
genealogy (`consumed_into`: an input went into an output) or movements of a node (`shipped_to` a
customer, `received_from` a vendor, `returned_by` a customer, `returned_to` a vendor, or `moved`
between our own locations, into transit, scrap or an adjustment).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from itemtrace.domain.errors import ErrorCode, ValidationFailed
from itemtrace.domain.masterdata import STOCK_KINDS, LocationKind
from itemtrace.domain.status import TrackingStatus, status_at
from itemtrace.domain.tracking import TrackingKey

ZERO = Decimal(0)
DEFAULT_DEPTH = 25
DEFAULT_MAX_NODES = 10_000


class TraceDirection(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"


class LinkFact(NamedTuple):
    """A genealogy link as stored: input went into output on `document`. (Facts are tuples: a
    trace reads thousands of them.)"""

    input: TrackingKey
    output: TrackingKey
    quantity: Decimal
    document: str
    posting_date: date
    type: str = "assembly"  # or "reclassification": a rename, old number → new number


class MoveFact(NamedTuple):
    """One ledger movement of a node's key, with the kinds of both ends. An assembly's own
    movements (into or out of production) may come without their document number (None): the
    genealogy links carry it; and those between the same two places may come summed into one
    (the last entry's id and date), which leaves the node's status as it was."""

    key: TrackingKey
    entry_id: int
    quantity: Decimal
    document: str | None
    type: str
    posting_date: date
    from_location: str
    from_kind: LocationKind
    to_location: str
    to_kind: LocationKind
    partner: str | None


class Node(NamedTuple):
    """A unit in a graph. (Nodes and edges are tuples: a graph has thousands of them.)"""

    id: str
    key: TrackingKey
    quantity: Decimal
    status: TrackingStatus
    location: str | None
    holder: str | None
    start: bool = False


class Edge(NamedTuple):
    source: str  # a node id or "partner:CODE"
    target: str
    kind: str
    document: str
    type: str
    date: date
    quantity: Decimal
    from_location: str | None = None
    to_location: str | None = None
    reverses: str | None = None  # a reversal's movement (kind `correction`): the document it undid
    reversed_by: str | None = None  # a movement undone later by that reversal


@dataclass(frozen=True, slots=True)
class Graph:
    direction: TraceDirection
    start: TrackingKey
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    partners: tuple[str, ...]
    depth: int = 0


def node_id(key: TrackingKey) -> str:
    """Stable, readable ids: `DRILL/serial:SN-1`, `GLUE/lot:L1`, `BOX/package:P1`, `BOLT`."""
    parts = [
        f"{name}:{value}"
        for name, value in (("serial", key.serial), ("lot", key.lot), ("package", key.package))
        if value
    ]
    return "/".join([key.item, *parts])


def partner_id(code: str | None) -> str:
    return f"partner:{code or '(none)'}"


def check_limits(depth: int, max_nodes: int) -> None:
    if not 1 <= depth <= 1000:
        raise ValidationFailed(f"depth must be between 1 and 1000, got {depth}")
    if not 1 <= max_nodes <= 1_000_000:
        raise ValidationFailed(f"max_nodes must be between 1 and 1000000, got {max_nodes}")


class TraceTooLarge(ValidationFailed):
    """The graph has more nodes than `max_nodes` allows."""

    def __init__(self, max_nodes: int) -> None:
        super().__init__(
            f"the trace reaches more than {max_nodes} nodes: raise max_nodes, lower depth, or run a "
            "recall for the full list",
            code=ErrorCode.TRACE_TOO_LARGE,
        )


_AVAILABLE = (TrackingStatus.AVAILABLE, None, None, ZERO)


def _state(
    moves: Sequence[MoveFact], blocked: bool
) -> tuple[TrackingStatus, str | None, str | None, Decimal]:
    """Status, location, holder and quantity on hand of one node from its movements (oldest
    first): what it holds in our places and on the road, and which customers hold it."""
    if not moves:
        return _AVAILABLE
    held: dict[str, Decimal] = {}  # our places and the road
    transit: set[str] = set()
    holders: dict[str | None, Decimal] = {}  # customers
    holding, customer, road = STOCK_KINDS, LocationKind.CUSTOMER, LocationKind.TRANSIT
    for m in moves:
        quantity, source, target = m.quantity, m.from_kind, m.to_kind
        if source in holding:
            held[m.from_location] = held.get(m.from_location, ZERO) - quantity
        elif source is customer:
            holders[m.partner] = holders.get(m.partner, ZERO) - quantity
        if target in holding:
            held[m.to_location] = held.get(m.to_location, ZERO) + quantity
            if target is road:
                transit.add(m.to_location)
        elif target is customer:
            holders[m.partner] = holders.get(m.partner, ZERO) + quantity
    stock = {place: q for place, q in held.items() if q > 0}
    customers = [p for p, q in holders.items() if q > 0]
    holder = customers[0] if len(customers) == 1 else None
    location = next(iter(stock)) if len(stock) == 1 else None
    if any(place not in transit for place in stock):
        status = status_at(LocationKind.INTERNAL, blocked=blocked)
    elif stock:
        status = status_at(LocationKind.TRANSIT, blocked=blocked)
    else:
        status = status_at(moves[-1].to_kind, blocked=blocked)
    quantity = sum(stock.values(), ZERO) or sum(holders.values(), ZERO)
    return status, location, holder, quantity


_MOVE_KIND = {
    (LocationKind.SUPPLIER, False): "received_from",
    (LocationKind.CUSTOMER, True): "shipped_to",
    (LocationKind.CUSTOMER, False): "returned_by",
    (LocationKind.SUPPLIER, True): "returned_to",
}
_OUTWARD = (LocationKind.CUSTOMER, LocationKind.SUPPLIER)
# A genealogy link's edge: an assembly consumed the input into the output; a reclassification
# renamed the old number (input) to the new one (output).
_LINK_KIND = {"assembly": "consumed_into", "reclassification": "renamed_to"}


def build_graph(
    direction: TraceDirection,
    start: TrackingKey,
    links: Iterable[LinkFact],
    moves: Iterable[MoveFact],
    blocked: Iterable[TrackingKey] = (),
    *,
    depth: int = 0,
) -> Graph:
    """Assemble nodes (with derived status) and edges from the facts storage found."""
    # Everything is keyed by node id (a string, whose hash Python keeps). Facts name the same
    # unit with the same key object thousands of times: a key object's id is looked up by its
    # identity first, and a key is hashed once per object.
    keys: dict[str, TrackingKey] = {}
    ids: dict[TrackingKey, str] = {}
    by_object: dict[int, str] = {}
    objects: list[TrackingKey] = []  # keeps each key object (so its identity) alive meanwhile

    def id_of(key: TrackingKey) -> str:
        found = by_object.get(id(key))
        if found is None:
            found = ids.get(key)
            if found is None:
                found = ids[key] = node_id(key)
                keys[found] = key
            by_object[id(key)] = found
            objects.append(key)
        return found

    by_node: dict[str, list[MoveFact]] = {}
    for move in sorted(moves, key=_entry_id):
        node = id_of(move.key)
        of_node = by_node.get(node)
        if of_node is None:
            by_node[node] = [move]
        else:
            of_node.append(move)
    link_list = [(id_of(link.input), id_of(link.output), link) for link in links]
    blocked_ids = {ids[key] for key in blocked if key in ids}
    starts = {i for i, key in keys.items() if _matches(start, key)}
    nodes = []
    for i in sorted(keys, key=lambda i: (i not in starts, i)):
        status, location, holder, quantity = _state(by_node.get(i, ()), i in blocked_ids)
        nodes.append(Node(i, keys[i], quantity, status, location, holder, start=i in starts))
    edges: list[Edge] = [
        Edge(
            source, target, _LINK_KIND[link.type], link.document, link.type, link.posting_date, link.quantity
        )
        for source, target, link in link_list
    ]
    partners: set[str] = set()
    for i, moves_of_node in by_node.items():
        for m in moves_of_node:
            if m.document is None or (
                m.type == "assembly" and LocationKind.PRODUCTION in (m.from_kind, m.to_kind)
            ):
                continue  # shown by the genealogy edges
            outward = m.to_kind in _OUTWARD
            side = m.to_kind if outward else m.from_kind
            kind = _MOVE_KIND.get((side, outward), "moved")
            if kind == "moved":
                source = target = i
            elif outward:
                source, target = i, partner_id(m.partner)
            else:
                source, target = partner_id(m.partner), i
            if kind != "moved" and m.partner:
                partners.add(m.partner)
            edges.append(
                Edge(
                    source,
                    target,
                    kind,
                    m.document,
                    m.type,
                    m.posting_date,
                    m.quantity,
                    m.from_location,
                    m.to_location,
                )
            )
    edges.sort(key=lambda e: (e.date, e.document, e.source, e.target))
    return Graph(direction, start, tuple(nodes), tuple(edges), tuple(sorted(partners)), depth)


def _entry_id(move: MoveFact) -> int:
    return move.entry_id


def _matches(start: TrackingKey, key: TrackingKey) -> bool:
    """The start is named by item and one number: every bucket with that number is a start node."""
    if key.item != start.item:
        return False
    return all(
        getattr(start, dim) is None or getattr(start, dim) == getattr(key, dim)
        for dim in ("serial", "lot", "package")
    )


# -- recalls ------------------------------------------------------------------------------------


class Delivery(NamedTuple):
    """One delivery to a customer of a recalled unit. (Report rows are tuples: a recall of a
    component used everywhere has hundreds of thousands of them.)"""

    partner: str | None
    item: str
    serial: str | None
    lot: str | None
    quantity: Decimal
    posting_date: date
    document: str
    contains: bool  # True when the customer got a finished good containing the recalled unit


class FinishedGood(NamedTuple):
    item: str
    serial: str | None
    lot: str | None
    status: TrackingStatus
    location: str | None
    holder: str | None


class OnHand(NamedTuple):
    location: str
    item: str
    serial: str | None
    lot: str | None
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class RecallReport:
    item: str
    serial: str | None
    lot: str | None
    reason: str
    block: bool
    customers: tuple[Delivery, ...]
    finished_goods: tuple[FinishedGood, ...]
    on_hand: tuple[OnHand, ...]
    blocked: int = 0
    created_by: str | None = None
    created_at: object | None = None
    extra: dict[str, object] = field(default_factory=dict)
    package: str | None = None  # a recall of the item's units in one package

    @property
    def partners(self) -> list[str]:
        return sorted({d.partner or "" for d in self.customers})


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredRecall(RecallReport):
    """A recall as storage recorded it: it has its id."""

    id: int
