"""What a scan is looked up by: items by GTIN, and serial, lot and package numbers of any item."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import literal, select, union
from sqlalchemy.orm import Session

from itemtrace.domain.barcodes import NumberMatch
from itemtrace.domain.tracking import Dimension
from itemtrace.storage.tables import ItemRow, LedgerEntryRow


class Scanning:
    """`uow.scans`: the reads behind `POST /scan`, `itemtrace scan` and GTIN uniqueness."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def items_with_gtin(self, forms: Sequence[str]) -> list[tuple[str, str]]:
        """(sku, gtin as stored) of the items whose GTIN is any of `forms` (one GTIN's 8, 12, 13
        and 14 digit forms), by sku."""
        rows = self.session.execute(
            select(ItemRow.sku, ItemRow.gtin).where(ItemRow.gtin.in_(list(forms))).order_by(ItemRow.sku)
        )
        return [(sku, gtin or "") for sku, gtin in rows]

    def numbers(self, number: str, *, limit: int) -> list[NumberMatch]:
        """Every serial, lot and package ever posted with exactly this number, of any item (a
        package has no item): one query, at most `limit` matches."""
        entry = LedgerEntryRow
        serials = (
            select(literal("serial").label("kind"), ItemRow.sku.label("item"), entry.serial.label("number"))
            .join(ItemRow, ItemRow.id == entry.item_id)
            .where(entry.serial == number)
        )
        lots = (
            select(literal("lot").label("kind"), ItemRow.sku.label("item"), entry.lot.label("number"))
            .join(ItemRow, ItemRow.id == entry.item_id)
            .where(entry.lot == number)
        )
        packages = select(
            literal("package").label("kind"), literal("").label("item"), entry.package.label("number")
        ).where(entry.package == number)
        found = union(serials, lots, packages).subquery()
        rows = self.session.execute(
            select(found.c.kind, found.c.item, found.c.number)
            .order_by(found.c.kind, found.c.item)
            .limit(limit)
        )
        return [NumberMatch(Dimension(kind), item, value) for kind, item, value in rows]
