"""EPCIS 2.0: the ledger as GS1 events (docs/epcis.md has the mapping table).

Each posting of a document line becomes one `ObjectEvent` per direction (a count line that
finds some units and misses others is two events); an assembly or a reclassification is one
`TransformationEvent` per posting (what left → what came out); every package on a line adds an
`AggregationEvent` (the package as parent, its serials and quantities as children).

What an event says is derived from the ledger's own facts, never from a table of document
types alone: the kinds of the two locations say whether units entered the business (`ADD`),
moved or were handed to a partner (`OBSERVE`), or ended here (`DELETE`); the document type then
names the CBV business step and disposition.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from itemtrace.domain.documents import DocumentType
from itemtrace.domain.masterdata import LocationKind

CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
SCHEMA_VERSION = "2.0"
MEDIA_TYPE = "application/ld+json"
DEFAULT_IDENTIFIER_BASE = "https://itemtrace.example/id"
DIGITAL_LINK = "https://id.gs1.org"

Event = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Movement:
    """One ledger entry with what an event needs of its document, item, places and partner."""

    document_id: int
    document: str  # its number, RCPT-000042
    type: DocumentType
    line_no: int
    posted_at: datetime
    item: str
    gtin: str | None
    unit: str
    serial: str | None
    lot: str | None
    package: str | None
    quantity: Decimal
    from_location: str
    from_kind: LocationKind
    to_location: str
    to_kind: LocationKind
    partner: str | None


class Flow(StrEnum):
    """Where a movement takes units, seen from the business."""

    ENTERS = "enters"  # from a partner, production, an adjustment → our stock
    MOVES = "moves"  # our stock → our stock (shelves and the road between them)
    HANDED_OVER = "handed_over"  # our stock → a customer or supplier: they go on existing
    ENDS = "ends"  # our stock → scrap, production, an adjustment, a renaming: gone


_PARTNER_KINDS = frozenset({LocationKind.CUSTOMER, LocationKind.SUPPLIER})


def flow(from_kind: LocationKind, to_kind: LocationKind) -> Flow:
    if to_kind.in_stock:
        return Flow.MOVES if from_kind.in_stock else Flow.ENTERS
    if to_kind in _PARTNER_KINDS or not from_kind.in_stock:
        return Flow.HANDED_OVER
    return Flow.ENDS


ACTION: dict[Flow, str] = {
    Flow.ENTERS: "ADD",
    Flow.MOVES: "OBSERVE",
    Flow.HANDED_OVER: "OBSERVE",
    Flow.ENDS: "DELETE",
}

# (document type, flow) → (bizStep, disposition) from GS1's Core Business Vocabulary 2.0.
# Anything not named here (a reversal, say) takes the flow's default below.
STEPS: dict[tuple[DocumentType, Flow], tuple[str, str]] = {
    (DocumentType.RECEIPT, Flow.ENTERS): ("receiving", "in_progress"),
    (DocumentType.SHIPMENT, Flow.HANDED_OVER): ("shipping", "in_transit"),
    (DocumentType.RETURN_RECEIPT, Flow.ENTERS): ("receiving", "returned"),
    (DocumentType.RETURN_SHIPMENT, Flow.HANDED_OVER): ("shipping", "returned"),
    (DocumentType.SCRAP, Flow.ENDS): ("destroying", "destroyed"),
    (DocumentType.ADJUSTMENT, Flow.ENTERS): ("stock_taking", "available"),
    (DocumentType.ADJUSTMENT, Flow.ENDS): ("stock_taking", "unavailable"),
    (DocumentType.COUNT, Flow.ENTERS): ("cycle_counting", "available"),
    (DocumentType.COUNT, Flow.ENDS): ("cycle_counting", "unknown"),
}
DEFAULT_STEPS: dict[Flow, tuple[str, str]] = {
    Flow.ENTERS: ("receiving", "in_progress"),
    Flow.MOVES: ("arriving", "in_progress"),
    Flow.HANDED_OVER: ("shipping", "in_transit"),
    Flow.ENDS: ("removing", "unavailable"),
}
# An assembly consumes components into outputs; a reclassification turns old numbers (or dates)
# into new ones: CBV names no renaming step, so it is `other`.
TRANSFORMATIONS: dict[DocumentType, tuple[str, str]] = {
    DocumentType.ASSEMBLY: ("assembling", "in_progress"),
    DocumentType.RECLASSIFICATION: ("other", "in_progress"),
}
BIZ_TRANSACTION_TYPE: dict[DocumentType, str] = {
    DocumentType.RECEIPT: "recadv",
    DocumentType.SHIPMENT: "desadv",
    DocumentType.RETURN_RECEIPT: "rma",
    DocumentType.RETURN_SHIPMENT: "desadv",
    DocumentType.ASSEMBLY: "prodorder",
}

# Units of measure as UN/ECE Recommendation 20 codes; a unit not here that is not a code already
# is a count (EPCIS: a quantity without `uom` counts instances of the class).
UOM: dict[str, str] = {
    "kg": "KGM",
    "g": "GRM",
    "mg": "MGM",
    "t": "TNE",
    "l": "LTR",
    "ml": "MLT",
    "m": "MTR",
    "cm": "CMT",
    "mm": "MMT",
    "m2": "MTK",
    "m3": "MTQ",
    "h": "HUR",
}
_UOM_CODE = re.compile(r"^[A-Z0-9]{2,3}$")
_COUNTED = frozenset({"pcs", "pc", "ea", "each", "unit", "units", "piece", "pieces"})


def step(type: DocumentType, flow_: Flow, to_kind: LocationKind, from_kind: LocationKind) -> tuple[str, str]:
    """The CBV (bizStep, disposition) of a movement of this document type and flow."""
    if flow_ is Flow.MOVES:
        if to_kind is LocationKind.TRANSIT:
            return ("departing", "in_transit")
        if from_kind is LocationKind.TRANSIT:
            return ("arriving", "in_progress")
    if flow_ is Flow.HANDED_OVER and to_kind is LocationKind.SUPPLIER:
        return STEPS.get((type, flow_), ("shipping", "returned"))
    return STEPS.get((type, flow_), DEFAULT_STEPS[flow_])


def uom(unit: str) -> str | None:
    if unit.lower() in _COUNTED:
        return None
    code = UOM.get(unit.lower())
    if code is None and _UOM_CODE.match(unit):
        code = unit
    return code


def gtin14(gtin: str | None) -> str | None:
    """A GTIN-8, -12, -13 or -14 as the 14 digits GS1 Digital Link takes; None if not one."""
    if gtin and gtin.isdigit() and len(gtin) in (8, 12, 13, 14):
        return gtin.zfill(14)
    return None


def _part(value: str) -> str:
    return quote(value, safe="")


@dataclass(frozen=True, slots=True)
class Identifiers:
    """URIs for what events name: GS1 Digital Link where the item has a GTIN (SGTIN, LGTIN,
    SSCC), else URIs under the installation's own base (`ITEMTRACE_IDENTIFIER_BASE`)."""

    base: str = DEFAULT_IDENTIFIER_BASE

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))

    def instance(self, m: Movement) -> str:
        """A serial: SGTIN `https://id.gs1.org/01/{gtin14}/21/{serial}`."""
        assert m.serial is not None
        gtin = gtin14(m.gtin)
        if gtin:
            return f"{DIGITAL_LINK}/01/{gtin}/21/{_part(m.serial)}"
        return f"{self.base}/item/{_part(m.item)}/serial/{_part(m.serial)}"

    def class_(self, m: Movement) -> str:
        """A lot (LGTIN `https://id.gs1.org/01/{gtin14}/10/{lot}`) or the item itself."""
        gtin = gtin14(m.gtin)
        if gtin:
            return f"{DIGITAL_LINK}/01/{gtin}" + (f"/10/{_part(m.lot)}" if m.lot else "")
        return f"{self.base}/item/{_part(m.item)}" + (f"/lot/{_part(m.lot)}" if m.lot else "")

    def package(self, package: str) -> str:
        """An 18-digit package number is an SSCC; any other is the installation's own."""
        if len(package) == 18 and package.isdigit():
            return f"{DIGITAL_LINK}/00/{package}"
        return f"{self.base}/package/{_part(package)}"

    def location(self, code: str) -> str:
        return f"{self.base}/location/{_part(code)}"

    def party(self, code: str) -> str:
        return f"{self.base}/party/{_part(code)}"

    def document(self, number: str) -> str:
        return f"{self.base}/document/{_part(number)}"

    def event(self, *parts: object) -> str:
        """A stable event id: a name-based UUID of the base, the document, the posting time, the
        line and the event's kind, so the same ledger exports the same ids every time."""
        name = "|".join([self.base, *(str(p) for p in parts)])
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def event_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def number(quantity: Decimal) -> int | float:
    return int(quantity) if quantity == quantity.to_integral_value() else float(quantity)


