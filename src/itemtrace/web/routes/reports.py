"""Reports: what expires soon, stock by location and lot, warranties ending soon; CSV downloads.

The pages read the same services as the API's reports and exports (`services.expiry`,
`services.exports`, `services.warranty`); the downloads stream the same files as
`/api/v1/reports/expiring/export` and `/api/v1/exports/stock`, to the signed-in user's session
instead of a bearer token.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, NamedTuple
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from itemtrace.adapters.spreadsheets import SheetFormat
from itemtrace.api import clock
from itemtrace.domain import limits
from itemtrace.domain.documents import is_valid_number
from itemtrace.domain.errors import ItemtraceError, ValidationFailed
from itemtrace.domain.expiry import MAX_WINDOW_DAYS
from itemtrace.services import expiry, exports, warranty
from itemtrace.web.errors import FormErrors
from itemtrace.web.security import Viewer
from itemtrace.web.templating import render

router = APIRouter()

PER_PAGE = 100  # rows on a page of a report
DEFAULT_DAYS = 30
Text = Annotated[str, Query(max_length=2000)]


@dataclass
class Filters:
    """A report's filters as typed, checked: each bad one keeps its message next to its field."""

    values: dict[str, str]
    errors: FormErrors = field(default_factory=FormErrors)

    def code(self, name: str, longest: int) -> str | None:
        value = self.values.get(name, "").strip()
        if value and (len(value) > longest or not value.isprintable()):
            self.errors.add(name, "validation_error", f"at most {longest} printable characters")
        return value or None

    def number(self, name: str) -> str | None:
        value = self.values.get(name, "").strip()
        if value and not is_valid_number(value):
            self.errors.add(name, "validation_error", "a number is 1 to 50 printable characters")
        return value or None

    def days(self, name: str = "within_days") -> int:
        text = self.values.get(name, "").strip() or str(DEFAULT_DAYS)
        if not text.isdigit() or int(text) > MAX_WINDOW_DAYS:
            self.errors.add(name, "validation_error", f"a whole number of days from 0 to {MAX_WINDOW_DAYS}")
            return DEFAULT_DAYS
        return int(text)

    def query(self, **changed: object) -> str:
        """The filters as a query string (for the next page and the download links)."""
        merged = {**self.values, **{k: str(v) for k, v in changed.items()}}
        return urlencode({k: v for k, v in merged.items() if v})


def _download(content: bytes, format: SheetFormat, name: str) -> Response:
    return Response(
        content,
        media_type=format.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{format.value}"'},
    )


# -- expiring -------------------------------------------------------------------------------------


def _expiring_filters(within_days: str, item: str, location: str) -> tuple[Filters, dict[str, Any]]:
    filters = Filters({"within_days": within_days, "item": item, "location": location})
    days = filters.days()
    args = {
        "within_days": days,
        "item": filters.code("item", limits.SKU),
        "location": filters.code("location", limits.LOCATION_CODE),
    }
    return filters, args


@router.get("/reports/expiring")
async def expiring_page(
    request: Request,
    _user: Viewer,
    within_days: Text = "",
    item: Text = "",
    location: Text = "",
    after: Text = "",
) -> Response:
    """On hand that expires within the window (the expired first), 100 rows a page."""
    filters, args = _expiring_filters(within_days, item, location)
    position = _position(after)
    rows: list[Any] = []
    if not filters.errors:
        uow = request.app.state.uow_factory()
        try:
            rows = await run_in_threadpool(
                lambda: expiry.expiring(uow, **args, after=position, limit=PER_PAGE + 1, today=clock.today())
            )
        except ItemtraceError as refused:
            filters.errors = FormErrors.of(refused, field="location" if args["location"] else None)
    more = rows[PER_PAGE - 1].position if len(rows) > PER_PAGE else None
    context = {
        "filters": filters,
        "days": args["within_days"],
        "rows": rows[:PER_PAGE],
        "next_query": filters.query(after=f"{more[0].isoformat()}.{more[1]}") if more else None,
        "download": filters.query(),
    }
    status = filters.errors.status if filters.errors else 200
    return render(request, "reports/expiring.html", context, status_code=status)


def _position(after: str) -> tuple[date, int] | None:
    """`2026-12-01.42` (a next-page link) as the report's keyset position; anything else: page one."""
    day, _, row = after.partition(".")
    try:
        return (date.fromisoformat(day), int(row)) if after else None
    except ValueError:
        return None


