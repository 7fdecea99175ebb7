"""Trace and recall routes: the genealogy graph of a unit, recalls (run, list, show, export)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from itemtrace.adapters.spreadsheets import SheetFormat
from itemtrace.api import clock
from itemtrace.api.deps import Clerk, Uow, Viewer
from itemtrace.api.pagination import Cursor, Limit, Page, cursor_int, page
from itemtrace.api.params import RecallId
from itemtrace.domain.tracing import DEFAULT_DEPTH, DEFAULT_MAX_NODES, TraceDirection
from itemtrace.schemas.common import Number, Sku
from itemtrace.schemas.tracing import RecallIn, RecallOut, RecallRowOut, TraceOut
from itemtrace.services import tracing

router = APIRouter(tags=["trace and recall"])


@router.get("/trace")
def trace(
    uow: Uow,
    _user: Viewer,
    item: Annotated[Sku, Query(description="The item's SKU")],
    serial: Annotated[Number | None, Query(description="Trace this serial (or give lot)")] = None,
    lot: Annotated[Number | None, Query(description="Trace this lot (or give serial)")] = None,
    package: Annotated[Number | None, Query(description="Trace the item's units in this package")] = None,
    direction: TraceDirection = TraceDirection.FORWARD,
    depth: Annotated[int, Query(ge=1, le=1000, description="Assembly levels to follow")] = DEFAULT_DEPTH,
    max_nodes: Annotated[
        int, Query(ge=1, le=1_000_000, description="Refuse (trace_too_large) past this many nodes")
    ] = DEFAULT_MAX_NODES,
) -> TraceOut:
    traced = tracing.trace_with_partners(
        uow,
        item,
        serial=serial,
        lot=lot,
        package=package,
        direction=direction,
        depth=depth,
        max_nodes=max_nodes,
    )
    return TraceOut.from_domain(traced.graph, traced.partners)


@router.post("/recalls", status_code=201)
def create_recall(body: RecallIn, uow: Uow, user: Clerk) -> RecallOut:
    report = tracing.recall(
        uow,
        body.item,
        serial=body.serial,
        lot=body.lot,
        package=body.package,
        block=body.block,
        reason=body.reason,
        user=user,
        now=clock.now(),
    )
    return RecallOut.from_domain(report)


@router.get("/recalls")
def list_recalls(uow: Uow, _user: Viewer, limit: Limit = 50, cursor: Cursor = None) -> Page[RecallRowOut]:
    """Recalls, newest first."""
    rows = tracing.list_recalls(uow, after=cursor_int(cursor), limit=limit + 1)
    return page(rows, limit, present=RecallRowOut.from_domain, position=lambda r: r.id)


@router.get("/recalls/{recall_id}")
def get_recall(recall_id: RecallId, uow: Uow, _user: Viewer) -> RecallOut:
    return RecallOut.from_domain(tracing.get_recall(uow, recall_id))


@router.get(
    "/recalls/{recall_id}/export",
    response_class=Response,
    responses={
        200: {
            "description": "One row per customer delivery, finished good and stock on hand "
            "(column `section`)",
            "content": {SheetFormat.CSV.media_type: {}, SheetFormat.XLSX.media_type: {}},
        }
    },
)
def export_recall(
    recall_id: RecallId, uow: Uow, _user: Viewer, format: SheetFormat = SheetFormat.CSV
) -> Response:
    content = tracing.export_recall(uow, recall_id, format)
    filename = f"recall-{recall_id}.{format.value}"
    return Response(
        content,
        media_type=format.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