def events(movements: Sequence[Movement], ids: Identifiers) -> Iterator[Event]:
    """The events of one document's movements (all its postings), oldest posting first."""
    postings: dict[datetime, list[Movement]] = {}
    for m in movements:
        postings.setdefault(m.posted_at, []).append(m)
    for posted_at in sorted(postings):
        rows = postings[posted_at]
        if rows[0].type in TRANSFORMATIONS:
            yield from _transformation(rows, ids)
            continue
        groups: dict[tuple[int, Flow], list[Movement]] = {}
        for m in rows:
            groups.setdefault((m.line_no, flow(m.from_kind, m.to_kind)), []).append(m)
        for (line_no, flow_), group in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1].value)):
            yield _object_event(group, flow_, line_no, ids)
            yield from _aggregations(group, flow_, ids, line_no)


def _common(first: Movement, ids: Identifiers, kind: str, *parts: object) -> Event:
    return {
        "type": kind,
        "eventTime": event_time(first.posted_at),
        "eventTimeZoneOffset": "+00:00",
        "eventID": ids.event(first.document, first.posted_at.isoformat(), kind, *parts),
    }


def _what(rows: Iterable[Movement], ids: Identifiers) -> tuple[list[str], list[dict[str, Any]]]:
    """Serials as EPCs; lots and untracked quantities as quantities per class."""
    epcs: dict[str, None] = {}
    quantities: dict[str, tuple[Decimal, str | None]] = {}
    for m in rows:
        if m.serial:
            epcs[ids.instance(m)] = None
            continue
        epc_class = ids.class_(m)
        total, _ = quantities.get(epc_class, (Decimal(0), None))
        quantities[epc_class] = (total + m.quantity, uom(m.unit))
    quantity_list = []
    for epc_class, (total, unit) in quantities.items():
        element: dict[str, Any] = {"epcClass": epc_class, "quantity": number(total)}
        if unit:
            element["uom"] = unit
        quantity_list.append(element)
    return list(epcs), quantity_list


