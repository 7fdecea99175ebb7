"""Availability route: on hand, expired, reserved by open documents, and available, by lot."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from itemtrace.api import clock
from itemtrace.api.deps import Uow, Viewer
from itemtrace.api.schemas.availability import AvailabilityOut
from itemtrace.services import availability as service

router = APIRouter(tags=["availability"])

Filter = Annotated[str | None, Query(max_length=60)]


@router.get("/availability")
def get_availability(
    uow: Uow,
    _user: Viewer,
    item: Annotated[str, Query(min_length=1, max_length=60, description="The item's SKU (required).")],
    location: Filter = None,
    lot: Filter = None,
    serial: Filter = None,
) -> AvailabilityOut:
    """Stock in internal locations: `on_hand`, `expired` (past its date), `reserved` by open
    documents, `available` (neither expired nor reserved)."""
    found = service.availability(uow, item, location=location, lot=lot, serial=serial, today=clock.today())
    return AvailabilityOut.from_domain(found)
