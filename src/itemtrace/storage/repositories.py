"""Write side: master data, documents, the append-only ledger and the balance projection.

Helpers take the unit of work's session and never commit; the service does, once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, func, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.documents import Document, DocumentType, Line, Role, Status, TransitStatus
from itemtrace.domain.errors import Conflict, ErrorCode, NotFound, PostingRejected, Violation
from itemtrace.domain.genealogy import Link
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import Item, Location, LocationKind, NumberSeries, Partner
from itemtrace.domain.posting import (
    BlockedKey,
    Bucket,
    CustomerMove,
    ItemPolicy,
    Named,
    Reservation,
    StockNeeds,
    StockView,
    held_by_partner,
)
from itemtrace.domain.tracing import RecallReport
from itemtrace.domain.tracking import UNTRACKED, Dimension, TrackingCode, TrackingKey
from itemtrace.storage import bulk, mapping
from itemtrace.storage.tables import (
    BalanceRow,
    DocumentLineRow,
    DocumentRow,
    GenealogyLinkRow,
    IdempotencyKeyRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
    NumberSeriesRow,
    PartnerRow,
    ReservationRow,
    TrackingCodeRow,
    TrackingCommentRow,
    TrackingInfoRow,
    to_units,
)

CHUNK = 2000  # bound parameters per IN list
STOCK_KINDS = (LocationKind.INTERNAL.value, LocationKind.TRANSIT.value)
# The balance projection keeps the places where stock is held: our shelves, the road, customers.
# Suppliers, production, scrap and adjustment are sources and sinks; the ledger alone records them.
PROJECTED_KINDS = frozenset({LocationKind.INTERNAL, LocationKind.TRANSIT, LocationKind.CUSTOMER})
DOCUMENT_PREFIX = {
    DocumentType.RECEIPT: "RCPT",
    DocumentType.SHIPMENT: "SHIP",
    DocumentType.TRANSFER: "TRF",
    DocumentType.ADJUSTMENT: "ADJ",
    DocumentType.SCRAP: "SCRP",
    DocumentType.ASSEMBLY: "ASM",
    DocumentType.RETURN_RECEIPT: "RRCPT",
    DocumentType.RETURN_SHIPMENT: "RSHIP",
    DocumentType.RECLASSIFICATION: "RCLS",
    DocumentType.COUNT: "CNT",
}


# Built once: an aliased entity made per call costs more to adapt than the query takes to run.
_TC = aliased(TrackingCodeRow, name="tc")
_SERIAL_SERIES = aliased(NumberSeriesRow, name="serial_series")
_LOT_SERIES = aliased(NumberSeriesRow, name="lot_series")
_PARENT = aliased(LocationRow, name="parent")
_SOURCE = aliased(LocationRow, name="source")
_TARGET = aliased(LocationRow, name="target")


def document_number(type: DocumentType, document_id: int) -> str:
    return f"{DOCUMENT_PREFIX[type]}-{document_id:06d}"


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _already_exists(what: str, code: str, *, called: str = "code") -> Conflict:
    return Conflict(f"{what} {code} already exists: pick another {called}", code=ErrorCode.ALREADY_EXISTS)


class IdempotencyKeyTaken(Exception):
    """A concurrent request with the same Idempotency-Key committed first."""


class MasterData:
    """Tracking codes, items, locations, partners and number series, with id caches."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._item_ids: dict[str, int] = {}
        self._location_ids: dict[str, int] = {}
        self._partner_ids: dict[str, int] = {}
        # Read once per unit of work: a posting asks for the same items and places several times.
        self._policies: dict[str, ItemPolicy] = {}
        self._locations: dict[str, Location] = {}
        self._virtual: dict[str, Location] | None = None
        self._partners: dict[str, Partner] = {}

    def _insert(self, what: str, code: str, row: Any) -> None:
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            raise _already_exists(what, code) from None

    # tracking codes
    def add_tracking_code(self, code: TrackingCode) -> None:
        self._insert("tracking code", code.code, TrackingCodeRow(**mapping.tracking_code_to_row(code)))

    def tracking_code(self, code: str) -> TrackingCode:
        row = self.session.scalar(select(TrackingCodeRow).where(TrackingCodeRow.code == code))
        if row is None:
            raise NotFound("tracking code", code)
        return mapping.tracking_code_from_row(row)

    def tracking_codes(self) -> list[TrackingCode]:
        rows = self.session.scalars(select(TrackingCodeRow).order_by(TrackingCodeRow.code))
        return [mapping.tracking_code_from_row(r) for r in rows]

    # number series
    def add_series(self, series: NumberSeries) -> None:
        row = NumberSeriesRow(
            code=series.code,
            pattern=series.pattern,
            start=series.start,
            increment=series.increment,
            next_value=series.start,
        )
        self._insert("number series", series.code, row)

    def series(self, code: str) -> NumberSeries:
        row = self.session.scalar(select(NumberSeriesRow).where(NumberSeriesRow.code == code))
        if row is None:
            raise NotFound("number series", code)
        return mapping.series_from_row(row)

    def allocate(self, code: str, count: int) -> tuple[NumberSeries, list[int]]:
        """Reserve `count` counter values atomically (UPDATE … RETURNING): never handed out twice."""
        table = cast(Table, NumberSeriesRow.__table__)
        result = self.session.execute(
            update(table)
            .where(table.c.code == code)
            .values(next_value=table.c.next_value + table.c.increment * count)
            .returning(table.c.next_value, table.c.increment, table.c.pattern, table.c.start)
        ).one_or_none()
        if result is None:
            raise NotFound("number series", code)
        after, increment, pattern, start = result
        first = after - increment * count
        values = [first + i * increment for i in range(count)]
        return NumberSeries(code, pattern, start, increment, after), values

    def series_list(self) -> list[NumberSeries]:
        rows = self.session.scalars(select(NumberSeriesRow).order_by(NumberSeriesRow.code))
        return [mapping.series_from_row(r) for r in rows]

    # items
    def add_item(self, item: Item) -> None:
        tc_id = self._id(TrackingCodeRow, "tracking code", item.tracking_code)
        row = ItemRow(
            sku=item.sku,
            name=item.name,
            unit=item.unit,
            gtin=item.gtin,
            tracking_code_id=tc_id,
            serial_series_id=self._id(NumberSeriesRow, "number series", item.serial_series),
            lot_series_id=self._id(NumberSeriesRow, "number series", item.lot_series),
            shelf_life=item.shelf_life,
        )
        self._insert("item", item.sku, row)

    def _id(self, table: Any, what: str, code: str | None) -> int | None:
        if code is None:
            return None
        found: int | None = self.session.scalar(select(table.id).where(table.code == code))
        if found is None:
            raise NotFound(what, code)
        return found

    def _item_select(self) -> Any:
        return (
            select(ItemRow, _TC, _SERIAL_SERIES.code, _LOT_SERIES.code)
            .outerjoin(_TC, _TC.id == ItemRow.tracking_code_id)
            .outerjoin(_SERIAL_SERIES, _SERIAL_SERIES.id == ItemRow.serial_series_id)
            .outerjoin(_LOT_SERIES, _LOT_SERIES.id == ItemRow.lot_series_id)
        )

    def policies(self, skus: Iterable[str]) -> dict[str, ItemPolicy]:
        """The items and their tracking policies, each read once per unit of work."""
        wanted = set(skus)
        missing = wanted - self._policies.keys()
        for batch in chunks(sorted(missing)):
            for row, tc, serial_series, lot_series in self.session.execute(
                self._item_select().where(ItemRow.sku.in_(batch))
            ):
                self._item_ids[row.sku] = row.id
                code = mapping.tracking_code_from_row(tc) if tc is not None else UNTRACKED
                item = mapping.item_from_row(row, tc.code if tc else None, serial_series, lot_series)
                self._policies[row.sku] = ItemPolicy(item=item, code=code)
        return {sku: self._policies[sku] for sku in wanted if sku in self._policies}

    def item(self, sku: str) -> ItemPolicy:
        found = self.policies([sku])
        if sku not in found:
            raise NotFound("item", sku)
        return found[sku]

    def items(self, *, after: str | None, limit: int) -> list[ItemPolicy]:
        query = self._item_select().order_by(ItemRow.sku).limit(limit)
        if after:
            query = query.where(ItemRow.sku > after)
        result = []
        for row, tc, serial_series, lot_series in self.session.execute(query):
            code = mapping.tracking_code_from_row(tc) if tc is not None else UNTRACKED
            result.append(
                ItemPolicy(
                    mapping.item_from_row(row, tc.code if tc else None, serial_series, lot_series), code
                )
            )
        return result

    def item_id(self, sku: str) -> int:
        if sku not in self._item_ids:
            found = self.session.scalar(select(ItemRow.id).where(ItemRow.sku == sku))
            if found is None:
                raise NotFound("item", sku)
            self._item_ids[sku] = found
        return self._item_ids[sku]

    def item_by_gtin(self, gtin: str) -> str | None:
        sku: str | None = self.session.scalar(select(ItemRow.sku).where(ItemRow.gtin == gtin))
        return sku

    # locations
    def add_location(self, location: Location) -> None:
        parent_id = self._id(LocationRow, "location", location.parent)
        row = LocationRow(
            code=location.code, name=location.name, kind=location.kind.value, parent_id=parent_id
        )
        self._insert("location", location.code, row)

    def locations(self, codes: Iterable[str] | None = None) -> dict[str, Location]:
        """Every location, or the given ones and every virtual one (a posting needs those for
        its defaults); each read once per unit of work."""
        query = select(LocationRow, _PARENT.code).outerjoin(_PARENT, _PARENT.id == LocationRow.parent_id)
        if codes is None:
            return self._remember_locations(query.order_by(LocationRow.code))
        wanted = {c for c in codes if c}
        missing = wanted - self._locations.keys()
        if missing or self._virtual is None:
            condition: Any = LocationRow.code.in_(sorted(missing))
            if self._virtual is None:
                condition = or_(condition, LocationRow.kind != LocationKind.INTERNAL.value)
            found = self._remember_locations(query.where(condition))
            if self._virtual is None:
                self._virtual = {c: loc for c, loc in found.items() if loc.kind is not LocationKind.INTERNAL}
        result = {c: self._locations[c] for c in wanted if c in self._locations}
        return dict(sorted({**self._virtual, **result}.items()))

    def _remember_locations(self, query: Any) -> dict[str, Location]:
        result = {}
        for row, parent_code in self.session.execute(query):
            self._location_ids[row.code] = row.id
            result[row.code] = self._locations[row.code] = mapping.location_from_row(row, parent_code)
        return result

    def location(self, code: str) -> Location:
        found = self.locations([code])
        if code not in found:
            raise NotFound("location", code)
        return found[code]

    def location_id(self, code: str) -> int:
        if code not in self._location_ids:
            self.locations([code])
            if code not in self._location_ids:
                raise NotFound("location", code)
        return self._location_ids[code]

    # partners
    def add_partner(self, partner: Partner) -> None:
        self._insert(
            "partner", partner.code, PartnerRow(code=partner.code, name=partner.name, kind=partner.kind.value)
        )

    def partner(self, code: str) -> Partner:
        if code in self._partners:
            return self._partners[code]
        row = self.session.scalar(select(PartnerRow).where(PartnerRow.code == code))
        if row is None:
            raise NotFound("partner", code)
        self._partner_ids[code] = row.id
        self._partners[code] = mapping.partner_from_row(row)
        return self._partners[code]

    def partners(self) -> list[Partner]:
        return [
            mapping.partner_from_row(r)
            for r in self.session.scalars(select(PartnerRow).order_by(PartnerRow.code))
        ]

    def partner_id(self, code: str | None) -> int | None:
        if code is None:
            return None
        if code not in self._partner_ids:
            self.partner(code)
        return self._partner_ids[code]


