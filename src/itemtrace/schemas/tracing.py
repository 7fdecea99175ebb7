"""Trace graph and recall schemas: nodes, edges and partners; the recall body and its report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from itemtrace.domain.masterdata import Partner
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracing import (
    Delivery,
    Edge,
    FinishedGood,
    Graph,
    Node,
    OnHand,
    StoredRecall,
    TraceDirection,
)
from itemtrace.schemas.common import (
    Number,
    OmitWhenEmpty,
    QuantityOut,
    RecallReason,
    Sku,
    StrictModel,
    Timestamp,
)
from itemtrace.schemas.masterdata import PartnerOut


class NodeOut(BaseModel):
    """One unit or bucket: `DRILL/serial:FG-1`, `GLUE/lot:L1`; `start` marks where the trace began."""

    id: str
    item: str
    serial: str | None
    lot: str | None
    package: str | None
    quantity: QuantityOut
    status: TrackingStatus
    location: str | None
    holder: str | None
    start: bool

    @classmethod
    def from_domain(cls, node: Node) -> NodeOut:
        return cls(
            id=node.id,
            item=node.key.item,
            serial=node.key.serial,
            lot=node.key.lot,
            package=node.key.package,
            quantity=node.quantity,
            status=node.status,
            location=node.location,
            holder=node.holder,
            start=node.start,
        )


class EdgeOut(OmitWhenEmpty):
    """`consumed_into` or `renamed_to` (a reclassification; node → node), `shipped_to` /
    `returned_to` (node → `partner:CODE`), `received_from` / `returned_by` (`partner:CODE` → node),
    `moved` (node → itself), or `correction`: a reversal's movement (`reverses` names the
    document it undid; the undone movement's edge has `reversed_by`)."""

    omit_when_empty = frozenset({"reverses", "reversed_by"})  # the corrections links, when there are any

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: str = Field(alias="from")
    to: str
    kind: str
    document: str
    type: str
    date: date
    quantity: QuantityOut
    from_location: str | None
    to_location: str | None
    reverses: str | None = None
    reversed_by: str | None = None

    @classmethod
    def from_domain(cls, edge: Edge) -> EdgeOut:
        return cls(
            from_=edge.source,
            to=edge.target,
            kind=edge.kind,
            document=edge.document,
            type=edge.type,
            date=edge.date,
            quantity=edge.quantity,
            from_location=edge.from_location,
            to_location=edge.to_location,
            reverses=edge.reverses,
            reversed_by=edge.reversed_by,
        )


class TraceOut(BaseModel):
    item: str
    serial: str | None
    lot: str | None
    direction: TraceDirection
    depth: int = Field(description="The deepest assembly level the trace reached")
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    partners: list[PartnerOut]

    @classmethod
    def from_domain(cls, graph: Graph, partners: Sequence[Partner]) -> TraceOut:
        return cls(
            item=graph.start.item,
            serial=graph.start.serial,
            lot=graph.start.lot,
            direction=graph.direction,
            depth=graph.depth,
            nodes=[NodeOut.from_domain(n) for n in graph.nodes],
            edges=[EdgeOut.from_domain(e) for e in graph.edges],
            partners=[PartnerOut.from_domain(p) for p in partners],
        )


class RecallIn(StrictModel):
    """Recall one lot or one serial of an item; `block` blocks it and everything affected on hand."""

    item: Sku
    serial: Number | None = None
    lot: Number | None = None
    package: Number | None = None
    block: bool = False
    reason: RecallReason = ""

    @model_validator(mode="after")
    def _one_number(self) -> RecallIn:
        if sum(n is not None for n in (self.serial, self.lot, self.package)) != 1:
            raise ValueError("name exactly one of serial, lot or package")
        return self


class DeliveryOut(BaseModel):
    """One delivery to a customer; `contains` is true when it was a finished good with the unit inside."""

    partner: str | None
    item: str
    serial: str | None
    lot: str | None
    quantity: QuantityOut
    date: date
    document: str
    contains: bool

    @classmethod
    def from_domain(cls, d: Delivery) -> DeliveryOut:
        return cls(
            partner=d.partner,
            item=d.item,
            serial=d.serial,
            lot=d.lot,
            quantity=d.quantity,
            date=d.posting_date,
            document=d.document,
            contains=d.contains,
        )


class FinishedGoodOut(BaseModel):
    item: str
    serial: str | None
    lot: str | None
    status: TrackingStatus
    location: str | None
    holder: str | None

    @classmethod
    def from_domain(cls, f: FinishedGood) -> FinishedGoodOut:
        return cls(
            item=f.item, serial=f.serial, lot=f.lot, status=f.status, location=f.location, holder=f.holder
        )


class OnHandOut(BaseModel):
    location: str
    item: str
    serial: str | None
    lot: str | None
    quantity: QuantityOut

    @classmethod
    def from_domain(cls, o: OnHand) -> OnHandOut:
        return cls(location=o.location, item=o.item, serial=o.serial, lot=o.lot, quantity=o.quantity)


def _recall_header(report: StoredRecall) -> dict[str, Any]:
    """What a recall's report and its row in the list both show of it."""
    return {
        "id": report.id,
        "item": report.item,
        "serial": report.serial,
        "lot": report.lot,
        "package": report.package,
        "reason": report.reason,
        "block": report.block,
        "blocked": report.blocked,
        "created_by": report.created_by,
        "created_at": _at(report.created_at),
    }


class RecallOut(OmitWhenEmpty):
    """The recall as it was run (a snapshot): who, when, why, and what it reached."""

    omit_when_empty = frozenset({"package"})

    id: int
    item: str
    serial: str | None
    lot: str | None
    package: str | None = None
    reason: str
    block: bool
    blocked: int = Field(description="How many serials, lots and packages the recall blocked")
    created_by: str | None
    created_at: Timestamp
    customers: list[DeliveryOut]
    finished_goods: list[FinishedGoodOut]
    on_hand: list[OnHandOut]

    @classmethod
    def from_domain(cls, report: StoredRecall) -> RecallOut:
        return cls(
            **_recall_header(report),
            customers=[DeliveryOut.from_domain(d) for d in report.customers],
            finished_goods=[FinishedGoodOut.from_domain(f) for f in report.finished_goods],
            on_hand=[OnHandOut.from_domain(o) for o in report.on_hand],
        )


class RecallRowOut(OmitWhenEmpty):
    """One recall in the list: the header, the customers it reached and how many rows each part has."""

    omit_when_empty = frozenset({"package"})

    id: int
    item: str
    serial: str | None
    lot: str | None
    package: str | None = None
    reason: str
    block: bool
    blocked: int
    created_by: str | None
    created_at: Timestamp
    partners: list[str | None]
    delivery_count: int
    finished_good_count: int
    on_hand_count: int

    @classmethod
    def from_domain(cls, report: StoredRecall) -> RecallRowOut:
        return cls(
            **_recall_header(report),
            partners=sorted({d.partner for d in report.customers}, key=lambda p: p or ""),
            delivery_count=len(report.customers),
            finished_good_count=len(report.finished_goods),
            on_hand_count=len(report.on_hand),
        )


def _at(value: object) -> datetime:
    # The domain keeps the recall's time loosely typed; storage always hands back a datetime.
    if not isinstance(value, datetime):
        raise TypeError(f"a recall's created_at is a datetime, got {value!r}")
    return value
