"""Corrections: the links of reversals and partial postings, the stock a reversal must find where
the original put it, and a draft's lines rewritten to what is left (`uow.corrections`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.documents import DocumentType, Line, Status, StoredDocument
from itemtrace.domain.errors import Conflict, ErrorCode
from itemtrace.domain.ledger import StoredLedgerEntry
from itemtrace.domain.links import DocumentLinks
from itemtrace.domain.tracking import TrackingKey
from itemtrace.domain.transit import transit_state
from itemtrace.storage import dialect, mapping
from itemtrace.storage.dialect import chunks
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import (
    SOURCE,
    TARGET,
    BalanceRow,
    DocumentLineRow,
    DocumentRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
)

Place = tuple[str, TrackingKey]  # (location code, key)


class Corrections:
    """`uow.corrections`: reversal and partial-posting links, and what they read and lock."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    # links ----------------------------------------------------------------------------------------
    def link_reversal(self, reversal_id: int, original_id: int, original_number: str) -> None:
        """Mark `reversal_id` as the reversal of `original_id`. The unique index refuses a second
        reversal of one document, also when two race (the second waits, then fails here)."""
        try:
            with self.session.begin_nested():
                self.session.execute(
                    update(DocumentRow).where(DocumentRow.id == reversal_id).values(reverses_id=original_id)
                )
        except IntegrityError:
            raise Conflict(
                f"document {original_number} was reversed by another request at the same moment: "
                "a document is reversed once",
                code=ErrorCode.NOT_REVERSIBLE,
            ) from None

    def link_part(self, part_id: int, draft_id: int) -> None:
        self.session.execute(
            update(DocumentRow).where(DocumentRow.id == part_id).values(from_draft_id=draft_id)
        )

    def with_links(self, documents: Sequence[StoredDocument]) -> list[StoredDocument]:
        """The documents with their links, and for in-transit transfers what is received and what
        is still in transit: three queries for any number of documents."""
        ids = [d.id for d in documents]
        if not ids:
            return list(documents)
        found: dict[int, dict[str, Any]] = defaultdict(dict)
        reversed_doc = aliased(DocumentRow, name="reversed_doc")
        draft_doc = aliased(DocumentRow, name="draft_doc")
        other = aliased(DocumentRow, name="other_doc")
        for batch in chunks(ids):
            for doc_id, reverses, from_draft in self.session.execute(
                select(DocumentRow.id, reversed_doc.number, draft_doc.number)
                .outerjoin(reversed_doc, reversed_doc.id == DocumentRow.reverses_id)
                .outerjoin(draft_doc, draft_doc.id == DocumentRow.from_draft_id)
                .where(DocumentRow.id.in_(batch), or_(reversed_doc.id.isnot(None), draft_doc.id.isnot(None)))
            ):
                found[doc_id].update(reverses=reverses, from_draft=from_draft)
            for number, reverses_id, from_draft_id in self.session.execute(
                select(other.number, other.reverses_id, other.from_draft_id)
                .where(or_(other.reverses_id.in_(batch), other.from_draft_id.in_(batch)))
                .order_by(other.id)
            ):
                if reverses_id is not None:
                    found[reverses_id]["reversed_by"] = number
                if from_draft_id is not None:
                    found[from_draft_id].setdefault("posted_parts", []).append(number)
        transfers = [
            d.id
            for d in documents
            if d.type is DocumentType.TRANSFER and d.in_transit and d.status is Status.POSTED
        ]
        for doc_id, entries in self.entries_of(transfers).items():
            received, still = transit_state(entries)
            if found[doc_id].get("reversed_by"):
                still = []  # the reversal brought back what was on the road
            found[doc_id].update(received=tuple(received), in_transit=tuple(still))
        result = []
        for d in documents:
            fields = found.get(d.id)
            if fields:
                if "posted_parts" in fields:
                    fields["posted_parts"] = tuple(fields["posted_parts"])
                d = replace(d, links=DocumentLinks(**fields))
            result.append(d)
        return result

    def entries_of(self, document_ids: Iterable[int]) -> dict[int, list[StoredLedgerEntry]]:
        """The ledger entries of the documents, in the order written: one query per 1,000."""
        found: dict[int, list[StoredLedgerEntry]] = defaultdict(list)
        for batch in chunks(sorted(set(document_ids))):
            rows = self.session.execute(
                select(LedgerEntryRow, ItemRow.sku, SOURCE.code, TARGET.code)
                .join(ItemRow, ItemRow.id == LedgerEntryRow.item_id)
                .join(SOURCE, SOURCE.id == LedgerEntryRow.from_location_id)
                .join(TARGET, TARGET.id == LedgerEntryRow.to_location_id)
                .where(LedgerEntryRow.document_id.in_(batch))
                .order_by(LedgerEntryRow.id)
            )
            for row in rows:
                entry = mapping.ledger_entry_from_row(*row)
                found[entry.document_id].append(entry)
        return found

    # what a reversal reads ------------------------------------------------------------------------
    def balances(self, places: Iterable[Place], *, lock: bool) -> dict[Place, Decimal]:
        """The balance at each place (0 when there is none), locked on PostgreSQL when asked: the
        stock a reversal takes back must not move under it."""
        wanted = sorted(set(places), key=lambda p: (p[1].item, p[0], p[1]))
        rows = [
            (
                self.md.item_id(key.item),
                self.md.location_id(location),
                mapping.blank(key.serial),
                mapping.blank(key.lot),
                mapping.blank(key.package),
            )
            for location, key in wanted
        ]
        found: dict[Place, Decimal] = {}
        b = BalanceRow
        for batch in chunks(rows, 500):
            query = (
                select(LocationRow.code, ItemRow.sku, b.serial, b.lot, b.package, b.quantity)
                .join(LocationRow, LocationRow.id == b.location_id)
                .join(ItemRow, ItemRow.id == b.item_id)
                .where(tuple_(b.item_id, b.location_id, b.serial, b.lot, b.package).in_(batch))
                .order_by(b.item_id, b.location_id, b.id)
            )
            if lock:
                query = dialect.for_update(query, self.session, of=BalanceRow)
            for code, sku, serial, lot, package, quantity in self.session.execute(query):
                found[(code, mapping.tracking_key(sku, serial, lot, package))] = quantity
        return found

    def serials_at(self, keys: Iterable[TrackingKey]) -> dict[TrackingKey, set[str]]:
        """Every place each serial has stock now (our places, transit, customers): one query per 500."""
        wanted = sorted({(self.md.item_id(k.item), k.serial or "") for k in keys if k.serial})
        found: dict[TrackingKey, set[str]] = defaultdict(set)
        b = BalanceRow
        for batch in chunks(wanted, 500):
            query = (
                select(LocationRow.code, ItemRow.sku, b.serial, b.lot, b.package)
                .join(LocationRow, LocationRow.id == b.location_id)
                .join(ItemRow, ItemRow.id == b.item_id)
                .where(tuple_(b.item_id, b.serial).in_(batch), b.quantity > 0)
            )
            for code, sku, serial, lot, package in self.session.execute(query):
                found[mapping.tracking_key(sku, serial, lot, package)].add(code)
        return dict(found)

    # partial posting -------------------------------------------------------------------------------
    def replace_lines(self, document_id: int, lines: Sequence[Line]) -> None:
        """A draft keeps what is left after a part was posted: its lines are rewritten (line
        numbers kept, so a line is named the same before and after)."""
        table = cast(Table, DocumentLineRow.__table__)
        self.session.execute(table.delete().where(table.c.document_id == document_id))
        self.session.execute(
            table.insert(),
            [
                {
                    "document_id": document_id,
                    "line_no": line.line_no,
                    "item_id": self.md.item_id(line.item),
                    "quantity": line.quantity,
                    "from_location_id": self.md.location_id(line.from_location)
                    if line.from_location
                    else None,
                    "to_location_id": self.md.location_id(line.to_location) if line.to_location else None,
                    "role": line.role.value if line.role else None,
                    "tracking": [mapping.tracking_to_json(t) for t in line.tracking],
                    "assign": mapping.assign_to_json(line.assign),
                }
                for line in lines
            ],
        )