class Documents:
    """Drafts and their status; lines keep their tracking lines as one JSON array per line."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def add(self, document: Document, *, user: str | None, now: datetime) -> Document:
        """Store a document as it is (a draft, or posted at once) and return it with its id and
        number. The id, and so the number, is drawn before the insert: a placeholder number
        renamed after the flush made every new document wait on the unique index for any other
        open document transaction holding the same placeholder."""
        new_id = bulk.next_document_id(self.session.connection())
        stored = replace(
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
            },
        )
        self.session.execute(
            cast(Table, DocumentLineRow.__table__).insert(),
            [
                {
                    "document_id": new_id,
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
                for line in document.lines
            ],
        )
        return stored

    def get(self, document_id: int, *, lock: bool = False) -> Document:
        query = select(DocumentRow, PartnerRow.code).outerjoin(
            PartnerRow, PartnerRow.id == DocumentRow.partner_id
        )
        query = query.where(DocumentRow.id == document_id)
        if lock:
            query = query.with_for_update(of=DocumentRow)
        found = self.session.execute(query).one_or_none()
        if found is None:
            raise NotFound("document", document_id)
        row, partner = found
        source, target = _SOURCE, _TARGET
        lines = self.session.execute(
            select(DocumentLineRow, ItemRow.sku, source.code, target.code)
            .join(ItemRow, ItemRow.id == DocumentLineRow.item_id)
            .outerjoin(source, source.id == DocumentLineRow.from_location_id)
            .outerjoin(target, target.id == DocumentLineRow.to_location_id)
            .where(DocumentLineRow.document_id == document_id)
            .order_by(DocumentLineRow.line_no)
        ).all()
        return Document(
            id=row.id,
            number=row.number,
            type=DocumentType(row.type),
            status=Status(row.status),
            partner=partner,
            reference=row.reference,
            posting_date=row.posting_date,
            in_transit=row.in_transit,
            transit_status=TransitStatus(row.transit_status) if row.transit_status else None,
            created_by=row.created_by,
            created_at=row.created_at,
            posted_by=row.posted_by,
            posted_at=row.posted_at,
            lines=tuple(
                Line(
                    item=sku,
                    quantity=line.quantity,
                    from_location=src,
                    to_location=dst,
                    tracking=tuple(mapping.tracking_from_json(t) for t in line.tracking),
                    assign=mapping.assign_from_json(line.assign),
                    role=Role(line.role) if line.role else None,
                    line_no=line.line_no,
                )
                for line, sku, src, dst in lines
            ),
        )

    def id_by_number(self, number: str) -> int:
        found: int | None = self.session.scalar(select(DocumentRow.id).where(DocumentRow.number == number))
        if found is None:
            raise NotFound("document", number)
        return found

    def set_status(self, document_id: int, status: Status) -> None:
        self.session.execute(
            update(DocumentRow).where(DocumentRow.id == document_id).values(status=status.value)
        )

    def mark_posted(self, document: Document) -> None:
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

    def list(self, *, after: int | None, limit: int, type: str | None, status: str | None) -> list[Document]:
        query = select(DocumentRow.id).order_by(DocumentRow.id.desc()).limit(limit)
        if after is not None:
            query = query.where(DocumentRow.id < after)
        if type:
            query = query.where(DocumentRow.type == type)
        if status:
            query = query.where(DocumentRow.status == status)
        return [self.get(i) for i in self.session.scalars(query)]

    # reservations: working state of open documents, not the ledger
    def reserve(self, document_id: int, reservations: Sequence[Reservation]) -> None:
        """Write what a draft reserves (rule `reserved`); `release` deletes it again."""
        rows = [
            {
                "document_id": document_id,
                "line_no": r.line_no,
                "item_id": self.md.item_id(r.key.item),
                "location_id": self.md.location_id(r.location),
                "serial": r.key.serial or "",
                "lot": r.key.lot or "",
                "package": r.key.package or "",
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
    def idempotent(self, user: str, key: str) -> tuple[str, int | None] | None:
        row = self.session.get(IdempotencyKeyRow, (user, key))
        return (row.fingerprint, row.document_id) if row else None

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


class Ledger:
    """The append-only ledger and its balance projection, written in bulk in the same transaction."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def append(
        self,
        entries: Sequence[LedgerEntry],
        *,
        document_id: int,
        partner: str | None,
        user: str | None,
        posting_date: date,
        now: datetime,
        kinds: dict[str, LocationKind],
        global_serials: frozenset[str],
    ) -> None:
        """Write the entries and their balances. `global_serials`: the items whose serials are
        unique across items, marked on their balances for the database's unique index."""
        if not entries:
            return
        partner_id = self.md.partner_id(partner)
        item_ids = {sku: self.md.item_id(sku) for sku in {e.key.item for e in entries}}
        location_ids = {
            code: self.md.location_id(code) for e in entries for code in (e.from_location, e.to_location)
        }
        rows: list[dict[str, Any]] = [
            {
                "document_id": document_id,
                "line_no": e.line_no,
                "item_id": item_ids[e.key.item],
                "serial": e.key.serial or "",
                "lot": e.key.lot or "",
                "package": e.key.package or "",
                "quantity": to_units(e.quantity),
                "from_location_id": location_ids[e.from_location],
                "to_location_id": location_ids[e.to_location],
                "posting_date": posting_date,
                "partner_id": partner_id,
                "user_name": user,
                "posted_at": now,
                "expiration_date": e.expiration_date,
                "warranty_date": e.warranty_date,
            }
            for e in entries
        ]
        bulk.insert_ledger(self.session.connection(), rows)
        self._project(entries, item_ids, location_ids, kinds, posting_date, global_serials)

    def _project(
        self,
        entries: Sequence[LedgerEntry],
        item_ids: dict[str, int],
        location_ids: dict[str, int],
        kinds: dict[str, LocationKind],
        posting_date: date,
        global_serials: frozenset[str],
    ) -> None:
        deltas: dict[tuple[int, int, str, str, str], int] = defaultdict(int)
        meta: dict[tuple[int, int, str, str, str], tuple[bool, date | None]] = {}
        for e in entries:
            units = to_units(e.quantity)
            base = (item_ids[e.key.item], e.key.serial or "", e.key.lot or "", e.key.package or "")
            for location, sign in ((e.from_location, -1), (e.to_location, 1)):
                if kinds[location] not in PROJECTED_KINDS:
                    continue
                key = (base[0], location_ids[location], base[1], base[2], base[3])
                deltas[key] += sign * units
                meta[key] = (kinds[location].value in STOCK_KINDS, e.expiration_date)
        global_ids = {item_ids[sku] for sku in global_serials if sku in item_ids}
        rows: list[dict[str, Any]] = [
            {
                "item_id": k[0],
                "location_id": k[1],
                "serial": k[2],
                "lot": k[3],
                "package": k[4],
                "quantity": q,
                "in_stock": meta[k][0],
                "global_serial": k[2] != "" and k[0] in global_ids,
                "expiration_date": meta[k][1],
                "first_in_date": posting_date,
            }
            for k, q in deltas.items()
            if q != 0
        ]
        # Stock leaving an internal/transit place is a plain UPDATE of a row that must exist
        # (an upsert's candidate row would trip the CHECK before the conflict is seen); it runs
        # first so a serial leaves its old place before the unique index sees the new one.
        taken = [
            {name: r[name] for name in ("item_id", "location_id", "serial", "lot", "package", "quantity")}
            for r in rows
            if r["in_stock"] and r["quantity"] < 0
        ]
        rest = [r for r in rows if not (r["in_stock"] and r["quantity"] < 0)]
        # No savepoint: a constraint failure refuses the whole posting, and the unit of work
        # rolls the transaction back on the way out.
        try:
            if bulk.decrement_balances(self.session.connection(), taken) != len(taken):
                raise _stock_changed()
            bulk.upsert_balances(self.session.connection(), rest)
        except IntegrityError as error:
            raise _constraint_violation(error) from None

    def for_document(self, document_id: int) -> list[LedgerEntry]:
        source, target = _SOURCE, _TARGET
        rows = self.session.execute(
            select(LedgerEntryRow, ItemRow.sku, source.code, target.code)
            .join(ItemRow, ItemRow.id == LedgerEntryRow.item_id)
            .join(source, source.id == LedgerEntryRow.from_location_id)
            .join(target, target.id == LedgerEntryRow.to_location_id)
            .where(LedgerEntryRow.document_id == document_id)
            .order_by(LedgerEntryRow.id)
        )
        return [
            LedgerEntry(
                key=TrackingKey(
                    sku, mapping.unblank(r.serial), mapping.unblank(r.lot), mapping.unblank(r.package)
                ),
                quantity=r.quantity,
                from_location=src,
                to_location=dst,
                line_no=r.line_no,
                expiration_date=r.expiration_date,
                warranty_date=r.warranty_date,
                id=r.id,
                document_id=r.document_id,
                posting_date=r.posting_date,
                user=r.user_name,
                posted_at=r.posted_at,
            )
            for r, sku, src, dst in rows
        ]


