"""Master data routes: tracking codes, items, locations, partners, number series."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from itemtrace.api import clock
from itemtrace.api.deps import Admin, Clerk, Uow, Viewer
from itemtrace.api.pagination import Cursor, Limit, Page, cursor_str, page
from itemtrace.api.params import CodePath, SkuPath
from itemtrace.domain import limits
from itemtrace.schemas.common import LocationCode, Sku
from itemtrace.schemas.masterdata import (
    ItemIn,
    ItemOut,
    ItemPatch,
    LocationIn,
    LocationOut,
    LocationPatch,
    NumberSeriesIn,
    NumberSeriesOut,
    NumberSeriesPatch,
    NumbersOut,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
    TrackingCodeIn,
    TrackingCodeOut,
    TrackingCodePatch,
)
from itemtrace.services import masterdata

router = APIRouter(tags=["master data"])


# -- tracking codes ----------------------------------------------------------------------------
@router.post("/tracking-codes", status_code=201)
def create_tracking_code(body: TrackingCodeIn, uow: Uow, _user: Admin) -> TrackingCodeOut:
    return TrackingCodeOut.from_domain(masterdata.create_tracking_code(uow, body.to_domain()))


@router.get("/tracking-codes")
def list_tracking_codes(
    uow: Uow, _user: Viewer, limit: Limit = 50, cursor: Cursor = None
) -> Page[TrackingCodeOut]:
    rows = masterdata.list_tracking_codes(uow, after=cursor_str(cursor), limit=limit + 1)
    return page(rows, limit, present=TrackingCodeOut.from_domain, position=lambda c: c.code)


@router.get("/tracking-codes/{code}")
def get_tracking_code(code: CodePath, uow: Uow, _user: Viewer) -> TrackingCodeOut:
    return TrackingCodeOut.from_domain(masterdata.get_tracking_code(uow, code))


@router.patch("/tracking-codes/{code}")
def update_tracking_code(code: CodePath, body: TrackingCodePatch, uow: Uow, _user: Admin) -> TrackingCodeOut:
    """Change a tracking code; its serial/lot/package policy and `serial_unique` are fixed once
    an item using it has ledger entries (409 `item_has_entries`)."""
    return TrackingCodeOut.from_domain(masterdata.update_tracking_code(uow, code, body.changes()))


# -- items -------------------------------------------------------------------------------------
@router.post("/items", status_code=201)
def create_item(body: ItemIn, uow: Uow, _user: Admin) -> ItemOut:
    return ItemOut.from_domain(masterdata.create_item(uow, body.to_domain()))


@router.get("/items")
def list_items(uow: Uow, _user: Viewer, limit: Limit = 50, cursor: Cursor = None) -> Page[ItemOut]:
    rows = masterdata.list_items(uow, after=cursor_str(cursor), limit=limit + 1)
    return page(rows, limit, present=ItemOut.from_domain, position=lambda p: p.item.sku)


@router.get("/items/{sku}")
def get_item(sku: SkuPath, uow: Uow, _user: Viewer) -> ItemOut:
    return ItemOut.from_domain(masterdata.get_item(uow, sku))


@router.patch("/items/{sku}")
def update_item(sku: SkuPath, body: ItemPatch, uow: Uow, _user: Admin) -> ItemOut:
    """Change an item; its tracking code (and unit) are fixed once it has ledger entries (409
    `item_has_entries`)."""
    return ItemOut.from_domain(masterdata.update_item(uow, sku, body.changes()))


# -- locations ---------------------------------------------------------------------------------
@router.post("/locations", status_code=201)
def create_location(body: LocationIn, uow: Uow, _user: Admin) -> LocationOut:
    return LocationOut.from_domain(masterdata.create_location(uow, body.to_domain()))


@router.get("/locations")
def list_locations(uow: Uow, _user: Viewer, limit: Limit = 50, cursor: Cursor = None) -> Page[LocationOut]:
    rows = masterdata.list_locations(uow, after=cursor_str(cursor), limit=limit + 1)
    return page(rows, limit, present=LocationOut.from_domain, position=lambda loc: loc.code)


@router.get("/locations/{code}")
def get_location(code: CodePath, uow: Uow, _user: Viewer) -> LocationOut:
    return LocationOut.from_domain(masterdata.get_location(uow, code))


@router.patch("/locations/{code}")
def update_location(code: CodePath, body: LocationPatch, uow: Uow, _user: Admin) -> LocationOut:
    """Rename a location, or close it (`closed: true`: it takes no new postings) and open it again."""
    return LocationOut.from_domain(masterdata.update_location(uow, code, body.changes()))


@router.delete("/locations/{code}", status_code=204)
def delete_location(code: CodePath, uow: Uow, _user: Admin) -> Response:
    """Delete a location that was never used; one with entries, documents or child locations is
    409 `location_in_use` (close it instead)."""
    masterdata.delete_location(uow, code)
    return Response(status_code=204)


# -- partners ----------------------------------------------------------------------------------
@router.post("/partners", status_code=201)
def create_partner(body: PartnerIn, uow: Uow, _user: Admin) -> PartnerOut:
    return PartnerOut.from_domain(masterdata.create_partner(uow, body.to_domain()))


@router.get("/partners")
def list_partners(uow: Uow, _user: Viewer, limit: Limit = 50, cursor: Cursor = None) -> Page[PartnerOut]:
    rows = masterdata.list_partners(uow, after=cursor_str(cursor), limit=limit + 1)
    return page(rows, limit, present=PartnerOut.from_domain, position=lambda p: p.code)


@router.get("/partners/{code}")
def get_partner(code: CodePath, uow: Uow, _user: Viewer) -> PartnerOut:
    return PartnerOut.from_domain(masterdata.get_partner(uow, code))


@router.patch("/partners/{code}")
def update_partner(code: CodePath, body: PartnerPatch, uow: Uow, _user: Admin) -> PartnerOut:
    return PartnerOut.from_domain(masterdata.update_partner(uow, code, body.changes()))


# -- number series -----------------------------------------------------------------------------
@router.post("/number-series", status_code=201)
def create_number_series(body: NumberSeriesIn, uow: Uow, _user: Admin) -> NumberSeriesOut:
    return NumberSeriesOut.from_domain(masterdata.create_series(uow, body.to_domain()))


@router.get("/number-series/{code}")
def get_number_series(code: CodePath, uow: Uow, _user: Viewer) -> NumberSeriesOut:
    return NumberSeriesOut.from_domain(masterdata.get_series(uow, code))


@router.patch("/number-series/{code}")
def update_number_series(code: CodePath, body: NumberSeriesPatch, uow: Uow, _user: Admin) -> NumberSeriesOut:
    """Change a series' pattern, start or increment; its counter never goes back (`next_value`
    may move it forward)."""
    updated = masterdata.update_series(uow, code, body.changes(), next_value=body.next_value)
    return NumberSeriesOut.from_domain(updated)


@router.post("/number-series/{code}/next")
def next_numbers(
    code: CodePath,
    uow: Uow,
    _user: Clerk,
    count: Annotated[int, Query(ge=1, le=limits.MAX_DRAW, description="How many numbers to hand out")] = 1,
    item: Annotated[Sku | None, Query(description="The value of the {item} token")] = None,
    location: Annotated[LocationCode | None, Query(description="The value of the {location} token")] = None,
) -> NumbersOut:
    numbers = masterdata.next_numbers(
        uow, code, count, today=clock.today(), item=item or "", location=location or ""
    )
    return NumbersOut(numbers=numbers)
