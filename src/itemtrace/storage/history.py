"""A card's history: every ledger entry of a serial, lot or package with both ends' kinds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from itemtrace.domain.card_rules import Move
from itemtrace.domain.cards import HistoryEntry
from itemtrace.storage.mapping import unblank
from itemtrace.storage.tables import DocumentRow, ItemRow, LedgerEntryRow, LocationRow, PartnerRow

Source = aliased(LocationRow, name="source")
Target = aliased(LocationRow, name="target")
Reversed = aliased(DocumentRow, name="reversed_doc")  # the document an entry's document reverses
Reverser = aliased(DocumentRow, name="reverser_doc")  # the document that reversed it

EXTRA = 21  # where `history_query`'s extra columns start


def history_query(*extra: Any) -> Any:
    """Ledger entries with their item, document, both locations and partner, in posting order;
    `extra` columns are appended after the reversal links (index `EXTRA` on)."""
    e = LedgerEntryRow
    return (
        select(
            e.id,
            e.document_id,
            e.serial,
            e.lot,
            e.package,
            e.quantity,
            e.posting_date,
            e.posted_at,
            e.user_name,
            e.expiration_date,
            e.warranty_date,
            ItemRow.sku,
            DocumentRow.number,
            DocumentRow.type,
            Source.code,
            Source.kind,
            Target.code,
            Target.kind,
            PartnerRow.code,
            Reversed.number,
            Reverser.number,
            *extra,
        )
        .join(ItemRow, ItemRow.id == e.item_id)
        .join(DocumentRow, DocumentRow.id == e.document_id)
        .join(Source, Source.id == e.from_location_id)
        .join(Target, Target.id == e.to_location_id)
        .outerjoin(PartnerRow, PartnerRow.id == e.partner_id)
        .outerjoin(Reversed, Reversed.id == DocumentRow.reverses_id)
        .outerjoin(Reverser, Reverser.reverses_id == DocumentRow.id)
        .order_by(e.id)
    )


def moves(rows: Sequence[Any]) -> list[Move]:
    return [
        Move(
            HistoryEntry(
                posted_at=r[7],
                posting_date=r[6],
                document=r[12],
                document_id=r[1],
                type=r[13],
                from_location=r[14],
                to_location=r[16],
                partner=r[18],
                user=r[8],
                quantity=r[5],
                serial=unblank(r[2]),
                lot=unblank(r[3]),
                package=unblank(r[4]),
                item=r[11],
                reverses=r[19],
                reversed_by=r[20],
            ),
            expiration_date=r[9],
            warranty_date=r[10],
            from_kind=r[15],
            to_kind=r[17],
        )
        for r in rows
    ]


__all__: Sequence[str] = ["EXTRA", "Source", "Target", "history_query", "moves"]