def _constraint_violation(error: IntegrityError) -> PostingRejected:
    """The database backstop fired: translate it into the posting rule it protects."""
    message = str(error.orig)
    if any(
        name in message
        for name in (
            "uq_balance_serial_in_stock",
            "uq_balance_global_serial_in_stock",
            "balance.item_id, balance.serial",
            "balance.serial",
        )
    ):
        return PostingRejected(
            [
                Violation(
                    None,
                    None,
                    ErrorCode.SERIAL_EXISTS,
                    "a serial in this document was received by another posting at the same moment: "
                    "check the numbers and post again",
                )
            ]
        )
    return _stock_changed()


def _stock_changed() -> PostingRejected:
    return PostingRejected(
        [
            Violation(
                None,
                None,
                ErrorCode.INSUFFICIENT_QUANTITY,
                "stock changed under this posting (another posting took it): reload and post again",
            )
        ]
    )


def _merge(a: Named | None, b: Named | None) -> Named | None:
    if a is None or b is None:
        return None
    return (a[0] | b[0], a[1] | b[1], a[2] | b[2])


def _by_first_number(keys: Iterable[TrackingKey], row: Any) -> list[tuple[tuple[str, Any], list[str]]]:
    """Keys grouped by item and the first dimension they name (serial, lot, package), as that
    column of `row` and the sorted numbers in it; a key naming none has the column None."""
    grouped: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key in keys:
        name = "serial" if key.serial else "lot" if key.lot else "package" if key.package else ""
        grouped[(key.item, name)].add(key.number(Dimension(name)) or "" if name else "")
    return [
        ((sku, getattr(row, name) if name else None), sorted(numbers))
        for (sku, name), numbers in sorted(grouped.items())
    ]