@router.get("/reports/expiring.csv")
async def expiring_download(
    request: Request, _user: Viewer, within_days: Text = "", item: Text = "", location: Text = ""
) -> Response:
    filters, args = _expiring_filters(within_days, item, location)
    if filters.errors:
        raise ValidationFailed(next(iter(filters.errors)).detail)
    uow = request.app.state.uow_factory()
    content = await run_in_threadpool(
        lambda: expiry.export_expiring(uow, SheetFormat.CSV, **args, today=clock.today())
    )
    return _download(content, SheetFormat.CSV, f"expiring-{args['within_days']}-days")


# -- stock ----------------------------------------------------------------------------------------


class StockArgs(NamedTuple):
    item: str | None
    location: str | None
    lot: str | None


def _stock_filters(item: str, location: str, lot: str) -> tuple[Filters, StockArgs]:
    filters = Filters({"item": item, "location": location, "lot": lot})
    args = StockArgs(
        filters.code("item", limits.SKU),
        filters.code("location", limits.LOCATION_CODE),
        filters.number("lot"),
    )
    return filters, args


def _stock_page(uow: Any, args: StockArgs, number: int) -> tuple[exports.Page, bool]:
    """Page `number` (from 1) of the stock export's rows, and whether another follows. The
    export's pages are keyset reads; page N reads the N-1 before it to find where it starts."""
    pages = exports.stock_pages(uow, **args._asdict(), page=PER_PAGE)
    found = list(itertools.islice(pages, number - 1, number + 1))  # each page's read is closed already
    return (found[0] if found else []), len(found) > 1


@router.get("/reports/stock")
async def stock_page(
    request: Request,
    _user: Viewer,
    item: Text = "",
    location: Text = "",
    lot: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Stock on hand at internal locations by item, location and number (the stock export's rows)."""
    filters, args = _stock_filters(item, location, lot)
    rows: exports.Page = []
    more = False
    if not filters.errors:
        uow_factory = request.app.state.uow_factory
        try:
            rows, more = await run_in_threadpool(_stock_page, uow_factory(), args, page)
        except ItemtraceError as refused:
            filters.errors = FormErrors.of(refused, field="location" if args.location else None)
    columns = exports.STOCK_COLUMNS
    context = {
        "filters": filters,
        "rows": [dict(zip(columns, row, strict=True)) for row in rows],
        "page": page,
        "next_query": filters.query(page=page + 1) if more else None,
        "previous_query": filters.query(page=page - 1) if page > 1 else None,
        "download": filters.query(),
    }
    status = filters.errors.status if filters.errors else 200
    return render(request, "reports/stock.html", context, status_code=status)


@router.get("/reports/stock.csv")
async def stock_download(
    request: Request, _user: Viewer, item: Text = "", location: Text = "", lot: Text = ""
) -> Response:
    """The whole stock export as CSV, streamed page by page (as `GET /api/v1/exports/stock`)."""
    filters, args = _stock_filters(item, location, lot)
    if filters.errors:
        raise ValidationFailed(next(iter(filters.errors)).detail)
    pages = exports.stock_pages(request.app.state.uow_factory(), **args._asdict())
    return StreamingResponse(
        exports.csv_stream(exports.STOCK_COLUMNS, pages),
        media_type=SheetFormat.CSV.media_type,
        headers={"Content-Disposition": 'attachment; filename="stock.csv"'},
    )


# -- warranty -------------------------------------------------------------------------------------


@router.get("/reports/warranty")
async def warranty_page(
    request: Request, _user: Viewer, within_days: Text = "", item: Text = "", customer: Text = ""
) -> Response:
    """Delivered serials whose warranty ends within the window, by customer."""
    filters = Filters({"within_days": within_days, "item": item, "customer": customer})
    days = filters.days()
    sku, customer_code = filters.code("item", limits.SKU), filters.code("customer", limits.PARTNER_CODE)
    rows: list[Any] = []
    if not filters.errors:
        uow = request.app.state.uow_factory()
        try:
            rows = await run_in_threadpool(
                lambda: warranty.ending(
                    uow, within_days=days, item=sku, customer=customer_code, today=clock.today()
                )
            )
        except ItemtraceError as refused:
            filters.errors = FormErrors.of(refused)
    status = filters.errors.status if filters.errors else 200
    return render(
        request, "reports/warranty.html", {"filters": filters, "days": days, "rows": rows}, status_code=status
    )
