"""The EPCIS export's read: ledger entries with their documents, items, places and partners, in
keyset pages ordered by document, line and entry (so one document's entries come together)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, literal, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.documents import DocumentType
from itemtrace.domain.epcis import TRANSFORMATIONS, Movement
from itemtrace.domain.masterdata import LocationKind
from itemtrace.storage.mapping import unblank
from itemtrace.storage.tables import DocumentRow, ItemRow, LedgerEntryRow, LocationRow, PartnerRow

Position = tuple[int, int, int]  # (document id, line, entry id)

# Looked up by value once per row: a dict is several times faster than calling the enum.
_KINDS = {kind.value: kind for kind in LocationKind}
_TYPES = {type.value: type for type in DocumentType}


class EpcisReads:
    def __init__(self, session: Session) -> None:
        self.session = session

    def movements(
        self,
        *,
        after: Position | None,
        limit: int,
        from_date: date | None = None,
        to_date: date | None = None,
        item_id: int | None = None,
    ) -> list[tuple[Position, Movement]]:
        """The next `limit` entries after `after`, posted from `from_date` to `to_date` (both
        included). With `item_id`: that item's entries, and every entry of an assembly or
        reclassification that has one (a transformation is shown whole)."""
        le = LedgerEntryRow
        source, target = aliased(LocationRow), aliased(LocationRow)
        query = (
            select(
                le.document_id,
                le.line_no,
                le.id,
                DocumentRow.number,
                DocumentRow.type,
                le.posted_at,
                ItemRow.sku,
                ItemRow.gtin,
                ItemRow.unit,
                le.serial,
                le.lot,
                le.package,
                le.quantity,
                source.code,
                source.kind,
                target.code,
                target.kind,
                PartnerRow.code,
            )
            .join(DocumentRow, DocumentRow.id == le.document_id)
            .join(ItemRow, ItemRow.id == le.item_id)
            .join(source, source.id == le.from_location_id)
            .join(target, target.id == le.to_location_id)
            .outerjoin(PartnerRow, PartnerRow.id == le.partner_id)
            .order_by(le.document_id, le.line_no, le.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(
                tuple_(le.document_id, le.line_no, le.id) > tuple_(*(literal(p) for p in after))
            )
        if from_date is not None:
            query = query.where(le.posting_date >= from_date)
        if to_date is not None:
            query = query.where(le.posting_date <= to_date)
        if item_id is not None:
            other = aliased(LedgerEntryRow)
            whole = and_(
                DocumentRow.type.in_([t.value for t in TRANSFORMATIONS]),
                exists().where(other.document_id == le.document_id, other.item_id == item_id),
            )
            query = query.where(or_(le.item_id == item_id, whole))
        found = []
        # Core rows straight from the connection: no ORM loading for a read of plain columns.
        for row in self.session.connection().execute(query).all():
            movement = Movement(
                document_id=row[0],
                document=row[3],
                type=_TYPES[row[4]],
                line_no=row[1],
                posted_at=row[5],
                item=row[6],
                gtin=row[7],
                unit=row[8],
                serial=unblank(row[9]),
                lot=unblank(row[10]),
                package=unblank(row[11]),
                quantity=row[12],
                from_location=row[13],
                from_kind=_KINDS[row[14]],
                to_location=row[15],
                to_kind=_KINDS[row[16]],
                partner=row[17],
            )
            found.append(((row[0], row[1], row[2]), movement))
        return found