class Stock:
    """Loads exactly the stock a posting touches, locking it on PostgreSQL."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def _bucket_query(self) -> Any:
        return (
            select(
                LocationRow.code,
                ItemRow.sku,
                BalanceRow.serial,
                BalanceRow.lot,
                BalanceRow.package,
                BalanceRow.quantity,
                BalanceRow.expiration_date,
                BalanceRow.first_in_date,
            )
            .join(LocationRow, LocationRow.id == BalanceRow.location_id)
            .join(ItemRow, ItemRow.id == BalanceRow.item_id)
            .where(BalanceRow.quantity > 0)
        )

    def load(self, needs: StockNeeds) -> StockView:
        buckets: dict[tuple[Any, ...], Bucket] = {}

        def collect(query: Any, lock: bool = False) -> None:
            if lock and self.session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(of=BalanceRow)
            for loc, sku, serial, lot, package, qty, exp, first in self.session.execute(query):
                key = TrackingKey(sku, serial or None, lot or None, package or None)
                buckets[(loc, key)] = Bucket(loc, key, qty, exp, first)

        # Sources and the places lines put stock, locked in one order (item, then location): what
        # this posting takes out must not change under it, and two postings never wait for each
        # other's rows in opposite orders.
        places: dict[tuple[str, str], Named | None] = dict(needs.locked)
        for place, named in needs.at_source.items():
            places[place] = _merge(places[place], named) if place in places else named
        for (sku, location), named in sorted(places.items(), key=lambda kv: kv[0]):
            base = self._bucket_query().where(
                BalanceRow.item_id == self.md.item_id(sku),
                BalanceRow.location_id == self.md.location_id(location),
            )
            if named is None:
                collect(base.order_by(BalanceRow.id), lock=True)
                continue
            serials, lots, packages = named
            for column, values in (
                (BalanceRow.serial, serials),
                (BalanceRow.lot, lots),
                (BalanceRow.package, packages),
            ):
                for batch in chunks(sorted(values)):
                    collect(base.where(column.in_(batch)).order_by(BalanceRow.id), lock=True)
        by_item: dict[str, set[str]] = defaultdict(set)
        for sku, serial in needs.serials_of_item:
            by_item[sku].add(serial)
        for sku, serials in by_item.items():
            for batch in chunks(sorted(serials)):
                collect(
                    self._bucket_query().where(
                        BalanceRow.item_id == self.md.item_id(sku),
                        BalanceRow.serial.in_(batch),
                        BalanceRow.serial != "",
                    )
                )
        for batch in chunks(sorted(needs.serials_global)):
            collect(
                self._bucket_query().where(
                    BalanceRow.serial.in_(batch), BalanceRow.serial != "", BalanceRow.in_stock
                )
            )
        lots_by_item: dict[str, set[str]] = defaultdict(set)
        for sku, lot in needs.lots_of_item:
            lots_by_item[sku].add(lot)
        for sku, lots in lots_by_item.items():
            for batch in chunks(sorted(lots)):
                collect(
                    self._bucket_query().where(
                        BalanceRow.item_id == self.md.item_id(sku),
                        BalanceRow.lot.in_(batch),
                        BalanceRow.lot != "",
                        BalanceRow.in_stock,
                    )
                )
        # What a return takes back, locked at every customer place: two returns of one key queue
        # there (as do shipments of it, which update the same rows), so what a partner holds is
        # read after any concurrent return of it has committed.
        returned = {key for _, key in needs.returned}
        return StockView(
            buckets=list(buckets.values()),
            blocked=self._blocked(needs.items),
            delivered=self._delivered(returned),
            reservations=self._reservations(set(needs.at_source), needs.document_id),
        )

    def _reservations(self, places: set[tuple[str, str]], document_id: int | None) -> list[Reservation]:
        """What other open documents reserve where this one takes stock from: one query.

        Read after the source balances are locked, so a concurrent draft that reserved the same
        stock has committed (and is seen) or waits behind this transaction.
        """
        if not places:
            return []
        pairs = sorted((self.md.item_id(sku), self.md.location_id(loc)) for sku, loc in places)
        r = ReservationRow
        result = []
        for batch in chunks(pairs, 500):
            query = (
                select(DocumentRow.number, LocationRow.code, ItemRow.sku, r.serial, r.lot, r.package)
                .add_columns(r.quantity, r.line_no)
                .join(DocumentRow, DocumentRow.id == r.document_id)
                .join(LocationRow, LocationRow.id == r.location_id)
                .join(ItemRow, ItemRow.id == r.item_id)
                .where(tuple_(r.item_id, r.location_id).in_(batch), DocumentRow.status == Status.DRAFT.value)
                .order_by(r.id)
            )
            if document_id is not None:
                query = query.where(r.document_id != document_id)
            for number, loc, sku, serial, lot, package, qty, line_no in self.session.execute(query):
                key = TrackingKey(sku, serial or None, lot or None, package or None)
                result.append(Reservation(number, loc, key, qty, line_no))
        return result

    def _blocked(self, skus: set[str]) -> frozenset[BlockedKey]:
        if not skus:
            return frozenset()
        ids = {self.md.item_id(s): s for s in skus}
        rows = self.session.execute(
            select(TrackingInfoRow.item_id, TrackingInfoRow.kind, TrackingInfoRow.number).where(
                TrackingInfoRow.blocked,
                or_(TrackingInfoRow.item_id.in_(list(ids)), TrackingInfoRow.item_id.is_(None)),
            )
        )
        return frozenset(
            (ids.get(item_id) if item_id else None, Dimension(kind), number) for item_id, kind, number in rows
        )

    def _delivered(self, keys: set[TrackingKey]) -> dict[tuple[str | None, TrackingKey], Decimal]:
        """What each partner holds of each returned key, from the ledger's customer movements:
        one query per item and first named dimension, the numbers in IN lists."""
        if not keys:
            return {}
        customer = LocationKind.CUSTOMER.value
        source, target = _SOURCE, _TARGET
        moves: list[CustomerMove] = []
        for (sku, column), numbers in _by_first_number(keys, LedgerEntryRow):
            for batch in chunks(sorted(numbers), 500):
                query = (
                    select(
                        PartnerRow.code,
                        LedgerEntryRow.serial,
                        LedgerEntryRow.lot,
                        LedgerEntryRow.package,
                        LedgerEntryRow.quantity,
                        source.kind,
                        target.kind,
                    )
                    .join(source, source.id == LedgerEntryRow.from_location_id)
                    .join(target, target.id == LedgerEntryRow.to_location_id)
                    .outerjoin(PartnerRow, PartnerRow.id == LedgerEntryRow.partner_id)
                    .where(
                        LedgerEntryRow.item_id == self.md.item_id(sku),
                        or_(source.kind == customer, target.kind == customer),
                    )
                )
                if column is not None:
                    query = query.where(column.in_(batch))
                for partner, serial, lot, package, qty, from_kind, to_kind in self.session.execute(query):
                    moves.append(
                        CustomerMove(
                            partner,
                            TrackingKey(sku, serial or None, lot or None, package or None),
                            qty,
                            into_customer=to_kind == customer,
                            out_of_customer=from_kind == customer,
                        )
                    )
        return held_by_partner(moves, keys)


class Numbers:
    """Existing serial and lot numbers of an item, for number series that must not repeat them."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def existing(self, item: str, dimension: Dimension, numbers: Sequence[str]) -> set[str]:
        return existing_numbers(self.session, self.md.item_id(item), dimension, numbers)


