"""Trace and recall use cases: the genealogy graph of a unit, and recalls that can block it all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itemtrace.adapters import spreadsheets
from itemtrace.adapters.spreadsheets import Cell, SheetFormat
from itemtrace.domain.corrections import mark_corrections
from itemtrace.domain.errors import NotFound, ValidationFailed
from itemtrace.domain.masterdata import LocationKind, Partner
from itemtrace.domain.status import status_at
from itemtrace.domain.tracing import (
    DEFAULT_DEPTH,
    DEFAULT_MAX_NODES,
    Delivery,
    FinishedGood,
    Graph,
    OnHand,
    RecallReport,
    StoredRecall,
    TraceDirection,
    TraceTooLarge,
    build_graph,
    check_limits,
)
from itemtrace.domain.tracking import Dimension
from itemtrace.domain.users import User
from itemtrace.storage.tracing import Start, Tracing
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention


def _dimension(serial: str | None, lot: str | None, package: str | None = None) -> tuple[Dimension, str]:
    named = [
        (d, n)
        for d, n in ((Dimension.SERIAL, serial), (Dimension.LOT, lot), (Dimension.PACKAGE, package))
        if n
    ]
    if len(named) != 1:
        raise ValidationFailed("name exactly one of serial, lot or package")
    return named[0]


def _not_found(start: Start) -> NotFound:
    return NotFound(start.dimension.value, f"{start.number} of item {start.item}")


def _start(
    tracing: Tracing,
    item: str,
    serial: str | None,
    lot: str | None,
    *,
    check: bool = True,
    package: str | None = None,
) -> Start:
    dimension, number = _dimension(serial, lot, package)
    start = tracing.start(item, dimension, number)
    if check and not tracing.exists(start):
        raise _not_found(start)
    return start


@dataclass(frozen=True, slots=True)
class Traced:
    """A trace graph and the partners it reached, in the order of `graph.partners`."""

    graph: Graph
    partners: list[Partner]


@run_again_on_contention
def trace(
    uow: UnitOfWork,
    item: str,
    *,
    serial: str | None = None,
    lot: str | None = None,
    direction: TraceDirection = TraceDirection.FORWARD,
    depth: int = DEFAULT_DEPTH,
    max_nodes: int = DEFAULT_MAX_NODES,
    package: str | None = None,
) -> Graph:
    """Where a unit went (forward) or came from (backward), through any depth of assembly.

    Raises:
        NotFound: the item, or the serial/lot never posted.
        TraceTooLarge: more than `max_nodes` nodes (code `trace_too_large`).
    """
    check_limits(depth, max_nodes)
    with uow.snapshot(may_lag=True):
        return _graph(uow, item, serial, lot, direction, depth, max_nodes, package)


@run_again_on_contention
def trace_with_partners(
    uow: UnitOfWork,
    item: str,
    *,
    serial: str | None = None,
    lot: str | None = None,
    direction: TraceDirection = TraceDirection.FORWARD,
    depth: int = DEFAULT_DEPTH,
    max_nodes: int = DEFAULT_MAX_NODES,
    package: str | None = None,
) -> Traced:
    """`trace`, plus the partners the graph reached, read in the same transaction (what the API
    and the CLI show). Raises as `trace` does."""
    check_limits(depth, max_nodes)
    with uow.snapshot(may_lag=True):
        graph = _graph(uow, item, serial, lot, direction, depth, max_nodes, package)
        return Traced(graph, [uow.masterdata.partner(code) for code in graph.partners])


@run_again_on_contention
def traces(
    uow: UnitOfWork,
    item: str,
    *,
    serial: str | None = None,
    lot: str | None = None,
    package: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> dict[TraceDirection, Traced | None]:
    """Both directions of a unit's trace (what a card shows), from one snapshot; None for a
    direction that reaches more than `max_nodes` nodes. Raises `NotFound` as `trace` does."""
    check_limits(DEFAULT_DEPTH, max_nodes)
    found: dict[TraceDirection, Traced | None] = {}
    with uow.snapshot():
        for direction in (TraceDirection.BACKWARD, TraceDirection.FORWARD):
            try:
                graph = _graph(uow, item, serial, lot, direction, DEFAULT_DEPTH, max_nodes, package)
            except TraceTooLarge:
                found[direction] = None
                continue
            found[direction] = Traced(graph, [uow.masterdata.partner(code) for code in graph.partners])
    return found


def _graph(
    uow: UnitOfWork,
    item: str,
    serial: str | None,
    lot: str | None,
    direction: TraceDirection,
    depth: int,
    max_nodes: int,
    package: str | None = None,
) -> Graph:
    """The trace, inside an open unit of work; from a package, of the item's units in it."""
    tracing = uow.tracing
    start = _start(tracing, item, serial, lot, check=False, package=package)
    facts = tracing.trace(direction, start, depth, max_nodes + 1)
    if facts.count == 0:  # the start itself is a node as soon as it was ever posted
        raise _not_found(start)
    if facts.count > max_nodes:
        raise TraceTooLarge(max_nodes)
    graph = build_graph(direction, start.key, facts.links, facts.moves, facts.blocked, depth=facts.deepest)
    return mark_corrections(graph, facts.reversals)


