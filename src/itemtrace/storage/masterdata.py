"""Master data: tracking codes, number series, items, locations and partners, with id caches."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.errors import Conflict, ErrorCode, NotFound
from itemtrace.domain.masterdata import Item, Location, LocationKind, NumberSeries, Partner
from itemtrace.domain.tracking import UNTRACKED, ItemPolicy, TrackingCode
from itemtrace.storage import mapping
from itemtrace.storage.dialect import chunks
from itemtrace.storage.tables import (
    ItemRow,
    LocationRow,
    NumberSeriesRow,
    PartnerRow,
    TrackingCodeRow,
)

# Built once: an aliased entity made per call costs more to adapt than the query takes to run.
_TC = aliased(TrackingCodeRow, name="tc")
_SERIAL_SERIES = aliased(NumberSeriesRow, name="serial_series")
_LOT_SERIES = aliased(NumberSeriesRow, name="lot_series")
_PACKAGE_SERIES = aliased(NumberSeriesRow, name="package_series")
_PARENT = aliased(LocationRow, name="parent")
_CHILD = aliased(LocationRow, name="child")


class Allocation(NamedTuple):
    """Counter values reserved from a number series, and the series as it is after them."""

    series: NumberSeries
    values: list[int]


def _policy(
    row: ItemRow,
    tc: TrackingCodeRow | None,
    serial_series: str | None,
    lot_series: str | None,
    package_series: str | None = None,
) -> ItemPolicy:
    code = mapping.tracking_code_from_row(tc) if tc is not None else UNTRACKED
    item = mapping.item_from_row(row, tc.code if tc else None, serial_series, lot_series, package_series)
    return ItemPolicy(item, code)


def already_exists(what: str, code: str, *, called: str = "code") -> Conflict:
    return Conflict(f"{what} {code} already exists: pick another {called}", code=ErrorCode.ALREADY_EXISTS)


class MasterData:
    """Tracking codes, items, locations, partners and number series, with id caches."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._item_ids: dict[str, int] = {}
        self._location_ids: dict[str, int] = {}
        self._partner_ids: dict[str, int] = {}
        # Read once per unit of work: a posting asks for the same items and places several times.
        self._policies: dict[str, ItemPolicy] = {}
        self._locations: dict[str, Location] = {}
        self._virtual: dict[str, Location] | None = None
        self._partners: dict[str, Partner] = {}

    def _insert(self, what: str, code: str, row: Any) -> None:
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            raise already_exists(what, code) from None

    # tracking codes
    def add_tracking_code(self, code: TrackingCode) -> None:
        self._insert("tracking code", code.code, TrackingCodeRow(**mapping.tracking_code_to_row(code)))

    def tracking_code(self, code: str) -> TrackingCode:
        row = self.session.scalar(select(TrackingCodeRow).where(TrackingCodeRow.code == code))
        if row is None:
            raise NotFound("tracking code", code)
        return mapping.tracking_code_from_row(row)

    def tracking_codes(self) -> list[TrackingCode]:
        rows = self.session.scalars(select(TrackingCodeRow).order_by(TrackingCodeRow.code))
        return [mapping.tracking_code_from_row(r) for r in rows]

    # number series
    def add_series(self, series: NumberSeries) -> None:
        row = NumberSeriesRow(
            code=series.code,
            pattern=series.pattern,
            start=series.start,
            increment=series.increment,
            next_value=series.start,
        )
        self._insert("number series", series.code, row)

    def series(self, code: str) -> NumberSeries:
        row = self.session.scalar(select(NumberSeriesRow).where(NumberSeriesRow.code == code))
        if row is None:
            raise NotFound("number series", code)
        return mapping.series_from_row(row)

    def allocate(self, code: str, count: int) -> Allocation:
        """Reserve `count` counter values atomically (UPDATE … RETURNING): never handed out twice."""
        table = cast(Table, NumberSeriesRow.__table__)
        result = self.session.execute(
            update(table)
            .where(table.c.code == code)
            .values(next_value=table.c.next_value + table.c.increment * count)
            .returning(table.c.next_value, table.c.increment, table.c.pattern, table.c.start)
        ).one_or_none()
        if result is None:
            raise NotFound("number series", code)
        after, increment, pattern, start = result
        first = after - increment * count
        values = [first + i * increment for i in range(count)]
        return Allocation(NumberSeries(code, pattern, start, increment, after), values)

    def series_list(self) -> list[NumberSeries]:
        rows = self.session.scalars(select(NumberSeriesRow).order_by(NumberSeriesRow.code))
        return [mapping.series_from_row(r) for r in rows]

    # items
    def add_item(self, item: Item) -> None:
        tc_id = self.id_of(TrackingCodeRow, "tracking code", item.tracking_code)
        row = ItemRow(
            sku=item.sku,
            name=item.name,
            unit=item.unit,
            gtin=item.gtin,
            tracking_code_id=tc_id,
            serial_series_id=self.id_of(NumberSeriesRow, "number series", item.serial_series),
            lot_series_id=self.id_of(NumberSeriesRow, "number series", item.lot_series),
            package_series_id=self.id_of(NumberSeriesRow, "number series", item.package_series),
            shelf_life=item.shelf_life,
        )
        self._insert("item", item.sku, row)

    def id_of(self, table: Any, what: str, code: str | None) -> int | None:
        if code is None:
            return None
        found: int | None = self.session.scalar(select(table.id).where(table.code == code))
        if found is None:
            raise NotFound(what, code)
        return found

    def _item_select(self) -> Any:
        return (
            select(ItemRow, _TC, _SERIAL_SERIES.code, _LOT_SERIES.code, _PACKAGE_SERIES.code)
            .outerjoin(_TC, _TC.id == ItemRow.tracking_code_id)
            .outerjoin(_SERIAL_SERIES, _SERIAL_SERIES.id == ItemRow.serial_series_id)
            .outerjoin(_LOT_SERIES, _LOT_SERIES.id == ItemRow.lot_series_id)
            .outerjoin(_PACKAGE_SERIES, _PACKAGE_SERIES.id == ItemRow.package_series_id)
        )

    def policies(self, skus: Iterable[str]) -> dict[str, ItemPolicy]:
        """The items and their tracking policies, each read once per unit of work."""
        wanted = set(skus)
        missing = wanted - self._policies.keys()
        for batch in chunks(sorted(missing)):
            for row, tc, serial_series, lot_series, package_series in self.session.execute(
                self._item_select().where(ItemRow.sku.in_(batch))
            ):
                self._item_ids[row.sku] = row.id
                self._policies[row.sku] = _policy(row, tc, serial_series, lot_series, package_series)
        return {sku: self._policies[sku] for sku in wanted if sku in self._policies}

    def item(self, sku: str) -> ItemPolicy:
        found = self.policies([sku])
        if sku not in found:
            raise NotFound("item", sku)
        return found[sku]

    def items(self, *, after: str | None, limit: int) -> list[ItemPolicy]:
        query = self._item_select().order_by(ItemRow.sku).limit(limit)
        if after:
            query = query.where(ItemRow.sku > after)
        return [_policy(*found) for found in self.session.execute(query)]

    def item_id(self, sku: str) -> int:
        if sku not in self._item_ids:
            found = self.session.scalar(select(ItemRow.id).where(ItemRow.sku == sku))
            if found is None:
                raise NotFound("item", sku)
            self._item_ids[sku] = found
        return self._item_ids[sku]

    def item_by_gtin(self, gtin: str) -> str | None:
        sku: str | None = self.session.scalar(select(ItemRow.sku).where(ItemRow.gtin == gtin))
        return sku

    # locations
    def add_location(self, location: Location) -> None:
        parent_id = self.id_of(LocationRow, "location", location.parent)
        row = LocationRow(
            code=location.code, name=location.name, kind=location.kind.value, parent_id=parent_id
        )
        self._insert("location", location.code, row)

    def locations(self, codes: Iterable[str] | None = None) -> dict[str, Location]:
        """Every location, or the given ones and every virtual one (a posting needs those for
        its defaults); each read once per unit of work."""
        query = select(LocationRow, _PARENT.code).outerjoin(_PARENT, _PARENT.id == LocationRow.parent_id)
        if codes is None:
            return self._remember_locations(query.order_by(LocationRow.code))
        wanted = {c for c in codes if c}
        missing = wanted - self._locations.keys()
        if missing or self._virtual is None:
            condition: Any = LocationRow.code.in_(sorted(missing))
            if self._virtual is None:
                condition = or_(condition, LocationRow.kind != LocationKind.INTERNAL.value)
            found = self._remember_locations(query.where(condition))
            if self._virtual is None:
                self._virtual = {c: loc for c, loc in found.items() if loc.kind is not LocationKind.INTERNAL}
        result = {c: self._locations[c] for c in wanted if c in self._locations}
        return dict(sorted({**self._virtual, **result}.items()))

    def _remember_locations(self, query: Any) -> dict[str, Location]:
        result = {}
        for row, parent_code in self.session.execute(query):
            self._location_ids[row.code] = row.id
            result[row.code] = self._locations[row.code] = mapping.location_from_row(row, parent_code)
        return result

    def location(self, code: str) -> Location:
        found = self.locations([code])
        if code not in found:
            raise NotFound("location", code)
        return found[code]

    def location_id(self, code: str) -> int:
        if code not in self._location_ids:
            self.locations([code])
            if code not in self._location_ids:
                raise NotFound("location", code)
        return self._location_ids[code]

    # partners
    def add_partner(self, partner: Partner) -> None:
        self._insert(
            "partner", partner.code, PartnerRow(code=partner.code, name=partner.name, kind=partner.kind.value)
        )

    def partner(self, code: str) -> Partner:
        if code in self._partners:
            return self._partners[code]
        row = self.session.scalar(select(PartnerRow).where(PartnerRow.code == code))
        if row is None:
            raise NotFound("partner", code)
        self._partner_ids[code] = row.id
        self._partners[code] = mapping.partner_from_row(row)
        return self._partners[code]

    def partners(self) -> list[Partner]:
        return [
            mapping.partner_from_row(r)
            for r in self.session.scalars(select(PartnerRow).order_by(PartnerRow.code))
        ]

    def partner_id(self, code: str | None) -> int | None:
        if code is None:
            return None
        if code not in self._partner_ids:
            self.partner(code)
        return self._partner_ids[code]

    # changes (PATCH): each writes one row and forgets what this unit of work cached of it

    def forget(self) -> None:
        """Drop what this unit of work read of master data (after a change to it)."""
        self._policies.clear()
        self._locations.clear()
        self._virtual = None
        self._partners.clear()

    def forget_location(self, code: str) -> None:
        self._location_ids.pop(code, None)
        self.forget()