class Info:
    """Information cards: description, blocked, attributes, comments."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def _where(self, item: str | None, kind: Dimension, number: str) -> Any:
        item_id = self.md.item_id(item) if item else None
        return and_(
            TrackingInfoRow.item_id == item_id if item_id else TrackingInfoRow.item_id.is_(None),
            TrackingInfoRow.kind == kind.value,
            TrackingInfoRow.number == number,
        )

    def get(self, item: str | None, kind: Dimension, number: str) -> TrackingInfoRow | None:
        return self.session.scalar(select(TrackingInfoRow).where(self._where(item, kind, number)))

    def get_or_create(self, item: str | None, kind: Dimension, number: str) -> TrackingInfoRow:
        row = self.get(item, kind, number)
        if row is None:
            row = TrackingInfoRow(
                item_id=self.md.item_id(item) if item else None,
                kind=kind.value,
                number=number,
                description="",
                blocked=False,
                attributes={},
            )
            self.session.add(row)
            self.session.flush()
        return row

    def comments(self, info_id: int) -> list[TrackingCommentRow]:
        return list(
            self.session.scalars(
                select(TrackingCommentRow)
                .where(TrackingCommentRow.info_id == info_id)
                .order_by(TrackingCommentRow.id)
            )
        )

    def add_comment(self, info_id: int, text: str, user: str | None, now: datetime) -> None:
        self.session.add(TrackingCommentRow(info_id=info_id, text=text, user_name=user, created_at=now))
        self.session.flush()


class UserRecord(NamedTuple):
    name: str
    role: str
    active: bool
    password_hash: str | None


class Users:
    """App users: name, role, active flag, the hash of their one API token and of their password."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, name: str, role: str, token_hash: str, password_hash: str | None, now: datetime) -> None:
        from itemtrace.storage.tables import UserRow

        try:
            with self.session.begin_nested():
                self.session.add(
                    UserRow(
                        name=name,
                        role=role,
                        token_hash=token_hash,
                        password_hash=password_hash,
                        created_at=now,
                        active=True,
                    )
                )
        except IntegrityError:
            raise _already_exists("user", name, called="name") from None

    def update(self, name: str, *, role: str, active: bool) -> None:
        from itemtrace.storage.tables import UserRow

        self.session.execute(update(UserRow).where(UserRow.name == name).values(role=role, active=active))

    def set_token(self, name: str, token_hash: str) -> None:
        """Give an existing user a new token hash: the old token stops working."""
        from itemtrace.storage.tables import UserRow

        self.session.execute(update(UserRow).where(UserRow.name == name).values(token_hash=token_hash))

    def by_token_hash(self, token_hash: str) -> UserRecord | None:
        from itemtrace.storage.tables import UserRow

        return self._one(UserRow.token_hash == token_hash)

    def by_name(self, name: str, *, lock: bool = False) -> UserRecord | None:
        """The user called `name`; with `lock`, its row stays locked until the transaction ends."""
        from itemtrace.storage.tables import UserRow

        return self._one(UserRow.name == name, lock=lock)

    def active_admins(self, *, lock: bool = False) -> list[str]:
        """Names of the active admins. With `lock` (PostgreSQL), their rows are locked in name
        order, so two admins demoting each other at once are decided one after the other."""
        from itemtrace.storage.tables import UserRow

        query = (
            select(UserRow.name)
            .where(UserRow.role == "admin", UserRow.active.is_(True))
            .order_by(UserRow.name)
        )
        if lock and self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return list(self.session.scalars(query))

    def count(self) -> int:
        from itemtrace.storage.tables import UserRow

        return int(self.session.scalar(select(func.count()).select_from(UserRow)) or 0)

    def list(self, *, after: str | None = None, limit: int | None = None) -> list[UserRecord]:
        from itemtrace.storage.tables import UserRow

        query = select(UserRow.name, UserRow.role, UserRow.active, UserRow.password_hash).order_by(
            UserRow.name
        )
        if after is not None:
            query = query.where(UserRow.name > after)
        if limit is not None:
            query = query.limit(limit)
        return [UserRecord(*row) for row in self.session.execute(query)]

    def _one(self, where: Any, *, lock: bool = False) -> UserRecord | None:
        from itemtrace.storage.tables import UserRow

        query = select(UserRow.name, UserRow.role, UserRow.active, UserRow.password_hash).where(where)
        if lock and self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.session.execute(query).one_or_none()
        return UserRecord(*row) if row else None


