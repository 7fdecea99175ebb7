"""Changes to master data (PATCH and `… set`): locked reads, updates, what a location is used by.

Reads and inserts are `MasterData`'s (`uow.masterdata`); this repository (`uow.changes`) writes
over rows that exist and tells `MasterData` to forget what it had read of them.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, case, delete, exists, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.errors import NotFound
from itemtrace.domain.masterdata import Item, Location, NumberSeries, Partner
from itemtrace.domain.tracking import ItemPolicy, TrackingCode
from itemtrace.storage import mapping
from itemtrace.storage.dialect import for_update
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import (
    DocumentLineRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
    NumberSeriesRow,
    PartnerRow,
    TrackingCodeRow,
)

_CHILD = aliased(LocationRow, name="child")


class MasterDataChanges:
    """`uow.changes`: updates of tracking codes, items, locations, partners and number series."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def lock_tracking_code(self, code: str) -> TrackingCode:
        row = self.session.scalar(
            for_update(select(TrackingCodeRow).where(TrackingCodeRow.code == code), self.session)
        )
        if row is None:
            raise NotFound("tracking code", code)
        return mapping.tracking_code_from_row(row)

    def update_tracking_code(self, code: TrackingCode) -> None:
        values = mapping.tracking_code_to_row(code)
        self.session.execute(
            update(TrackingCodeRow).where(TrackingCodeRow.code == code.code).values(**values)
        )
        self.md.forget()

    def items_with_entries(self, tracking_code: str, *, limit: int = 3) -> list[str]:
        """A few items using `tracking_code` that have ledger entries (none: the code is free)."""
        used = exists().where(LedgerEntryRow.item_id == ItemRow.id)
        query = (
            select(ItemRow.sku)
            .join(TrackingCodeRow, TrackingCodeRow.id == ItemRow.tracking_code_id)
            .where(TrackingCodeRow.code == tracking_code, used)
            .order_by(ItemRow.sku)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def lock_item(self, sku: str) -> ItemPolicy:
        """The item as stored, its row locked until the transaction ends."""
        item_id = self.session.scalar(for_update(select(ItemRow.id).where(ItemRow.sku == sku), self.session))
        if item_id is None:
            raise NotFound("item", sku)
        self.md.forget()
        return self.md.item(sku)

    def has_entries(self, sku: str) -> bool:
        item_id = self.md.item_id(sku)
        return bool(self.session.scalar(select(exists().where(LedgerEntryRow.item_id == item_id))))

    def update_item(self, item: Item) -> None:
        values = {
            "name": item.name,
            "unit": item.unit,
            "gtin": item.gtin,
            "tracking_code_id": self.md.id_of(TrackingCodeRow, "tracking code", item.tracking_code),
            "serial_series_id": self.md.id_of(NumberSeriesRow, "number series", item.serial_series),
            "lot_series_id": self.md.id_of(NumberSeriesRow, "number series", item.lot_series),
            "package_series_id": self.md.id_of(NumberSeriesRow, "number series", item.package_series),
            "shelf_life": item.shelf_life,
        }
        self.session.execute(update(ItemRow).where(ItemRow.sku == item.sku).values(**values))
        self.md.forget()

    def update_location(self, location: Location) -> None:
        self.session.execute(
            update(LocationRow)
            .where(LocationRow.code == location.code)
            .values(name=location.name, closed=location.closed)
        )
        self.md.forget()

    def location_uses(self, code: str) -> list[str]:
        """What a location is used by: `ledger entries`, `documents`, `child locations` (none:
        it was never used and may be deleted)."""
        location_id = self.md.location_id(code)
        checks = (
            (
                "ledger entries",
                exists().where(
                    or_(
                        LedgerEntryRow.from_location_id == location_id,
                        LedgerEntryRow.to_location_id == location_id,
                    )
                ),
            ),
            (
                "documents",
                exists().where(
                    or_(
                        DocumentLineRow.from_location_id == location_id,
                        DocumentLineRow.to_location_id == location_id,
                    )
                ),
            ),
            ("child locations", exists().where(_CHILD.parent_id == location_id)),
        )
        row = self.session.execute(
            select(*(check.label(f"c{i}") for i, (_, check) in enumerate(checks)))
        ).one()
        return [name for (name, _), used in zip(checks, row, strict=True) if used]

    def delete_location(self, code: str) -> None:
        self.session.execute(delete(LocationRow).where(LocationRow.code == code))
        self.md.forget_location(code)

    def update_partner(self, partner: Partner) -> None:
        self.session.execute(
            update(PartnerRow).where(PartnerRow.code == partner.code).values(name=partner.name)
        )
        self.md.forget()

    def update_series(self, series: NumberSeries, *, at_least: int) -> NumberSeries:
        """Change a series' pattern, start and increment; its counter moves to `at_least` if it is
        behind it, never back (in the same statement as a concurrent allocation would be)."""
        table = cast(Table, NumberSeriesRow.__table__)
        result = self.session.execute(
            update(table)
            .where(table.c.code == series.code)
            .values(
                pattern=series.pattern,
                start=series.start,
                increment=series.increment,
                next_value=case(
                    (table.c.next_value < literal(at_least), literal(at_least)), else_=table.c.next_value
                ),
            )
            .returning(table.c.next_value)
        ).one_or_none()
        if result is None:
            raise NotFound("number series", series.code)
        return NumberSeries(series.code, series.pattern, series.start, series.increment, result[0])

    def lock_series(self, code: str) -> NumberSeries:
        row = self.session.scalar(
            for_update(select(NumberSeriesRow).where(NumberSeriesRow.code == code), self.session)
        )
        if row is None:
            raise NotFound("number series", code)
        return mapping.series_from_row(row)
