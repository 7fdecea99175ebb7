"""Documents: what users post. A header, lines, and per line its tracking lines.

Status moves draft → posted or draft → cancelled and never back; posted documents never change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Self

from itemtrace.domain.errors import Conflict, ErrorCode, ValidationFailed
from itemtrace.domain.links import DocumentLinks
from itemtrace.domain.masterdata import VIRTUAL_LOCATIONS, Location, LocationKind, Partner, PartnerKind
from itemtrace.domain.tracking import Direction, TrackingKey


class DocumentType(StrEnum):
    RECEIPT = "receipt"
    SHIPMENT = "shipment"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    SCRAP = "scrap"
    ASSEMBLY = "assembly"
    RETURN_RECEIPT = "return_receipt"
    RETURN_SHIPMENT = "return_shipment"
    RECLASSIFICATION = "reclassification"
    COUNT = "count"


# A document's number is its type's prefix and its id: RCPT-000042.
DOCUMENT_PREFIX: dict[DocumentType, str] = {
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


def document_number(type: DocumentType, document_id: int) -> str:
    return f"{DOCUMENT_PREFIX[type]}-{document_id:06d}"


class Status(StrEnum):
    DRAFT = "draft"
    POSTED = "posted"
    CANCELLED = "cancelled"


class TransitStatus(StrEnum):
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"


class CountScope(StrEnum):
    """What a count document covers: the items on its lines, or everything at its locations
    (an item on hand there that no line names was counted and none was found)."""

    ITEM = "item"
    LOCATION = "location"


class Role(StrEnum):
    CONSUME = "consume"
    OUTPUT = "output"


@dataclass(frozen=True, slots=True)
class TrackingLine:
    serial: str | None = None
    lot: str | None = None
    package: str | None = None
    quantity: Decimal = Decimal(1)
    expiration_date: date | None = None
    warranty_date: date | None = None
    new_serial: str | None = None
    new_lot: str | None = None
    new_package: str | None = None
    new_expiration_date: date | None = None
    # Reclassification: copy the old number's card (description, attributes, comments) to the new.
    copy_info: bool = True

    def key(self, item: str) -> TrackingKey:
        return TrackingKey(item, self.serial, self.lot, self.package)

    @property
    def named(self) -> bool:
        return bool(self.serial or self.lot or self.package)


@dataclass(frozen=True, slots=True)
class Assign:
    """Fill the undefined quantity of an inbound line with new numbers.

    `serial`/`lot` from the item's series; or a customised run (`start`, `increment`, `count`),
    optionally all in one `new_lot` taken from the item's lot series.
    """

    serial: bool = False
    lot: bool = False
    start: str | None = None
    increment: int = 1
    count: int | None = None
    new_lot: bool = False
    package: bool = False  # one new package number from the item's package series for the whole line


@dataclass(frozen=True, slots=True)
class Line:
    item: str
    quantity: Decimal
    from_location: str | None = None
    to_location: str | None = None
    tracking: tuple[TrackingLine, ...] = ()
    assign: Assign | None = None
    role: Role | None = None
    line_no: int = 0
    count_package: str | None = None  # a count line counting one package of the item (domain/counting.py)

    @property
    def tracked_quantity(self) -> Decimal:
        return sum((t.quantity for t in self.tracking), Decimal(0))


@dataclass(frozen=True, slots=True)
class Document:
    """A document as the rules see it. Built by the faces or by the domain (a reversal, a return,
    a posted part), it is a draft not yet stored and has no id; what storage returns is a
    `StoredDocument`."""

    type: DocumentType
    lines: tuple[Line, ...]
    partner: str | None = None
    reference: str | None = None
    posting_date: date | None = None
    in_transit: bool = False
    number: str | None = None
    status: Status = Status.DRAFT
    transit_status: TransitStatus | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    posted_at: datetime | None = None
    posted_by: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)
    count_scope: CountScope | None = None  # count documents only (domain/counting.py)
    links: DocumentLinks = field(default_factory=DocumentLinks)  # reversals, parts, transit (read only)

    def numbered(self) -> Self:
        """Give each line its 1-based number (the `line` of a violation)."""
        return replace(self, lines=tuple(replace(ln, line_no=i) for i, ln in enumerate(self.lines, 1)))

    def posted(self, *, by: str | None, at: datetime, posting_date: date) -> Self:
        """The draft as posted: a transfer in transit waits to be received."""
        self.require_draft()
        in_transit = self.type is DocumentType.TRANSFER and self.in_transit
        return replace(
            self,
            status=Status.POSTED,
            posted_by=by,
            posted_at=at,
            posting_date=posting_date,
            transit_status=TransitStatus.IN_TRANSIT if in_transit else None,
        )

    def as_new(self) -> Document:
        """The same header and lines as a new document, not stored yet: no id, no number."""
        return replace(Document(**{f.name: getattr(self, f.name) for f in fields(Document)}), number=None)

    def require_draft(self) -> None:
        if self.status is not Status.DRAFT:
            raise Conflict(
                f"document {self.number} is {self.status.value}, not a draft: posted documents "
                "never change, post a new document to correct it",
                code=ErrorCode.DOCUMENT_NOT_DRAFT,
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredDocument(Document):
    """A document storage has written (a draft, posted or cancelled): it has its id."""

    id: int


def id_if_stored(document: Document) -> int | None:
    """The id of a document storage has written; None for a new one (it reserves nothing yet)."""
    return document.id if isinstance(document, StoredDocument) else None


INBOUND_TYPES = {DocumentType.RECEIPT, DocumentType.RETURN_RECEIPT}
OUTBOUND_TYPES = {DocumentType.SHIPMENT, DocumentType.SCRAP, DocumentType.RETURN_SHIPMENT}

# Where each type's stock comes from and goes to when a line leaves the side out.
_DEFAULT_FROM: dict[DocumentType, LocationKind] = {
    DocumentType.RECEIPT: LocationKind.SUPPLIER,
    DocumentType.RETURN_RECEIPT: LocationKind.CUSTOMER,
}
_DEFAULT_TO: dict[DocumentType, LocationKind] = {
    DocumentType.SHIPMENT: LocationKind.CUSTOMER,
    DocumentType.SCRAP: LocationKind.SCRAP,
    DocumentType.RETURN_SHIPMENT: LocationKind.SUPPLIER,
}
_REQUIRED_KINDS: dict[DocumentType, tuple[set[LocationKind], set[LocationKind]]] = {
    DocumentType.RECEIPT: ({LocationKind.SUPPLIER}, {LocationKind.INTERNAL}),
    DocumentType.SHIPMENT: ({LocationKind.INTERNAL}, {LocationKind.CUSTOMER}),
    DocumentType.TRANSFER: ({LocationKind.INTERNAL}, {LocationKind.INTERNAL}),
    DocumentType.SCRAP: ({LocationKind.INTERNAL}, {LocationKind.SCRAP}),
    DocumentType.RETURN_RECEIPT: ({LocationKind.CUSTOMER}, {LocationKind.INTERNAL}),
    DocumentType.RETURN_SHIPMENT: ({LocationKind.INTERNAL}, {LocationKind.SUPPLIER}),
    DocumentType.RECLASSIFICATION: ({LocationKind.INTERNAL}, {LocationKind.INTERNAL}),
}


def default_source(document_type: DocumentType) -> str | None:
    """Where a line of this type takes stock from when it leaves `from_location` out."""
    kind = _DEFAULT_FROM.get(document_type)
    return VIRTUAL_LOCATIONS[kind] if kind is not None else None


def line_direction(document_type: DocumentType, line: Line, locations: Mapping[str, Location]) -> Direction:
    """Inbound lines bring stock into the business; outbound ones take it out or move it."""
    if document_type in INBOUND_TYPES:
        return Direction.INBOUND
    if document_type is DocumentType.ADJUSTMENT:
        source = locations.get(line.from_location or "")
        return Direction.OUTBOUND if source and source.kind is LocationKind.INTERNAL else Direction.INBOUND
    if document_type is DocumentType.ASSEMBLY:
        return Direction.INBOUND if line.role is Role.OUTPUT else Direction.OUTBOUND
    return Direction.OUTBOUND


def resolve_locations(document: Document, locations: Mapping[str, Location]) -> Document:
    """Fill the virtual side of each line and check every line moves between the right kinds.

    Raises `ValidationFailed` naming the line when a location is unknown or of the wrong kind.
    """
    virtual = dict(VIRTUAL_LOCATIONS)
    resolved: list[Line] = []
    for line in document.lines:
        source, target = line.from_location, line.to_location
        kind_from = _DEFAULT_FROM.get(document.type)
        kind_to = _DEFAULT_TO.get(document.type)
        if document.type is DocumentType.ADJUSTMENT:
            if bool(source) == bool(target):
                raise ValidationFailed(
                    f"line {line.line_no}: an adjustment names either to_location (positive: stock found) "
                    "or from_location (negative: stock lost), not both or neither"
                )
            kind_from = LocationKind.ADJUSTMENT if target else None
            kind_to = LocationKind.ADJUSTMENT if source else None
        if document.type is DocumentType.ASSEMBLY:
            if line.role is None:
                raise ValidationFailed(f"line {line.line_no}: assembly lines need a role, consume or output")
            kind_from = LocationKind.PRODUCTION if line.role is Role.OUTPUT else None
            kind_to = LocationKind.PRODUCTION if line.role is Role.CONSUME else None
        if document.type is DocumentType.RECLASSIFICATION and target is None:
            target = source  # reclassified where it is unless the line moves it
        if source is None and kind_from is not None:
            source = virtual[kind_from]
        if target is None and kind_to is not None:
            target = virtual[kind_to]
        for side, code in (("from_location", source), ("to_location", target)):
            if code is None:
                raise ValidationFailed(f"line {line.line_no}: a {document.type.value} line needs {side}")
            if code not in locations:
                raise ValidationFailed(
                    f"line {line.line_no}: {side} {code} does not exist: create the location first"
                )
        assert source is not None and target is not None
        required = _REQUIRED_KINDS.get(document.type)
        if required is not None:
            want_from, want_to = required
            got_from, got_to = locations[source].kind, locations[target].kind
            if got_from not in want_from or got_to not in want_to:
                raise ValidationFailed(
                    f"line {line.line_no}: a {document.type.value} moves from "
                    f"{'/'.join(sorted(want_from))} to {'/'.join(sorted(want_to))} locations, "
                    f"but {source} is {got_from.value} and {target} is {got_to.value}"
                )
        if document.type is DocumentType.ADJUSTMENT:
            inside = locations[target if line.to_location else source]
            if inside.kind is not LocationKind.INTERNAL:
                raise ValidationFailed(
                    f"line {line.line_no}: adjustments change stock in internal locations; "
                    f"{inside.code} is {inside.kind.value}"
                )
        if document.type is DocumentType.TRANSFER and source == target:
            raise ValidationFailed(
                f"line {line.line_no}: a transfer needs two different locations, got {source} twice"
            )
        resolved.append(replace(line, from_location=source, to_location=target))
    return replace(document, lines=tuple(resolved))


# Who is on the other side of each partner-facing document.
PARTNER_KIND: dict[DocumentType, PartnerKind] = {
    DocumentType.RECEIPT: PartnerKind.VENDOR,
    DocumentType.RETURN_SHIPMENT: PartnerKind.VENDOR,
    DocumentType.SHIPMENT: PartnerKind.CUSTOMER,
    DocumentType.RETURN_RECEIPT: PartnerKind.CUSTOMER,
}


def check_partner(document_type: DocumentType, partner: Partner) -> None:
    """A receipt or a return shipment names a vendor; a shipment or a return receipt a customer."""
    expected = PARTNER_KIND.get(document_type)
    if expected is not None and partner.kind is not expected:
        raise ValidationFailed(
            f"a {document_type.value} names a {expected.value}, but {partner.code} is a {partner.kind.value}"
        )


def check_assignable(line: Line, locations: Mapping[str, Location]) -> None:
    """Numbers are assigned (from a series or a run) on inbound lines only: into one of our own
    places, from a named one."""
    if locations[line.to_location or ""].kind is not LocationKind.INTERNAL or line.from_location in (
        None,
        "",
    ):
        raise ValidationFailed(f"line {line.line_no}: numbers are assigned on inbound lines only")


def validate_numbers(document: Document) -> None:
    """Serial, lot and package numbers are 1 to 50 printable characters (they may contain '/')."""
    for line in document.lines:
        # A count line may count nothing at all: nothing of the item was found there.
        if line.quantity < 0 or (line.quantity == 0 and document.type is not DocumentType.COUNT):
            raise ValidationFailed(f"line {line.line_no}: quantity must be positive, got {line.quantity}")
        if line.quantity != line.quantity.quantize(Decimal("0.001")):
            raise ValidationFailed(f"line {line.line_no}: quantities have at most 3 decimal places")
        for t in line.tracking:
            for name in ("serial", "lot", "package", "new_serial", "new_lot", "new_package"):
                value = getattr(t, name)
                if value is not None and not is_valid_number(value):
                    raise ValidationFailed(
                        f"line {line.line_no}: {name} {value!r} is not a valid number: use 1 to 50 printable "
                        "characters, no leading or trailing spaces"
                    )


def is_valid_number(value: str) -> bool:
    return 0 < len(value) <= 50 and value.isprintable() and value == value.strip()


def expand_assign(line: Line, serials: list[str], lot: str | None) -> Line:
    """Put assigned numbers on the line: one tracking line per serial (in `lot`), or the lot alone."""
    if serials:
        added = tuple(TrackingLine(serial=s, lot=lot, quantity=Decimal(1)) for s in serials)
    elif lot:
        added = (TrackingLine(lot=lot, quantity=line.quantity - line.tracked_quantity),)
    else:
        added = ()
    return replace(line, tracking=line.tracking + added, assign=None)


def pack(line: Line, package: str) -> Line:
    """Put the whole line in one package: every tracking line without a package gets it, and an
    undefined quantity becomes a tracking line of that package."""
    tracking = tuple(t if t.package else replace(t, package=package) for t in line.tracking)
    rest = line.quantity - line.tracked_quantity
    if rest > 0:
        tracking += (TrackingLine(package=package, quantity=rest),)
    return replace(line, tracking=tracking)


def assign_count(line: Line) -> int:
    """How many serials an `assign` asks for: its `count`, or the line's undefined quantity."""
    assert line.assign is not None
    if line.assign.count is not None:
        return line.assign.count
    undefined = line.quantity - line.tracked_quantity
    if undefined != undefined.to_integral_value():
        raise ValidationFailed(
            f"line {line.line_no}: serials need a whole quantity, {undefined} is undefined"
        )
    return int(undefined)