def _where(first: Movement, flow_: Flow, ids: Identifiers) -> Event:
    """readPoint, bizLocation, sourceList, destinationList, bizTransactionList."""
    where: Event = {}
    here = first.to_location if flow_ in (Flow.ENTERS, Flow.MOVES) else first.from_location
    if flow_ is Flow.MOVES and first.to_kind is LocationKind.TRANSIT:
        here = first.from_location
    where["readPoint"] = {"id": ids.location(here)}
    if flow_ in (Flow.ENTERS, Flow.MOVES) and first.to_kind is LocationKind.INTERNAL:
        where["bizLocation"] = {"id": ids.location(first.to_location)}
    sources: list[dict[str, str]] = []
    destinations: list[dict[str, str]] = []
    if first.from_kind in _PARTNER_KINDS and first.partner:
        sources.append({"type": "owning_party", "source": ids.party(first.partner)})
    elif first.from_kind.in_stock:
        sources.append({"type": "location", "source": ids.location(first.from_location)})
    if first.to_kind in _PARTNER_KINDS and first.partner:
        destinations.append({"type": "owning_party", "destination": ids.party(first.partner)})
    elif first.to_kind.in_stock:
        destinations.append({"type": "location", "destination": ids.location(first.to_location)})
    if sources:
        where["sourceList"] = sources
    if destinations:
        where["destinationList"] = destinations
    transaction = {"bizTransaction": ids.document(first.document)}
    if first.type in BIZ_TRANSACTION_TYPE:
        transaction = {"type": BIZ_TRANSACTION_TYPE[first.type], **transaction}
    where["bizTransactionList"] = [transaction]
    return where


