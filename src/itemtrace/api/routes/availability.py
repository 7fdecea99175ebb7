"""Availability route: on hand, expired, reserved by open documents, and available, by lot."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from itemtrace.api import clock
from itemtrace.api.deps import Uow, Viewer
from itemtrace.api.params import IncludeChildren, LocationFilter, LotFilter, SerialFilter
from itemtrace.schemas.availability import AvailabilityOut
from itemtrace.schemas.common import Sku
from itemtrace.services import availability as service

router = APIRouter(tags=["availability"])


@router.get("/availability")
def get_availability(
    uow: Uow,
    _user: Viewer,
    item: Annotated[Sku, Query(description="The item's SKU (required).")],
    location: LocationFilter = None,
    lot: LotFilter = None,
    serial: SerialFilter = None,
    include_children: IncludeChildren = True,
) -> AvailabilityOut:
    """Stock in internal locations: `on_hand`, `expired` (past its date), `reserved` by open
    documents, `available` (neither expired nor reserved). A `location` counts the locations
    under it (a warehouse's bins) unless `include_children=false`."""
    found = service.availability(
        uow,
        item,
        location=location,
        lot=lot,
        serial=serial,
        include_children=include_children,
        today=clock.today(),
    )
    return AvailabilityOut.from_domain(found)
