"""Master data use cases: tracking codes, items, locations, partners, number series."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from itemtrace.domain import barcodes, formulas, limits, numbering
from itemtrace.domain.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from itemtrace.domain.masterdata import Item, Location, LocationKind, NumberSeries, Partner
from itemtrace.domain.masterdata_changes import (
    changed,
    check_item_change,
    check_location_change,
    check_tracking_code_change,
    policy_changes,
    series_counter,
)
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


def _check_item(item: Item) -> None:
    if item.shelf_life:
        formulas.validate(item.shelf_life)
    if item.gtin is not None:
        barcodes.check_gtin(item.gtin)


def create_item(uow: UnitOfWork, item: Item) -> ItemPolicy:
    _check_item(item)
    with uow.write():
        _gtin_unused(uow, item)
        try:
            uow.masterdata.add_item(item)
        except NotFound as missing:
            # The request names something that is not there: bad input, not an unknown URL.
            raise ValidationFailed(f"{missing.what} {missing.key} does not exist: create it first") from None
        uow.commit()
        return uow.masterdata.item(item.sku)


def _gtin_unused(uow: UnitOfWork, item: Item) -> None:
    """One GTIN, one item (in any of its 8/12/13/14-digit forms), so a scan finds one item."""
    if item.gtin is None:
        return
    uow.scans.lock_gtin(barcodes.gtin14(item.gtin))  # two admins giving one GTIN at once: one waits
    others = [
        (sku, gtin)
        for sku, gtin in uow.scans.items_with_gtin(barcodes.gtin_forms(item.gtin))
        if sku != item.sku
    ]
    if others:
        sku, gtin = others[0]
        raise Conflict(
            f"gtin {item.gtin} is already item {sku}'s (as {gtin}): a GTIN names one item; "
            f'remove it from {sku} first (PATCH /items/{sku} with {{"gtin": null}})',
            code=ErrorCode.ALREADY_EXISTS,
        )


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
            numbering.render(
                series.pattern,
                v,
                today=today,
                item=item,
                location=location,
                company_prefix=uow.gs1_company_prefix,
            )
            for v in values
        ]
        uow.commit()
    return numbers


# -- changes (PATCH) ----------------------------------------------------------------------------
# Each takes the fields to change (what the request set, as domain values), checks them as a
# create would, refuses what the ledger pins (`item_has_entries`), and writes one row.


def update_tracking_code(uow: UnitOfWork, code: str, changes: Mapping[str, Any]) -> TrackingCode:
    """Change a tracking code. Its serial/lot/package policy and `serial_unique` are fixed once an
    item using it has ledger entries (`item_has_entries`); its other fields may change any time."""
    with uow.write():
        old = uow.changes.lock_tracking_code(code)
        new = changed(old, dict(changes))
        if new.warranty_formula:
            formulas.validate(new.warranty_formula)
        if new == old:
            return old
        if policy_changes(old, new):
            check_tracking_code_change(old, new, uow.changes.items_with_entries(code))
        uow.changes.update_tracking_code(new)
        uow.commit()
        return uow.masterdata.tracking_code(code)


def update_item(uow: UnitOfWork, sku: str, changes: Mapping[str, Any]) -> ItemPolicy:
    """Change an item: name, unit, gtin, series, shelf life any time; its tracking code (and unit)
    only while it has no ledger entries (`item_has_entries`)."""
    with uow.write():
        old = uow.changes.lock_item(sku).item
        new = changed(old, dict(changes))
        _check_item(new)
        if new == old:
            return uow.masterdata.item(sku)
        pinned = new.tracking_code != old.tracking_code or new.unit != old.unit
        has_entries = pinned and uow.changes.has_entries(sku)
        check_item_change(old, new, has_entries=has_entries)
        if has_entries and new.unit != old.unit:
            raise Conflict(
                f"item {sku} has ledger entries counted in {old.unit}, so its unit cannot change to "
                f"{new.unit}: create a new item with the new unit instead",
                code=ErrorCode.ITEM_HAS_ENTRIES,
            )
        if new.gtin != old.gtin:
            _gtin_unused(uow, new)
        try:
            uow.changes.update_item(new)
        except NotFound as missing:
            raise ValidationFailed(f"{missing.what} {missing.key} does not exist: create it first") from None
        uow.commit()
        return uow.masterdata.item(sku)


def update_location(uow: UnitOfWork, code: str, changes: Mapping[str, Any]) -> Location:
    """Rename a location, or close it (`closed`: no new postings) and open it again."""
    with uow.write():
        old = uow.masterdata.location(code)
        new = changed(old, dict(changes))
        check_location_change(old, new)
        if new != old:
            uow.changes.update_location(new)
            uow.commit()
        return uow.masterdata.location(code)


def delete_location(uow: UnitOfWork, code: str) -> None:
    """Delete a location that was never used; one with history is closed instead (`location_in_use`)."""
    with uow.write():
        location = uow.masterdata.location(code)
        uses = uow.changes.location_uses(code)
        if location.kind is not LocationKind.INTERNAL:
            raise Conflict(
                f"location {code} is the virtual {location.kind.value} location: documents need it, so "
                "it cannot be deleted",
                code=ErrorCode.LOCATION_IN_USE,
            )
        if uses:
            raise Conflict(
                f"location {code} has {' and '.join(uses)}, so it cannot be deleted (its history must "
                f'stay readable): close it instead (PATCH /locations/{code} with {{"closed": true}}, '
                f"or itemtrace locations set {code} --closed)",
                code=ErrorCode.LOCATION_IN_USE,
            )
        uow.changes.delete_location(code)
        uow.commit()


def update_partner(uow: UnitOfWork, code: str, changes: Mapping[str, Any]) -> Partner:
    with uow.write():
        old = uow.masterdata.partner(code)
        new = changed(old, dict(changes))
        if new != old:
            uow.changes.update_partner(new)
            uow.commit()
        return uow.masterdata.partner(code)


def update_series(
    uow: UnitOfWork, code: str, changes: Mapping[str, Any], *, next_value: int | None = None
) -> NumberSeries:
    """Change a series' pattern, start or increment (checked as on create). Its counter never
    goes back: a `start` or `next_value` ahead of it moves it forward, one behind it is refused."""
    with uow.write():
        old = uow.changes.lock_series(code)
        new = changed(old, dict(changes))
        numbering.check_series(new.pattern, start=new.start, increment=new.increment)
        at_least = series_counter(old, new, next_value)
        if next_value is not None and next_value > limits.MAX_SEQUENCE:
            raise ValidationFailed(f"next_value must be at most {limits.MAX_SEQUENCE}, got {next_value}")
        updated = uow.changes.update_series(new, at_least=at_least)
        uow.commit()
        return updated


def _keyset(rows: list[T], code: Callable[[T], str], after: str | None, limit: int | None) -> list[T]:
    """Master data lists are small: order by code, start after `after`, stop at `limit`."""
    ordered = sorted((r for r in rows if after is None or code(r) > after), key=code)
    return ordered if limit is None else ordered[:limit]
