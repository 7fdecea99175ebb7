"""What a scan is looked up by: items by GTIN, and serial, lot and package numbers of any item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, literal, select, text, union
from sqlalchemy.orm import Session

from itemtrace.domain.barcodes import NumberMatch
from itemtrace.domain.tracking import Dimension
from itemtrace.storage import dialect
from itemtrace.storage.dialect import chunks
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import ItemRow, LedgerEntryRow


class Scanning:
    """`uow.scans`: the reads behind `POST /scan`, `itemtrace scan` and GTIN uniqueness."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

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
            # Every item, each sought through the (item, serial, …) index: no scan of the ledger.
            .where(entry.item_id.in_(select(ItemRow.id)), entry.serial == number)
        )
        lots = (
            select(literal("lot").label("kind"), ItemRow.sku.label("item"), entry.lot.label("number"))
            .join(ItemRow, ItemRow.id == entry.item_id)
            # `lot <> ''` as written: SQLite then uses the partial (item, lot) index.
            .where(entry.item_id.in_(select(ItemRow.id)), entry.lot == number, text("ledger_entry.lot <> ''"))
        )
        packages = select(
            literal("package").label("kind"), literal("").label("item"), entry.package.label("number")
        ).where(entry.package == number, text("ledger_entry.package <> ''"))
        found = union(serials, lots, packages).subquery()
        rows = self.session.execute(
            select(found.c.kind, found.c.item, found.c.number)
            .order_by(found.c.kind, found.c.item)
            .limit(limit)
        )
        return [NumberMatch(Dimension(kind), item, value) for kind, item, value in rows]

    def lock_gtin(self, gtin14: str) -> None:
        """Until the transaction ends, no other one checks or gives out this GTIN (in any form)."""
        dialect.lock_key(self.session, f"gtin:{gtin14}")

    def label_facts(
        self, kind: Dimension, item: str | None, numbers: Sequence[str]
    ) -> dict[str, tuple[str | None, date | None]]:
        """For each of `numbers` ever posted: its item (a package's, when it holds one item only;
        None when it holds several) and its expiration date, one query per thousand numbers."""
        entry = LedgerEntryRow
        column = {Dimension.SERIAL: entry.serial, Dimension.LOT: entry.lot, Dimension.PACKAGE: entry.package}[
            kind
        ]
        found: dict[str, tuple[str | None, date | None]] = {}
        for batch in chunks(list(numbers)):
            query = (
                select(column, ItemRow.sku, func.max(entry.expiration_date))
                .join(ItemRow, ItemRow.id == entry.item_id)
                .where(column.in_(batch))
                .group_by(column, ItemRow.sku)
            )
            if kind is Dimension.PACKAGE:
                query = query.where(text("ledger_entry.package <> ''"))  # its partial index
            else:
                query = query.where(entry.item_id == self.md.item_id(item or ""))
            if kind is Dimension.LOT:
                query = query.where(text("ledger_entry.lot <> ''"))
            for number, sku, expiry in self.session.execute(query):
                if number in found and found[number][0] != sku:
                    found[number] = (None, found[number][1] or expiry)
                else:
                    found[number] = (sku, expiry)
        return found