def recall(
    uow: UnitOfWork,
    item: str,
    *,
    serial: str | None = None,
    lot: str | None = None,
    block: bool = False,
    reason: str = "",
    user: User,
    now: datetime,
    package: str | None = None,
) -> StoredRecall:
    """Who got the unit (directly or inside finished goods), what contains it, what is still on
    hand; with `block`, block the unit and every affected unit on hand in the same transaction.
    The recall is recorded with its report."""
    with uow.write():
        start = _start(uow.tracing, item, serial, lot, package=package)
        report = _report(
            uow, start, item, serial, lot, package, block=block, reason=reason, user=user, now=now
        )
        stored = uow.recalls.add(start.item_id, report)
        uow.commit()
    return stored


def preview_recall(
    uow: UnitOfWork,
    item: str,
    *,
    serial: str | None = None,
    lot: str | None = None,
    reason: str = "",
    user: User,
    now: datetime,
    package: str | None = None,
) -> RecallReport:
    """The report `recall` would record, as of now, without recording or blocking anything (the
    web form shows it before the clerk records the recall). Raises as `recall` does."""
    with uow:
        start = _start(uow.tracing, item, serial, lot, package=package)
        return _report(uow, start, item, serial, lot, package, block=False, reason=reason, user=user, now=now)


def block_recalled(uow: UnitOfWork, recall_id: int) -> int:
    """Block what a recorded recall reaches that is on hand now, by the rule a blocking recall
    uses (the recalled unit and every numbered unit still on hand): the walk is run again, so a
    unit assembled or received since the recall is blocked too. Returns how many serials, lots
    and packages that is. The recorded report is a snapshot and stays as it was run.

    Raises:
        NotFound: no recall with this id.
    """
    with uow.write():
        recorded = uow.recalls.get(recall_id)
        tracing = uow.tracing
        start = _start(tracing, recorded.item, recorded.serial, recorded.lot, package=recorded.package)
        tracing.keep_recall_nodes(start)
        blocked = _block_affected(uow, start, tracing.recall_facts().held)
        tracing.drop_recall_nodes()
        uow.commit()
    return blocked


def _report(
    uow: UnitOfWork,
    start: Start,
    item: str,
    serial: str | None,
    lot: str | None,
    package: str | None,
    *,
    block: bool,
    reason: str,
    user: User,
    now: datetime,
) -> RecallReport:
    """Walk forward from `start` once and build the report (blocking as it goes with `block`),
    inside the caller's unit of work."""
    tracing = uow.tracing
    tracing.keep_recall_nodes(start)
    facts = tracing.recall_facts()
    last_places, stock = facts.finished, facts.held
    customers = tuple(Delivery(*row) for row in facts.deliveries)
    # A blocking recall blocks every numbered unit still on hand: report it as it is now.
    status = {(kind, flag): status_at(kind, blocked=flag) for kind in LocationKind for flag in (False, True)}
    customer = LocationKind.CUSTOMER
    finished = tuple(
        FinishedGood(
            sku,
            s,
            lt,
            status[kind, block and bool(s or lt)],
            code if kind.in_stock else None,
            partner if kind is customer else None,
        )
        for sku, s, lt, code, kind, partner in last_places
    )
    on_hand = tuple(OnHand(loc, sku, s, lt, qty) for loc, sku, s, lt, _pkg, qty, _ in stock)
    blocked = _block_affected(uow, start, stock) if block else 0
    tracing.drop_recall_nodes()
    return RecallReport(
        item=item,
        serial=serial,
        lot=lot,
        reason=reason,
        block=block,
        customers=customers,
        finished_goods=finished,
        on_hand=on_hand,
        blocked=blocked,
        created_by=user.name,
        created_at=now,
        package=package,
    )