def existing_numbers(
    session: Session, item_id: int, dimension: Dimension, numbers: Sequence[str]
) -> set[str]:
    """Which of `numbers` the item already has in its ledger (so a series skips them)."""
    column = LedgerEntryRow.serial if dimension is Dimension.SERIAL else LedgerEntryRow.lot
    found: set[str] = set()
    for batch in chunks(numbers):
        found.update(
            session.scalars(
                select(column).where(LedgerEntryRow.item_id == item_id, column.in_(batch)).distinct()
            )
        )
    return found


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
                "input_serial": link.input.serial or "",
                "input_lot": link.input.lot or "",
                "input_package": link.input.package or "",
                "output_item_id": self.md.item_id(link.output.item),
                "output_serial": link.output.serial or "",
                "output_lot": link.output.lot or "",
                "output_package": link.output.package or "",
                "quantity": link.quantity,
            }
            for link in links
        ]
        for batch in chunks(rows, 5000):
            self.session.execute(cast(Table, GenealogyLinkRow.__table__).insert(), batch)
        sides = {(cast(int, r[f"{side}_item_id"]), side) for r in rows for side in ("input", "output")}
        bulk.note_genealogy_items(self.session.connection(), sorted(sides))


class Recalls:
    """Recalls as they were run, with their report snapshot."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def add(self, item_id: int, report: RecallReport, data: dict[str, Any]) -> int:
        from itemtrace.storage.tables import RecallRow

        row = RecallRow(
            item_id=item_id,
            serial=report.serial or "",
            lot=report.lot or "",
            reason=report.reason,
            block=report.block,
            created_by=report.created_by,
            created_at=report.created_at,
            report=data,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def _load(self, where: Any, *, limit: int | None = None) -> list[RecallReport]:
        from itemtrace.storage.tables import RecallRow

        query = select(RecallRow, ItemRow.sku).join(ItemRow, ItemRow.id == RecallRow.item_id).where(where)
        query = query.order_by(RecallRow.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return [
            mapping.recall_from_json(
                row.report or {},
                id=row.id,
                item=sku,
                serial=row.serial or None,
                lot=row.lot or None,
                reason=row.reason,
                block=row.block,
                created_by=row.created_by,
                created_at=row.created_at,
            )
            for row, sku in self.session.execute(query)
        ]

    def get(self, recall_id: int) -> RecallReport:
        from itemtrace.storage.tables import RecallRow

        found = self._load(RecallRow.id == recall_id)
        if not found:
            raise NotFound("recall", recall_id)
        return found[0]

    def list(self, *, after: int | None, limit: int) -> list[RecallReport]:
        from sqlalchemy import true

        from itemtrace.storage.tables import RecallRow

        return self._load(RecallRow.id < after if after is not None else true(), limit=limit)
