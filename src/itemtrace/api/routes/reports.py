"""Report routes: what expires soon (pages and file), warranties ending soon."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from itemtrace.adapters.spreadsheets import SheetFormat
from itemtrace.api import clock
from itemtrace.api.deps import Uow, Viewer
from itemtrace.api.pagination import Cursor, Limit, Page, cursor_date_id, page
from itemtrace.api.params import IncludeChildren, ItemFilter, LocationFilter
from itemtrace.domain.expiry import MAX_WINDOW_DAYS
from itemtrace.schemas.cards import WarrantyLineOut, WarrantyReportOut
from itemtrace.schemas.common import PartnerCode
from itemtrace.schemas.expiry import ExpiringOut
from itemtrace.services import expiry, warranty

router = APIRouter(tags=["reports"])

WithinDays = Annotated[int, Query(ge=0, le=MAX_WINDOW_DAYS, description="From today to this many days on")]


@router.get("/reports/warranty")
def warranty_report(
    uow: Uow,
    _user: Viewer,
    within_days: WithinDays = 30,
    item: ItemFilter = None,
    customer: Annotated[PartnerCode | None, Query(description="A customer's code")] = None,
) -> WarrantyReportOut:
    """Delivered serials whose warranty ends from today to `within_days` days on (both included),
    by customer, then end date: who to call before their warranty runs out."""
    found = warranty.ending(uow, within_days=within_days, item=item, customer=customer, today=clock.today())
    return WarrantyReportOut(items=[WarrantyLineOut.from_domain(line) for line in found])


@router.get("/reports/expiring")
def expiring_report(
    uow: Uow,
    _user: Viewer,
    within_days: WithinDays = 30,
    item: ItemFilter = None,
    location: LocationFilter = None,
    include_children: IncludeChildren = True,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ExpiringOut]:
    """Lots, serials and packages on hand that expire from today to `within_days` days on, and
    those already expired, oldest date first (so the expired come first), with the quantity at
    each place and `days_left` (negative: expired that many days ago)."""
    found = expiry.expiring(
        uow,
        within_days=within_days,
        item=item,
        location=location,
        include_children=include_children,
        after=cursor_date_id(cursor),
        limit=limit + 1,
        today=clock.today(),
    )
    return page(
        found,
        limit,
        present=ExpiringOut.from_domain,
        position=lambda e: [e.position[0].isoformat(), e.position[1]],
    )


@router.get(
    "/reports/expiring/export",
    response_class=Response,
    responses={
        200: {
            "description": "The whole expiring report, one row per place and number",
            "content": {SheetFormat.CSV.media_type: {}, SheetFormat.XLSX.media_type: {}},
        }
    },
)
def export_expiring(
    uow: Uow,
    _user: Viewer,
    within_days: WithinDays = 30,
    item: ItemFilter = None,
    location: LocationFilter = None,
    include_children: IncludeChildren = True,
    format: SheetFormat = SheetFormat.CSV,
) -> Response:
    content = expiry.export_expiring(
        uow,
        format,
        within_days=within_days,
        item=item,
        location=location,
        include_children=include_children,
        today=clock.today(),
    )
    return Response(
        content,
        media_type=format.media_type,
        headers={"Content-Disposition": f'attachment; filename="expiring-{within_days}-days.{format.value}"'},
    )