def _block_affected(uow: UnitOfWork, start: Start, held: Sequence[tuple[Any, ...]]) -> int:
    """Block the recalled unit and every numbered unit the walk found on hand (one upsert)."""
    first = None if start.dimension is Dimension.PACKAGE else start.item_id  # packages have no item
    numbers: list[tuple[int | None, str, str]] = [(first, start.dimension.value, start.number)]
    for _loc, _sku, s, lt, pkg, _qty, item_id in held:
        if s:
            numbers.append((item_id, "serial", s))
        elif lt:
            numbers.append((item_id, "lot", lt))
        elif pkg:
            numbers.append((None, "package", pkg))
    return uow.info.block(numbers)


def get_recall(uow: UnitOfWork, recall_id: int) -> StoredRecall:
    # On the primary, as every read of recorded recalls: one is fetched (or exported) right after
    # `POST /recalls` made it, and a replica that has not replayed it yet would answer 404.
    with uow:
        return uow.recalls.get(recall_id)


def list_recalls(uow: UnitOfWork, *, after: int | None = None, limit: int = 50) -> list[StoredRecall]:
    with uow:
        return uow.recalls.list(after=after, limit=limit)


# One flat table, one row per customer delivery first: a recall letter's mail merge filters
# `section = customer` and finds the customer's name, what they got and when on each row.
RECALL_COLUMNS = (
    "section",
    "recall",
    "recalled_item",
    "recalled_serial",
    "recalled_lot",
    "reason",
    "partner",
    "partner_name",
    "item",
    "serial",
    "lot",
    "quantity",
    "date",
    "document",
    "contains",
    "status",
    "location",
    "holder",
)


def recall_rows(report: StoredRecall, names: dict[str, str]) -> list[tuple[Cell, ...]]:
    """The report as rows of `RECALL_COLUMNS`: customers, then finished goods, then stock on hand."""
    head: tuple[Cell, ...] = (report.id, report.item, report.serial, report.lot, report.reason)
    rows: list[tuple[Cell, ...]] = []
    for d in report.customers:
        partner = (d.partner, names.get(d.partner or "", ""))
        line = (d.item, d.serial, d.lot, d.quantity, d.posting_date, d.document, d.contains)
        rows.append(("customer", *head, *partner, *line, None, None, None))
    what: tuple[Cell, ...]
    for f in report.finished_goods:
        what = (f.item, f.serial, f.lot, None, None, None, None, f.status.value, f.location, f.holder)
        rows.append(("finished_good", *head, None, None, *what))
    for o in report.on_hand:
        what = (o.item, o.serial, o.lot, o.quantity, None, None, None, None, o.location, None)
        rows.append(("on_hand", *head, None, None, *what))
    return rows


def export_recall(uow: UnitOfWork, recall_id: int, format: SheetFormat) -> bytes:
    """The recorded recall as a CSV or XLSX file (see `RECALL_COLUMNS`).

    Raises:
        NotFound: no recall with this id.
    """
    with uow:
        report = uow.recalls.get(recall_id)
        codes = sorted({d.partner for d in report.customers if d.partner})
        names = {code: uow.masterdata.partner(code).name for code in codes}
    return spreadsheets.write(format, RECALL_COLUMNS, recall_rows(report, names), sheet=f"recall {recall_id}")
