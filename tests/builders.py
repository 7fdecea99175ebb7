"""Small builders with defaults for domain tests: items, locations, documents and stock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from itemtrace.domain.documents import (
    Document,
    DocumentType,
    Line,
    Role,
    StoredDocument,
    TrackingLine,
    resolve_locations,
)
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import VIRTUAL_LOCATIONS, Item, Location, LocationKind
from itemtrace.domain.posting import plan
from itemtrace.domain.stock import BlockedKey, Bucket, Reservation, StockView
from itemtrace.domain.tracking import Dimension, DimensionPolicy, ItemPolicy, TrackingCode, TrackingKey

TODAY = date(2026, 3, 10)

SPECIFIC = DimensionPolicy(specific=True)
INBOUND_ONLY = DimensionPolicy(inbound=True)
OUTBOUND_ONLY = DimensionPolicy(outbound=True)
BOTH_WAYS = DimensionPolicy(inbound=True, outbound=True)

LOCATIONS: dict[str, Location] = {
    "WH1": Location("WH1", "Main warehouse"),
    "WH2": Location("WH2", "Second warehouse"),
    **{code: Location(code, code.title(), kind) for kind, code in VIRTUAL_LOCATIONS.items()},
}
SUPPLIER = VIRTUAL_LOCATIONS[LocationKind.SUPPLIER]
CUSTOMER = VIRTUAL_LOCATIONS[LocationKind.CUSTOMER]
TRANSIT = VIRTUAL_LOCATIONS[LocationKind.TRANSIT]
SCRAP = VIRTUAL_LOCATIONS[LocationKind.SCRAP]
ADJUSTMENT = VIRTUAL_LOCATIONS[LocationKind.ADJUSTMENT]
PRODUCTION = VIRTUAL_LOCATIONS[LocationKind.PRODUCTION]


# --- items and their tracking codes -------------------------------------------------------------


def tracking_code(code: str = "TC", **fields: object) -> TrackingCode:
    return TrackingCode(code=code, **fields)  # type: ignore[arg-type]


def serial_item(sku: str = "DRILL-X", *, code: TrackingCode | None = None, **item: object) -> ItemPolicy:
    """An item tracked by specific serial number (unless another `code` is given)."""
    return ItemPolicy(Item(sku, sku.title(), **item), code or tracking_code("SN", serial=SPECIFIC))  # type: ignore[arg-type]


def lot_item(sku: str = "MILK", *, code: TrackingCode | None = None, **item: object) -> ItemPolicy:
    """An item tracked by specific lot number (unless another `code` is given)."""
    return ItemPolicy(Item(sku, sku.title(), unit="kg", **item), code or tracking_code("LOT", lot=SPECIFIC))  # type: ignore[arg-type]


def package_item(sku: str = "BOX", *, code: TrackingCode | None = None) -> ItemPolicy:
    return ItemPolicy(Item(sku, sku.title()), code or tracking_code("PKG", package=SPECIFIC))


def untracked_item(sku: str = "SCREW") -> ItemPolicy:
    return ItemPolicy(Item(sku, sku.title()))


# --- documents ----------------------------------------------------------------------------------


def sn(serial: str, **fields: object) -> TrackingLine:
    return TrackingLine(serial=serial, **fields)  # type: ignore[arg-type]


def serials(*numbers: str) -> tuple[TrackingLine, ...]:
    return tuple(sn(n) for n in numbers)


def lot(number: str, quantity: int | str = 1, **fields: object) -> TrackingLine:
    return TrackingLine(lot=number, quantity=Decimal(quantity), **fields)  # type: ignore[arg-type]


def package(number: str, quantity: int | str = 1, **fields: object) -> TrackingLine:
    return TrackingLine(package=number, quantity=Decimal(quantity), **fields)  # type: ignore[arg-type]


def line(
    item: str,
    *tracking: TrackingLine,
    quantity: int | str | None = None,
    from_location: str | None = None,
    to_location: str | None = None,
    role: Role | None = None,
) -> Line:
    """A document line; its quantity defaults to what its tracking lines add up to."""
    total = Decimal(quantity) if quantity is not None else sum((t.quantity for t in tracking), Decimal(0))
    return Line(item, total, from_location, to_location, tuple(tracking), role=role)


def document(
    type: DocumentType,
    *lines: Line,
    resolve: bool = True,
    locations: Mapping[str, Location] = LOCATIONS,
    **header: Any,
) -> Document:
    """A numbered draft; its virtual locations are filled in unless `resolve=False`."""
    doc = Document(type, tuple(lines), **header).numbered()
    return resolve_locations(doc, locations) if resolve else doc


def _inside(lines: Iterable[Line], side: str, at: str) -> tuple[Line, ...]:
    return tuple(ln if getattr(ln, side) else replace(ln, **{side: at}) for ln in lines)  # type: ignore[arg-type]


def receipt(*lines: Line, at: str = "WH1", partner: str = "VEND-1", **header: Any) -> Document:
    return document(DocumentType.RECEIPT, *_inside(lines, "to_location", at), partner=partner, **header)


def stored(document: Document, *, id: int, **changes: Any) -> StoredDocument:
    """The document as if storage had written it with `id` (and `changes`, say its number)."""
    values = {f.name: getattr(document, f.name) for f in fields(Document)}
    return StoredDocument(**{**values, **changes}, id=id)


def shipment(*lines: Line, at: str = "WH1", partner: str = "CUST-1", **header: Any) -> Document:
    return document(DocumentType.SHIPMENT, *_inside(lines, "from_location", at), partner=partner, **header)


def scrap(*lines: Line, at: str = "WH1", **header: Any) -> Document:
    return document(DocumentType.SCRAP, *_inside(lines, "from_location", at), **header)


def transfer(*lines: Line, source: str = "WH1", target: str = "WH2", **header: Any) -> Document:
    moved = _inside(_inside(lines, "from_location", source), "to_location", target)
    return document(DocumentType.TRANSFER, *moved, **header)


def return_receipt(*lines: Line, at: str = "WH1", partner: str = "CUST-1", **header: Any) -> Document:
    return document(
        DocumentType.RETURN_RECEIPT, *_inside(lines, "to_location", at), partner=partner, **header
    )


# --- stock --------------------------------------------------------------------------------------


def bucket(
    item: str,
    quantity: int | str = 1,
    *,
    at: str = "WH1",
    serial: str | None = None,
    lot: str | None = None,
    package: str | None = None,
    expires: date | None = None,
    since: date | None = None,
) -> Bucket:
    return Bucket(at, TrackingKey(item, serial, lot, package), Decimal(quantity), expires, since)


def stock(
    *buckets: Bucket,
    blocked: Iterable[BlockedKey] = (),
    delivered: Mapping[tuple[str | None, TrackingKey], Decimal] | None = None,
    reserved: Iterable[Reservation] = (),
) -> StockView:
    return StockView(tuple(buckets), frozenset(blocked), dict(delivered or {}), tuple(reserved))


def reservation(
    document: str,
    item: str,
    quantity: int | str = 1,
    *,
    at: str = "WH1",
    serial: str | None = None,
    lot: str | None = None,
    package: str | None = None,
) -> Reservation:
    """What an open document `document` (its number) reserves at `at`."""
    return Reservation(document, at, TrackingKey(item, serial, lot, package), Decimal(quantity), 1)


def blocked_serial(item: str, serial: str) -> BlockedKey:
    return (item, Dimension.SERIAL, serial)


def blocked_lot(item: str, number: str) -> BlockedKey:
    return (item, Dimension.LOT, number)


def blocked_package(number: str) -> BlockedKey:
    return (None, Dimension.PACKAGE, number)


NOTHING = stock()


def planned(
    doc: Document, *items: ItemPolicy, stock: StockView = NOTHING, today: date = TODAY
) -> list[LedgerEntry]:
    """`posting.plan` with the test locations and the given items as policies."""
    return plan(doc, stock, {p.item.sku: p for p in items}, LOCATIONS, today=today)


def moved(entries: Iterable[LedgerEntry]) -> list[tuple[str | None, str | None, str, str, Decimal]]:
    """(serial, lot, from, to, quantity) per entry: the shape most assertions compare."""
    return [(e.key.serial, e.key.lot, e.from_location, e.to_location, e.quantity) for e in entries]
