"""Master data use cases: tracking codes, items, locations, partners, number series."""

from __future__ import annotations

from datetime import date

from itemtrace.domain import formulas, numbering
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.masterdata import Item, Location, LocationKind, NumberSeries, Partner
from itemtrace.domain.posting import ItemPolicy
from itemtrace.domain.tracking import TrackingCode
from itemtrace.storage.unit_of_work import UnitOfWork


def create_tracking_code(uow: UnitOfWork, code: TrackingCode) -> TrackingCode:
    if code.warranty_formula:
        formulas.validate(code.warranty_formula)
    with uow.writing():
        uow.masterdata.add_tracking_code(code)
        uow.commit()
        return uow.masterdata.tracking_code(code.code)


def get_tracking_code(uow: UnitOfWork, code: str) -> TrackingCode:
    with uow:
        return uow.masterdata.tracking_code(code)


def list_tracking_codes(uow: UnitOfWork) -> list[TrackingCode]:
    with uow:
        return uow.masterdata.tracking_codes()


def create_item(uow: UnitOfWork, item: Item) -> ItemPolicy:
    if item.shelf_life:
        formulas.validate(item.shelf_life)
    if item.gtin is not None and not (item.gtin.isdigit() and len(item.gtin) in (8, 12, 13, 14)):
        raise ValidationFailed(f"gtin {item.gtin!r} must be 8, 12, 13 or 14 digits")
    with uow.writing():
        uow.masterdata.add_item(item)
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
    with uow.writing():
        if location.parent:
            parent = uow.masterdata.location(location.parent)
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


def list_locations(uow: UnitOfWork) -> list[Location]:
    with uow:
        return list(uow.masterdata.locations().values())


def create_partner(uow: UnitOfWork, partner: Partner) -> Partner:
    with uow.writing():
        uow.masterdata.add_partner(partner)
        uow.commit()
        return uow.masterdata.partner(partner.code)


def get_partner(uow: UnitOfWork, code: str) -> Partner:
    with uow:
        return uow.masterdata.partner(code)


def list_partners(uow: UnitOfWork) -> list[Partner]:
    with uow:
        return uow.masterdata.partners()


def create_series(uow: UnitOfWork, series: NumberSeries) -> NumberSeries:
    numbering.validate_pattern(series.pattern)
    if series.increment < 1:
        raise ValidationFailed(f"increment must be 1 or more, got {series.increment}")
    if series.start < 0:
        raise ValidationFailed(f"start must not be negative, got {series.start}")
    with uow.writing():
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
    """Hand out the next `count` numbers of a series; each is handed out once, ever."""
    if not 1 <= count <= 100_000:
        raise ValidationFailed(f"count must be between 1 and 100000, got {count}")
    with uow.writing():
        series, values = uow.masterdata.allocate(code, count)
        uow.commit()
    return [numbering.render(series.pattern, v, today=today, item=item, location=location) for v in values]
