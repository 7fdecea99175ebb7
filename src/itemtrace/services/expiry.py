"""Expiry reports: what on hand expires within N days (the expired first), as pages or a file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from itemtrace.adapters import spreadsheets
from itemtrace.adapters.spreadsheets import Cell, SheetFormat
from itemtrace.domain.expiry import Expiring, window_end
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention

EXPIRING_COLUMNS = (
    "expiration_date",
    "days_left",
    "expired",
    "item",
    "location",
    "lot",
    "serial",
    "package",
    "quantity",
)
_EXPORT_PAGE = 10_000


@run_again_on_contention
def expiring(
    uow: UnitOfWork,
    *,
    within_days: int,
    item: str | None = None,
    location: str | None = None,
    include_children: bool = True,
    after: tuple[date, int] | None = None,
    limit: int = 50,
    today: date,
) -> list[Expiring]:
    """Stock on hand expiring by today + `within_days` (already expired included), oldest first."""
    until = window_end(within_days, today)
    with uow.read(may_lag=True):
        return uow.reports.expiring(
            today=today,
            until=until,
            item=item,
            location=location,
            include_children=include_children,
            after=after,
            limit=limit,
        )


def _all(
    uow: UnitOfWork, within_days: int, item: str | None, location: str | None, children: bool, today: date
) -> Iterator[Expiring]:
    after = None
    while True:
        page = expiring(
            uow,
            within_days=within_days,
            item=item,
            location=location,
            include_children=children,
            after=after,
            limit=_EXPORT_PAGE,
            today=today,
        )
        yield from page
        if len(page) < _EXPORT_PAGE:
            return
        after = page[-1].position


def export_expiring(
    uow: UnitOfWork,
    format: SheetFormat,
    *,
    within_days: int,
    item: str | None = None,
    location: str | None = None,
    include_children: bool = True,
    today: date,
) -> bytes:
    """The whole report as CSV or XLSX (see `EXPIRING_COLUMNS`)."""
    rows: list[tuple[Cell, ...]] = [
        (
            e.expiration_date,
            e.days_left,
            e.expired,
            e.item,
            e.location,
            e.lot,
            e.serial,
            e.package,
            e.quantity,
        )
        for e in _all(uow, within_days, item, location, include_children, today)
    ]
    return spreadsheets.write(format, EXPIRING_COLUMNS, rows, sheet=f"expiring within {within_days} days")
