"""Serial and lot numbers an item already has, for number series that must not repeat them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from itemtrace.domain.tracking import Dimension
from itemtrace.storage.dialect import chunks
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import LedgerEntryRow


class Numbers:
    """Existing serial and lot numbers of an item, for number series that must not repeat them."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def existing(self, item: str, dimension: Dimension, numbers: Sequence[str]) -> set[str]:
        """Which of `numbers` the item already has in its ledger (so a series skips them); a
        package number is taken once for all items (a package holds any of them)."""
        column = {
            Dimension.SERIAL: LedgerEntryRow.serial,
            Dimension.LOT: LedgerEntryRow.lot,
            Dimension.PACKAGE: LedgerEntryRow.package,
        }[dimension]
        found: set[str] = set()
        for batch in chunks(numbers):
            query = select(column).where(column.in_(batch)).distinct()
            if dimension is not Dimension.PACKAGE:
                query = query.where(LedgerEntryRow.item_id == self.md.item_id(item))
            found.update(self.session.scalars(query))
        return found
