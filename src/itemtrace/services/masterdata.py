"""Master data use cases: tracking codes, items, locations, partners, number series."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from itemtrace.domain import formulas, limits, numbering
from itemtrace.domain.errors import NotFound, ValidationFailed
from itemtrace.domain.masterdata import Item, Location, LocationKind, NumberSeries, Partner
from itemtrace.domain.tracking import ItemPolicy, TrackingCode
from itemtrace.storage.unit_of_work import UnitOfWork

T = TypeVar("T")


def create_tracking_code(uow: UnitOfWork, code: TrackingCode) -> TrackingCode:
    if code.warranty_formula:
        formulas.validate(code.warranty_formula)
    with uow.write():
        uow.masterdata.add_tracking_code(code)
        uow.commit()
        return uow.masterdata.tracking_code(code.code)


def get_tracking_code(uow: UnitOfWork, code: str) -> TrackingCode:
    with uow:
        return uow.masterdata.tracking_code(code)


def list_tracking_codes(
    uow: UnitOfWork, *, after: str | None = None, limit: int | None = None
) -> list[TrackingCode]:
    with uow:
        return _keyset(uow.masterdata.tracking_codes(), lambda c: c.code, after, limit)


def create_item(uow: UnitOfWork, item: Item) -> ItemPolicy:
    if item.shelf_life:
        formulas.validate(item.shelf_life)
    if item.gtin is not None and not (item.gtin.isdigit() and len(item.gtin) in (8, 12, 13, 14)):
        raise ValidationFailed(f"gtin {item.gtin!r} must be 8, 12, 13 or 14 digits")
    with uow.write():
        try:
            uow.masterdata.add_item(item)
        except NotFound as missing:
            # The request names something that is not there: bad input, not an unknown URL.
            raise ValidationFailed(f"{missing.what} {missing.key} does not exist: create it first") from None
        uow.commit()
        return uow.masterdata.item(item.sku)


def get_item(uow: UnitOfWork, sku: str) -> ItemPolicy:
    with uow:
        return uow.masterdata.item(sku)


def list_items(uow: UnitOfWork, *, after: str | None = None, limit: int = 50) -> list[ItemPolicy]:
    with uow:
        return uow.masterdata.items(after=after, limit=limit)


def create_location(uow: UnitOfWork, location: Location) -> Location:
    if location.parent and location.kind is not LocationKind.INTERNAL:
        raise ValidationFailed("only internal locations (warehouses, bins) have a parent")
    with uow.write():
        if location.parent:
            try:
                parent = uow.masterdata.location(location.parent)
            except NotFound:
                raise ValidationFailed(f"parent {location.parent} does not exist: create it first") from None
            if parent.kind is not LocationKind.INTERNAL:
                raise ValidationFailed(
                    f"parent {parent.code} is a {parent.kind.value} location, not internal"
                )
        uow.masterdata.add_location(location)
        uow.commit()
        return uow.masterdata.location(location.code)


def get_location(uow: UnitOfWork, code: str) -> Location:
    with uow:
        return uow.masterdata.location(code)


def list_locations(uow: UnitOfWork, *, after: str | None = None, limit: int | None = None) -> list[Location]:
    with uow:
        return _keyset(list(uow.masterdata.locations().values()), lambda loc: loc.code, after, limit)


def create_partner(uow: UnitOfWork, partner: Partner) -> Partner:
    with uow.write():
        uow.masterdata.add_partner(partner)
        uow.commit()
        return uow.masterdata.partner(partner.code)


def get_partner(uow: UnitOfWork, code: str) -> Partner:
    with uow:
        return uow.masterdata.partner(code)


def list_partners(uow: UnitOfWork, *, after: str | None = None, limit: int | None = None) -> list[Partner]:
    with uow:
        return _keyset(uow.masterdata.partners(), lambda p: p.code, after, limit)


def create_series(uow: UnitOfWork, series: NumberSeries) -> NumberSeries:
    numbering.check_series(series.pattern, start=series.start, increment=series.increment)
    with uow.write():
        uow.masterdata.add_series(series)
        uow.commit()
        return uow.masterdata.series(series.code)


def get_series(uow: UnitOfWork, code: str) -> NumberSeries:
    with uow:
        return uow.masterdata.series(code)


def list_series(uow: UnitOfWork) -> list[NumberSeries]:
    with uow:
        return uow.masterdata.series_list()


def next_numbers(
    uow: UnitOfWork, code: str, count: int, *, today: date, item: str = "", location: str = ""
) -> list[str]:
    """Hand out the next `count` numbers of a series; each is handed out once, ever.

    The numbers are rendered before the commit: one that cannot be rendered (too long, or the
    counter used up) is refused and the counter does not move.
    """
    if not 1 <= count <= limits.MAX_DRAW:
        raise ValidationFailed(f"count must be between 1 and {limits.MAX_DRAW}, got {count}")
    with uow.write():
        series, values = uow.masterdata.allocate(code, count)
        numbers = [
            numbering.render(series.pattern, v, today=today, item=item, location=location) for v in values
        ]
        uow.commit()
    return numbers


def _keyset(rows: list[T], code: Callable[[T], str], after: str | None, limit: int | None) -> list[T]:
    """Master data lists are small: order by code, start after `after`, stop at `limit`."""
    ordered = sorted((r for r in rows if after is None or code(r) > after), key=code)
    return ordered if limit is None else ordered[:limit]