def _object_event(rows: Sequence[Movement], flow_: Flow, line_no: int, ids: Identifiers) -> Event:
    first = rows[0]
    epcs, quantities = _what(rows, ids)
    biz_step, disposition = step(first.type, flow_, first.to_kind, first.from_kind)
    event = _common(first, ids, "ObjectEvent", line_no, flow_.value)
    event["epcList"] = epcs
    if quantities:
        event["quantityList"] = quantities
    event.update(action=ACTION[flow_], bizStep=biz_step, disposition=disposition)
    event.update(_where(first, flow_, ids))
    return event


def _aggregations(rows: Sequence[Movement], flow_: Flow, ids: Identifiers, line_no: int) -> Iterator[Event]:
    """A package on the line: packed as it enters (ADD), seen as it moves or is handed over
    (OBSERVE), unpacked as it ends (DELETE)."""
    packages: dict[str, list[Movement]] = {}
    for m in rows:
        if m.package:
            packages.setdefault(m.package, []).append(m)
    for package in sorted(packages):
        contents = packages[package]
        first = contents[0]
        epcs, quantities = _what(contents, ids)
        if first.type in TRANSFORMATIONS:
            biz_step, disposition = TRANSFORMATIONS[first.type]
        else:
            biz_step, disposition = step(first.type, flow_, first.to_kind, first.from_kind)
        event = _common(first, ids, "AggregationEvent", line_no, flow_.value, package)
        event["parentID"] = ids.package(package)
        event["childEPCs"] = epcs
        if quantities:
            event["childQuantityList"] = quantities
        event.update(action=ACTION[flow_], bizStep=biz_step, disposition=disposition)
        event.update(_where(first, flow_, ids))
        yield event


def _transformation(rows: Sequence[Movement], ids: Identifiers) -> Iterator[Event]:
    """What was consumed (or renamed away) → what came out, in one event per posting."""
    inputs = [m for m in rows if flow(m.from_kind, m.to_kind) is Flow.ENDS]
    outputs = [m for m in rows if flow(m.from_kind, m.to_kind) is not Flow.ENDS]
    first = rows[0]
    biz_step, disposition = TRANSFORMATIONS[first.type]
    event = _common(first, ids, "TransformationEvent")
    for side, side_rows in (("input", inputs), ("output", outputs)):
        epcs, quantities = _what(side_rows, ids)
        if epcs:
            event[f"{side}EPCList"] = epcs
        if quantities:
            event[f"{side}QuantityList"] = quantities
    event["transformationID"] = ids.document(first.document)
    event.update(bizStep=biz_step, disposition=disposition)
    where_row = outputs[0] if outputs else first
    where = _where(where_row, Flow.ENTERS if outputs else Flow.ENDS, ids)
    where.pop("sourceList", None)
    where.pop("destinationList", None)
    event.update(where)
    yield event
    for flow_, side_rows in ((Flow.ENDS, inputs), (Flow.ENTERS, outputs)):
        yield from _aggregations(side_rows, flow_, ids, 0)


def document_head(created_at: datetime) -> Event:
    """The EPCISDocument around the event list (the list itself is streamed)."""
    return {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": event_time(created_at),
    }
