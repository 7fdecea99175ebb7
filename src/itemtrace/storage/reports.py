"""Reports over current stock: warranties ending soon (by customer)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.warranty import WarrantyLine, warranty_on
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import BalanceRow, ItemRow, LedgerEntryRow, LocationRow, PartnerRow


class Reports:
    """`uow.reports`."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def warranty(
        self,
        *,
        today: date,
        until: date,
        item: str | None = None,
        customer: str | None = None,
        limit: int = 1000,
    ) -> list[WarrantyLine]:
        """Serials at a customer whose warranty (their card's: the last date their movements
        carry) ends between `today` and `until`, both included; by customer, then end date."""
        b, e = BalanceRow, LedgerEntryRow
        delivery, dated = aliased(e, name="delivery"), aliased(e, name="dated")
        last_in = (
            select(func.max(e.id))
            .where(e.item_id == b.item_id, e.serial == b.serial, e.to_location_id == b.location_id)
            .scalar_subquery()
        )
        last_dated = (
            select(func.max(e.id))
            .where(e.item_id == b.item_id, e.serial == b.serial, e.warranty_date.is_not(None))
            .scalar_subquery()
        )
        query = (
            select(PartnerRow.code, ItemRow.sku, b.serial, dated.warranty_date)
            .join(LocationRow, LocationRow.id == b.location_id)
            .join(ItemRow, ItemRow.id == b.item_id)
            .join(delivery, delivery.id == last_in)
            .join(dated, dated.id == last_dated)
            .outerjoin(PartnerRow, PartnerRow.id == delivery.partner_id)
            .where(
                LocationRow.kind == LocationKind.CUSTOMER.value,
                b.serial != "",
                b.quantity > 0,
                dated.warranty_date >= today,
                dated.warranty_date <= until,
            )
            .order_by(PartnerRow.code, dated.warranty_date, ItemRow.sku, b.serial)
            .limit(limit)
        )
        if item is not None:
            query = query.where(b.item_id == self.md.item_id(item))
        if customer is not None:
            query = query.where(delivery.partner_id == self.md.partner_id(customer))
        return [
            WarrantyLine(customer=code, item=sku, serial=serial, warranty=warranty_on(end, today))
            for code, sku, serial, end in self.session.execute(query)
        ]
