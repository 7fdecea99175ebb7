"""The append-only genealogy links of assemblies: which inputs went into which outputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from itemtrace.domain.genealogy import Link
from itemtrace.storage import dialect, mapping
from itemtrace.storage.dialect import chunks
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import GenealogyLinkRow


class Genealogy:
    """The append-only genealogy links of assemblies, written in bulk with the ledger."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def append(self, document_id: int, links: Sequence[Link]) -> None:
        if not links:
            return
        rows = [
            {
                "document_id": document_id,
                "input_item_id": self.md.item_id(link.input.item),
                "input_serial": mapping.blank(link.input.serial),
                "input_lot": mapping.blank(link.input.lot),
                "input_package": mapping.blank(link.input.package),
                "output_item_id": self.md.item_id(link.output.item),
                "output_serial": mapping.blank(link.output.serial),
                "output_lot": mapping.blank(link.output.lot),
                "output_package": mapping.blank(link.output.package),
                "quantity": link.quantity,
            }
            for link in links
        ]
        for batch in chunks(rows, 5000):
            self.session.execute(cast(Table, GenealogyLinkRow.__table__).insert(), batch)
        sides = {(cast(int, r[f"{side}_item_id"]), side) for r in rows for side in ("input", "output")}
        dialect.note_genealogy_items(self.session.connection(), sorted(sides))
