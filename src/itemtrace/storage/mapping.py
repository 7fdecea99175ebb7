"""Row ⇄ domain conversions, all in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from itemtrace.domain.documents import (
    Assign,
    CountScope,
    Document,
    DocumentType,
    Line,
    Role,
    Status,
    StoredDocument,
    TrackingLine,
    TransitStatus,
)
from itemtrace.domain.ledger import StoredLedgerEntry
from itemtrace.domain.masterdata import Item, Location, LocationKind, NumberSeries, Partner, PartnerKind
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracing import Delivery, FinishedGood, OnHand, RecallReport, StoredRecall
from itemtrace.domain.tracking import DimensionPolicy, SerialUnique, TrackingCode, TrackingKey
from itemtrace.storage.tables import (
    DocumentLineRow,
    DocumentRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
    NumberSeriesRow,
    PartnerRow,
    RecallRow,
    TrackingCodeRow,
)


def blank(value: str | None) -> str:
    """Absent numbers are stored as ''."""
    return value or ""


def unblank(value: str | None) -> str | None:
    return value or None


def tracking_code_to_row(code: TrackingCode) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": code.code,
        "description": code.description,
        "serial_unique": code.serial_unique.value,
        "use_expiration_dates": code.use_expiration_dates,
        "require_expiration_date": code.require_expiration_date,
        "strict_expiration": code.strict_expiration,
        "warranty_formula": code.warranty_formula,
        "require_warranty_date": code.require_warranty_date,
    }
    for dim in ("serial", "lot", "package"):
        policy: DimensionPolicy = getattr(code, dim)
        values[f"{dim}_specific"] = policy.specific
        values[f"{dim}_inbound"] = policy.inbound
        values[f"{dim}_outbound"] = policy.outbound
    return values


def tracking_code_from_row(row: TrackingCodeRow) -> TrackingCode:
    def policy(dim: str) -> DimensionPolicy:
        return DimensionPolicy(
            specific=getattr(row, f"{dim}_specific"),
            inbound=getattr(row, f"{dim}_inbound"),
            outbound=getattr(row, f"{dim}_outbound"),
        )

    return TrackingCode(
        code=row.code,
        description=row.description,
        serial=policy("serial"),
        lot=policy("lot"),
        package=policy("package"),
        serial_unique=SerialUnique(row.serial_unique),
        use_expiration_dates=row.use_expiration_dates,
        require_expiration_date=row.require_expiration_date,
        strict_expiration=row.strict_expiration,
        warranty_formula=row.warranty_formula,
        require_warranty_date=row.require_warranty_date,
    )


def item_from_row(
    row: ItemRow,
    tracking_code: str | None,
    serial_series: str | None,
    lot_series: str | None,
    package_series: str | None = None,
) -> Item:
    return Item(
        sku=row.sku,
        name=row.name,
        unit=row.unit,
        gtin=row.gtin,
        tracking_code=tracking_code,
        serial_series=serial_series,
        lot_series=lot_series,
        shelf_life=row.shelf_life,
        package_series=package_series,
    )


def location_from_row(row: LocationRow, parent: str | None) -> Location:
    return Location(
        code=row.code, name=row.name, kind=LocationKind(row.kind), parent=parent, closed=bool(row.closed)
    )


def partner_from_row(row: PartnerRow) -> Partner:
    return Partner(code=row.code, name=row.name, kind=PartnerKind(row.kind))


def series_from_row(row: NumberSeriesRow) -> NumberSeries:
    return NumberSeries(
        code=row.code,
        pattern=row.pattern,
        start=row.start,
        increment=row.increment,
        next_value=row.next_value,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def tracking_to_json(t: TrackingLine) -> dict[str, Any]:
    data: dict[str, Any] = {"quantity": str(t.quantity)}
    for name in ("serial", "lot", "package", "new_serial", "new_lot", "new_package"):
        value = getattr(t, name)
        if value:
            data[name] = value
    for name in ("expiration_date", "warranty_date", "new_expiration_date"):
        value = getattr(t, name)
        if value:
            data[name] = _iso(value)
    if not t.copy_info:
        data["copy_info"] = False
    return data


def tracking_from_json(data: dict[str, Any]) -> TrackingLine:
    return TrackingLine(
        serial=data.get("serial"),
        lot=data.get("lot"),
        package=data.get("package"),
        quantity=Decimal(data.get("quantity", "1")),
        expiration_date=_date(data.get("expiration_date")),
        warranty_date=_date(data.get("warranty_date")),
        new_serial=data.get("new_serial"),
        new_lot=data.get("new_lot"),
        new_package=data.get("new_package"),
        new_expiration_date=_date(data.get("new_expiration_date")),
        copy_info=bool(data.get("copy_info", True)),
    )


def assign_to_json(assign: Assign | None) -> dict[str, Any] | None:
    if assign is None:
        return None
    return {
        "serial": assign.serial,
        "lot": assign.lot,
        "start": assign.start,
        "increment": assign.increment,
        "count": assign.count,
        "new_lot": assign.new_lot,
        "package": assign.package,
    }


def assign_from_json(data: dict[str, Any] | None) -> Assign | None:
    if not data:
        return None
    return Assign(
        serial=bool(data.get("serial")),
        lot=bool(data.get("lot")),
        start=data.get("start"),
        increment=int(data.get("increment") or 1),
        count=data.get("count"),
        new_lot=bool(data.get("new_lot")),
        package=bool(data.get("package")),
    )


class LineRow(NamedTuple):
    """A stored document line with its item's and locations' codes."""

    line: DocumentLineRow
    sku: str
    source: str | None
    target: str | None


def stored_document(document: Document, *, id: int, **changes: Any) -> StoredDocument:
    """A document as storage wrote it: the same values, with its id (and `changes`)."""
    return StoredDocument(
        **{**{f.name: getattr(document, f.name) for f in fields(Document)}, **changes}, id=id
    )


def document_from_rows(row: DocumentRow, partner: str | None, lines: Sequence[LineRow]) -> StoredDocument:
    return StoredDocument(
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
        count_scope=CountScope(row.count_scope) if row.count_scope else None,
        lines=tuple(
            Line(
                item=sku,
                quantity=line.quantity,
                from_location=source,
                to_location=target,
                tracking=tuple(tracking_from_json(t) for t in line.tracking),
                assign=assign_from_json(line.assign),
                count_package=line.count_package,
                role=Role(line.role) if line.role else None,
                line_no=line.line_no,
            )
            for line, sku, source, target in lines
        ),
    )


def tracking_key(item: str, serial: str | None, lot: str | None, package: str | None) -> TrackingKey:
    """The key of stored numbers ('' when absent)."""
    return TrackingKey(item, unblank(serial), unblank(lot), unblank(package))


def ledger_entry_from_row(row: LedgerEntryRow, sku: str, source: str, target: str) -> StoredLedgerEntry:
    return StoredLedgerEntry(
        key=tracking_key(sku, row.serial, row.lot, row.package),
        quantity=row.quantity,
        from_location=source,
        to_location=target,
        line_no=row.line_no,
        expiration_date=row.expiration_date,
        warranty_date=row.warranty_date,
        id=row.id,
        document_id=row.document_id,
        posting_date=row.posting_date,
        user=row.user_name,
        posted_at=row.posted_at,
    )


def recall_to_json(report: RecallReport) -> dict[str, Any]:
    """The recall report as stored with the recall (a snapshot: later movements do not change it).
    Each row is the report's own tuple, written by the engine's JSON serializer as an array of its
    fields in order (see `storage.engine.dumps`): a hub recall's report is half the size it is
    with field names on every row. `recall_from_json` also reads rows stored as objects."""
    return {
        "customers": report.customers,
        "finished_goods": report.finished_goods,
        "on_hand": report.on_hand,
        "blocked": report.blocked,
        **({"package": report.package} if report.package else {}),
    }


def _fields(row: Any, names: tuple[str, ...]) -> Any:
    """A stored report row's fields in order: rows are arrays (objects in recalls recorded by
    earlier versions)."""
    return [row[name] for name in names] if isinstance(row, dict) else row


def _delivery(row: Any) -> Delivery:
    partner, item, serial, lot, quantity, posting_date, document, contains = _fields(row, Delivery._fields)
    return Delivery(
        partner, item, serial, lot, Decimal(quantity), date.fromisoformat(posting_date), document, contains
    )


def _finished_good(row: Any) -> FinishedGood:
    item, serial, lot, status, location, holder = _fields(row, FinishedGood._fields)
    return FinishedGood(item, serial, lot, TrackingStatus(status), location, holder)


def _on_hand(row: Any) -> OnHand:
    location, item, serial, lot, quantity = _fields(row, OnHand._fields)
    return OnHand(location, item, serial, lot, Decimal(quantity))


def stored_recall(report: RecallReport, id: int) -> StoredRecall:
    """A recall as storage recorded it: the same report, with its id."""
    return StoredRecall(**{f.name: getattr(report, f.name) for f in fields(RecallReport)}, id=id)


def recall_from_row(row: RecallRow, item: str) -> StoredRecall:
    """A recall as it was run: its stored row and the report snapshot kept in it."""
    return recall_from_json(
        row.report or {},
        id=row.id,
        item=item,
        serial=unblank(row.serial),
        lot=unblank(row.lot),
        reason=row.reason,
        block=row.block,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def recall_from_json(
    data: dict[str, Any],
    *,
    id: int,
    item: str,
    serial: str | None,
    lot: str | None,
    reason: str,
    block: bool,
    created_by: str | None,
    created_at: datetime | None,
) -> StoredRecall:
    return StoredRecall(
        item=item,
        serial=serial,
        lot=lot,
        reason=reason,
        block=block,
        customers=tuple(_delivery(d) for d in data.get("customers", [])),
        finished_goods=tuple(_finished_good(f) for f in data.get("finished_goods", [])),
        on_hand=tuple(_on_hand(o) for o in data.get("on_hand", [])),
        blocked=int(data.get("blocked", 0)),
        package=data.get("package"),
        id=id,
        created_by=created_by,
        created_at=created_at,
    )
