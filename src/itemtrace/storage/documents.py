"""Documents: drafts and their status, reservations of open drafts, idempotency keys."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import Select, Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from itemtrace.domain.documents import Document, Line, Status, StoredDocument, TransitStatus, document_number
from itemtrace.domain.errors import NotFound
from itemtrace.domain.stock import Reservation
from itemtrace.storage import dialect, mapping
from itemtrace.storage.dialect import chunks
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import (
    SOURCE,
    TARGET,
    DocumentLineRow,
    DocumentRow,
    IdempotencyKeyRow,
    ItemRow,
    PartnerRow,
    ReservationRow,
)


class IdempotencyKeyTaken(Exception):
    """A concurrent request with the same Idempotency-Key committed first."""


class IdempotencyRecord(NamedTuple):
    """What a user's Idempotency-Key stands for: the request's fingerprint and its document."""

    fingerprint: str
    document_id: int | None


class Documents:
    """Drafts and their status; lines keep their tracking lines as one JSON array per line."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def add(self, document: Document, *, user: str | None, now: datetime) -> StoredDocument:
        """Store a document as it is (a draft, or posted at once) and return it with its id and
        number. The id, and so the number, is drawn before the insert: a placeholder number
        renamed after the flush made every new document wait on the unique index for any other
        open document transaction holding the same placeholder."""
        new_id = dialect.next_document_id(self.session.connection())
        stored = mapping.stored_document(
            document,
            id=new_id,
            number=document_number(document.type, new_id),
            created_by=user,
            created_at=now,
        )
        self.session.execute(
            cast(Table, DocumentRow.__table__).insert(),
            {
                "id": new_id,
                "number": stored.number,
                "type": document.type.value,
                "status": document.status.value,
                "partner_id": self.md.partner_id(document.partner),
                "reference": document.reference,
                "posting_date": document.posting_date,
                "in_transit": document.in_transit,
                "transit_status": document.transit_status.value if document.transit_status else None,
                "created_by": user,
                "created_at": now,
                "posted_by": document.posted_by,
                "posted_at": document.posted_at,
                "count_scope": document.count_scope.value if document.count_scope else None,
            },
        )
        self.add_lines(new_id, document.lines)
        return stored

    def add_lines(self, document_id: int, lines: Sequence[Line]) -> None:
        """Add lines to a stored document (an import writes its document a slice at a time)."""
        if not lines:
            return
        self.session.execute(
            cast(Table, DocumentLineRow.__table__).insert(),
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
                    "count_package": line.count_package,
                }
                for line in lines
            ],
        )

    def get(self, document_id: int, *, lock: bool = False) -> StoredDocument:
        query = self._headers().where(DocumentRow.id == document_id)
        if lock:
            query = dialect.for_update(query, self.session, of=DocumentRow)
        found = self.session.execute(query).one_or_none()
        if found is None:
            raise NotFound("document", document_id)
        row, partner = found
        return mapping.document_from_rows(row, partner, self._lines([document_id])[document_id])

    def _headers(self) -> Select[DocumentRow, str]:
        return select(DocumentRow, PartnerRow.code).outerjoin(
            PartnerRow, PartnerRow.id == DocumentRow.partner_id
        )

    def _lines(self, document_ids: Sequence[int]) -> dict[int, list[mapping.LineRow]]:
        """The lines of the documents, in line order, with their item and location codes."""
        found: dict[int, list[mapping.LineRow]] = defaultdict(list)
        for batch in chunks(document_ids):
            query = (
                select(DocumentLineRow, ItemRow.sku, SOURCE.code, TARGET.code)
                .join(ItemRow, ItemRow.id == DocumentLineRow.item_id)
                .outerjoin(SOURCE, SOURCE.id == DocumentLineRow.from_location_id)
                .outerjoin(TARGET, TARGET.id == DocumentLineRow.to_location_id)
                .where(DocumentLineRow.document_id.in_(batch))
                .order_by(DocumentLineRow.document_id, DocumentLineRow.line_no)
            )
            for line, sku, source, target in self.session.execute(query):
                found[line.document_id].append(mapping.LineRow(line, sku, source, target))
        return found

    def id_by_number(self, number: str) -> int:
        found: int | None = self.session.scalar(select(DocumentRow.id).where(DocumentRow.number == number))
        if found is None:
            raise NotFound("document", number)
        return found

    def set_status(self, document_id: int, status: Status) -> None:
        self.session.execute(
            update(DocumentRow).where(DocumentRow.id == document_id).values(status=status.value)
        )

    def mark_posted(self, document: StoredDocument) -> None:
        """A stored draft becomes the posted `document` (status, who, when, its posting date)."""
        self.session.execute(
            update(DocumentRow)
            .where(DocumentRow.id == document.id)
            .values(
                status=document.status.value,
                posted_by=document.posted_by,
                posted_at=document.posted_at,
                posting_date=document.posting_date,
                transit_status=document.transit_status.value if document.transit_status else None,
            )
        )

    def set_transit_status(self, document_id: int, transit_status: TransitStatus) -> None:
        self.session.execute(
            update(DocumentRow)
            .where(DocumentRow.id == document_id)
            .values(transit_status=transit_status.value)
        )

    def list(
        self, *, after: int | None, limit: int, type: str | None, status: str | None, with_lines: bool = True
    ) -> list[StoredDocument]:
        """A page of documents, newest first: two queries (headers, then all their lines), or the
        headers alone (`with_lines=False`: their `lines` empty)."""
        query = self._headers().order_by(DocumentRow.id.desc()).limit(limit)
        if after is not None:
            query = query.where(DocumentRow.id < after)
        if type:
            query = query.where(DocumentRow.type == type)
        if status:
            query = query.where(DocumentRow.status == status)
        headers = self.session.execute(query).all()
        lines = self._lines([row.id for row, _ in headers]) if with_lines else {}
        return [mapping.document_from_rows(row, partner, lines.get(row.id, [])) for row, partner in headers]

    # reservations: working state of open documents, not the ledger
    def reserve(self, document_id: int, reservations: Sequence[Reservation]) -> None:
        """Write what a draft reserves (rule `reserved`); `release` deletes it again."""
        rows = [
            {
                "document_id": document_id,
                "line_no": r.line_no,
                "item_id": self.md.item_id(r.key.item),
                "location_id": self.md.location_id(r.location),
                "serial": mapping.blank(r.key.serial),
                "lot": mapping.blank(r.key.lot),
                "package": mapping.blank(r.key.package),
                "quantity": r.quantity,
            }
            for r in reservations
        ]
        for batch in chunks(rows, 5000):
            self.session.execute(cast(Table, ReservationRow.__table__).insert(), batch)

    def release(self, document_id: int) -> None:
        """Posting or cancelling a document ends its reservations, in the same transaction."""
        table = cast(Table, ReservationRow.__table__)
        self.session.execute(table.delete().where(table.c.document_id == document_id))

    # idempotency: a key is the user's own, so every query names (user, key)
    def idempotent(self, user: str, key: str) -> IdempotencyRecord | None:
        row = self.session.get(IdempotencyKeyRow, (user, key))
        return IdempotencyRecord(row.fingerprint, row.document_id) if row else None

    def claim(self, user: str, key: str, fingerprint: str, now: datetime) -> None:
        """Take the key before doing the work: a concurrent twin waits here, then replays."""
        try:
            with self.session.begin_nested():
                self.session.add(
                    IdempotencyKeyRow(
                        user_name=user, key=key, fingerprint=fingerprint, document_id=None, created_at=now
                    )
                )
        except IntegrityError:
            raise IdempotencyKeyTaken(key) from None

    def remember(self, user: str, key: str, document_id: int) -> None:
        row = IdempotencyKeyRow
        self.session.execute(
            update(row).where(row.user_name == user, row.key == key).values(document_id=document_id)
        )
