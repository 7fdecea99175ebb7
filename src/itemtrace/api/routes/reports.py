"""Report routes: warranties ending soon."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from itemtrace.api import clock
from itemtrace.api.deps import Uow, Viewer
from itemtrace.api.params import ItemFilter
from itemtrace.schemas.cards import WarrantyLineOut, WarrantyReportOut
from itemtrace.schemas.common import PartnerCode
from itemtrace.services import warranty

router = APIRouter(tags=["reports"])

WithinDays = Annotated[
    int, Query(ge=0, le=warranty.MAX_WINDOW_DAYS, description="From today to this many days on")
]


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
