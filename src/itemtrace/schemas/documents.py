"""Document schemas: `DocumentIn` → domain draft, domain document → `DocumentOut`; receipt bodies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field, model_validator

from itemtrace.domain import limits
from itemtrace.domain.counting import Expectation
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
from itemtrace.domain.links import TransitQuantity
from itemtrace.schemas.common import (
    CountedQuantityIn,
    LocationCode,
    Number,
    OmitWhenEmpty,
    PartnerCode,
    QuantityIn,
    QuantityOut,
    Reference,
    Sku,
    StrictModel,
    Timestamp,
)
from itemtrace.schemas.counts import ExpectedOut


class TrackingIn(StrictModel):
    """One tracking line; a serial's quantity defaults to 1. The `new_*` fields name what a
    reclassification turns the number into, and belong to reclassification documents only."""

    serial: Number | None = None
    lot: Number | None = None
    package: Number | None = None
    quantity: QuantityIn | None = None
    expiration_date: date | None = None
    warranty_date: date | None = None
    new_serial: Number | None = None
    new_lot: Number | None = None
    new_package: Number | None = None
    new_expiration_date: date | None = None
    # Reclassification: copy the old number's card to the new number (docs/reclassification.md).
    copy_info: bool = True

    def to_domain(self, quantity: Decimal) -> TrackingLine:
        return TrackingLine(
            serial=self.serial,
            lot=self.lot,
            package=self.package,
            quantity=quantity,
            expiration_date=self.expiration_date,
            warranty_date=self.warranty_date,
            new_serial=self.new_serial,
            new_lot=self.new_lot,
            new_package=self.new_package,
            new_expiration_date=self.new_expiration_date,
            copy_info=self.copy_info,
        )


class AssignIn(StrictModel):
    """New numbers for an inbound line: from the item's series, or a customised run from `start`."""

    serial: bool = False
    lot: bool = False
    start: Number | None = None
    increment: int = Field(default=1, ge=1, le=limits.MAX_INCREMENT)
    count: int | None = Field(default=None, ge=1, le=limits.MAX_TRACKING)
    new_lot: bool = False
    package: bool = Field(default=False, description="one new package number for the whole line")

    def to_domain(self) -> Assign:
        return Assign(
            package=self.package,
            serial=self.serial,
            lot=self.lot,
            start=self.start,
            increment=self.increment,
            count=self.count,
            new_lot=self.new_lot,
        )


def _tracking_lines(quantity: Decimal, tracking: list[TrackingIn]) -> tuple[TrackingLine, ...]:
    """Serials default to 1; one lot/package line without a quantity takes what is left of the line."""
    given = sum((_explicit(t) or Decimal(0) for t in tracking), Decimal(0))
    open_lines = [t for t in tracking if _explicit(t) is None]
    rest = quantity - given
    return tuple(t.to_domain(_explicit(t) or rest) for t in tracking) if len(open_lines) <= 1 else ()


def _explicit(t: TrackingIn) -> Decimal | None:
    if t.quantity is not None:
        return t.quantity
    return Decimal(1) if t.serial is not None else None


_RENAMES = ("new_serial", "new_lot", "new_package", "new_expiration_date")


def _refuse_renames(what: str, lines: Sequence[LineIn | ReceivedLineIn]) -> None:
    """`new_*` fields rename numbers, which only a reclassification does: anywhere else they
    would be stored and ignored, so they are refused by name."""
    for n, line in enumerate(lines):
        for t, tracking in enumerate(line.tracking):
            for name in _RENAMES:
                if getattr(tracking, name) is not None:
                    raise ValueError(
                        f"lines.{n}.tracking.{t}.{name}: only reclassification documents rename "
                        f"numbers, not {what} (leave out new_serial, new_lot, new_package and "
                        "new_expiration_date)"
                    )


class LineIn(StrictModel):
    # No item: a transfer, shipment or return receipt line naming one package moves its contents.
    item: Sku | None = None
    quantity: CountedQuantityIn | None = None  # positive; 0 on count lines only (see DocumentIn)
    from_location: LocationCode | None = None
    to_location: LocationCode | None = None
    role: Role | None = None
    tracking: list[TrackingIn] = Field(default_factory=list, max_length=limits.MAX_TRACKING)
    assign: AssignIn | None = None

    @model_validator(mode="after")
    def _one_open_quantity(self) -> LineIn:
        if self.item is None:
            if self.quantity is not None or self.assign is not None:
                raise ValueError(
                    "a line without an item moves a whole package: give only its tracking "
                    '[{"package": "…"}] (no quantity, no assign)'
                )
            return self
        if self.quantity is None:
            raise ValueError("quantity: Field required")
        open_lines = sum(1 for t in self.tracking if _explicit(t) is None)
        if open_lines > 1:
            raise ValueError(
                "more than one lot/package tracking line has no quantity: give each one its quantity"
            )
        given = sum((_explicit(t) or Decimal(0) for t in self.tracking), Decimal(0))
        if open_lines and given >= self.quantity:
            raise ValueError("a tracking line without a quantity takes what is left of the line, and none is")
        assign = self.assign
        numbers_serials = assign is not None and assign.count is None and (assign.serial or assign.start)
        # The undefined quantity becomes that many serials: bounded like tracking lines are.
        if numbers_serials and self.quantity - given > limits.MAX_TRACKING:
            raise ValueError(f"one line assigns at most {limits.MAX_TRACKING} serials: split the line")
        return self

    def to_domain(self) -> Line:
        if self.item is None:  # a whole package: expanded into its contents by the service
            return Line(
                item="",
                quantity=Decimal(0),
                from_location=self.from_location,
                to_location=self.to_location,
                tracking=tuple(t.to_domain(Decimal(0)) for t in self.tracking),
            )
        assert self.quantity is not None
        return Line(
            item=self.item,
            quantity=self.quantity,
            from_location=self.from_location,
            to_location=self.to_location,
            role=self.role,
            tracking=_tracking_lines(self.quantity, self.tracking),
            assign=self.assign.to_domain() if self.assign is not None else None,
        )


class DocumentIn(StrictModel):
    """A draft document; `posting_date` defaults to today when posted."""

    type: DocumentType
    partner: PartnerCode | None = None
    reference: Reference | None = None
    posting_date: date | None = None
    in_transit: bool = False
    scope: CountScope | None = Field(
        default=None, description="count documents: `item` (the default) or `location` (see docs/counts.md)"
    )
    lines: list[LineIn] = Field(min_length=1, max_length=limits.MAX_LINES)

    @model_validator(mode="after")
    def _renames_only_in_reclassifications(self) -> DocumentIn:
        if self.type is not DocumentType.RECLASSIFICATION:
            _refuse_renames(f"{self.type.value} documents", self.lines)
        return self

    @model_validator(mode="after")
    def _counts_only(self) -> DocumentIn:
        if self.type is DocumentType.COUNT:
            return self
        if self.scope is not None:
            raise ValueError("scope: only count documents have a scope (leave it out)")
        for n, line in enumerate(self.lines):
            if line.quantity == 0:
                raise ValueError(
                    f"lines.{n}.quantity: a quantity must be positive (only a count line counts 0)"
                )
        return self

    def to_domain(self) -> Document:
        return Document(
            type=self.type,
            partner=self.partner,
            reference=self.reference,
            posting_date=self.posting_date,
            in_transit=self.in_transit,
            lines=tuple(line.to_domain() for line in self.lines),
            count_scope=(self.scope or CountScope.ITEM) if self.type is DocumentType.COUNT else None,
        )


class ReceivedLineIn(StrictModel):
    item: Sku
    quantity: QuantityIn | None = None
    tracking: list[TrackingIn] = Field(default_factory=list, max_length=limits.MAX_TRACKING)

    @model_validator(mode="after")
    def _quantity_or_tracking(self) -> ReceivedLineIn:
        if self.quantity is None and not self.tracking:
            raise ValueError("a received line names its quantity or its tracking")
        if self.quantity is None and any(_explicit(t) is None for t in self.tracking):
            raise ValueError("lot/package tracking lines need a quantity when the line has none")
        return self


class ReceiveIn(StrictModel):
    """What arrived at the end of an in-transit transfer: what was shipped on it, all or a part."""

    lines: list[ReceivedLineIn] = Field(max_length=limits.MAX_LINES)

    @model_validator(mode="after")
    def _no_renames(self) -> ReceiveIn:
        _refuse_renames("transit receipts", self.lines)
        return self

    def to_domain(self) -> list[tuple[str, TrackingLine]]:
        received: list[tuple[str, TrackingLine]] = []
        for line in self.lines:
            if not line.tracking:
                assert line.quantity is not None
                received.append((line.item, TrackingLine(quantity=line.quantity)))
                continue
            quantity = line.quantity
            if quantity is None:
                quantity = sum((_explicit(t) or Decimal(0) for t in line.tracking), Decimal(0))
            received.extend((line.item, t) for t in _tracking_lines(quantity, line.tracking))
        return received


class TrackingOut(OmitWhenEmpty):
    omit_when_none = frozenset({"copy_info"})  # reclassification lines only

    serial: str | None
    lot: str | None
    package: str | None
    quantity: QuantityOut
    expiration_date: date | None
    warranty_date: date | None
    new_serial: str | None
    new_lot: str | None
    new_package: str | None
    new_expiration_date: date | None
    copy_info: bool | None = None

    @classmethod
    def from_domain(cls, t: TrackingLine, *, reclassification: bool = False) -> TrackingOut:
        return cls(
            serial=t.serial,
            lot=t.lot,
            package=t.package,
            quantity=t.quantity,
            expiration_date=t.expiration_date,
            warranty_date=t.warranty_date,
            new_serial=t.new_serial,
            new_lot=t.new_lot,
            new_package=t.new_package,
            new_expiration_date=t.new_expiration_date,
            copy_info=t.copy_info if reclassification else None,
        )


class LineOut(OmitWhenEmpty):
    omit_when_empty = frozenset({"expected", "count_package"})

    line: int
    item: str
    quantity: QuantityOut
    from_location: str | None
    to_location: str | None
    role: Role | None
    tracking: list[TrackingOut]
    expected: ExpectedOut | None = None  # a count draft: what is on hand there now
    count_package: str | None = None  # a count line that counts this package of the item

    @classmethod
    def from_domain(
        cls, line: Line, expected: ExpectedOut | None = None, *, reclassification: bool = False
    ) -> LineOut:
        return cls(
            expected=expected,
            count_package=line.count_package,
            line=line.line_no,
            item=line.item,
            quantity=line.quantity,
            from_location=line.from_location,
            to_location=line.to_location,
            role=line.role,
            tracking=[TrackingOut.from_domain(t, reclassification=reclassification) for t in line.tracking],
        )


class TransitQuantityOut(BaseModel):
    """A quantity of an in-transit transfer's line: received, or still in transit."""

    line: int
    item: str
    serial: str | None
    lot: str | None
    package: str | None
    quantity: QuantityOut

    @classmethod
    def from_domain(cls, t: TransitQuantity) -> TransitQuantityOut:
        return cls(
            line=t.line_no,
            item=t.key.item,
            serial=t.key.serial,
            lot=t.key.lot,
            package=t.key.package,
            quantity=t.quantity,
        )


class DocumentOut(OmitWhenEmpty):
    # Count fields, and the corrections links, appear on the documents they concern.
    omit_when_empty = frozenset(
        {
            "scope",
            "not_listed",
            "reverses",
            "reversed_by",
            "from_draft",
            "posted_parts",
            "received",
            "still_in_transit",
        }
    )
    id: int
    number: str
    type: DocumentType
    status: Status
    partner: str | None
    reference: str | None
    posting_date: date | None
    in_transit: bool
    transit_status: TransitStatus | None
    created_by: str | None
    created_at: Timestamp | None
    posted_by: str | None
    posted_at: Timestamp | None
    lines: list[LineOut]
    scope: CountScope | None = None  # count documents only
    # A count draft with scope `location`: items on hand there that no line names (none found).
    not_listed: list[ExpectedOut] | None = None
    # Corrections (docs/corrections.md): reversal pair, partial postings, partial transit receipts.
    reverses: str | None = None
    reversed_by: str | None = None
    from_draft: str | None = None
    posted_parts: list[str] = Field(default_factory=list)
    received: list[TransitQuantityOut] = Field(default_factory=list)
    still_in_transit: list[TransitQuantityOut] = Field(default_factory=list)

    @classmethod
    def from_domain(cls, document: StoredDocument, expected: Sequence[Expectation] = ()) -> DocumentOut:
        by_line = {e.line_no: ExpectedOut.from_domain(e) for e in expected if e.line_no}
        unlisted = [ExpectedOut.from_domain(e) for e in expected if not e.line_no]
        return cls(
            scope=document.count_scope,
            not_listed=unlisted if expected and document.count_scope is CountScope.LOCATION else None,
            id=document.id,
            number=document.number or "",
            type=document.type,
            status=document.status,
            partner=document.partner,
            reference=document.reference,
            posting_date=document.posting_date,
            in_transit=document.in_transit,
            transit_status=document.transit_status,
            created_by=document.created_by,
            created_at=document.created_at,
            posted_by=document.posted_by,
            posted_at=document.posted_at,
            lines=[
                LineOut.from_domain(
                    line,
                    by_line.get(line.line_no),
                    reclassification=document.type is DocumentType.RECLASSIFICATION,
                )
                for line in document.lines
            ],
            reverses=document.links.reverses,
            reversed_by=document.links.reversed_by,
            from_draft=document.links.from_draft,
            posted_parts=list(document.links.posted_parts),
            received=[TransitQuantityOut.from_domain(t) for t in document.links.received],
            still_in_transit=[TransitQuantityOut.from_domain(t) for t in document.links.in_transit],
        )


class EntryOut(BaseModel):
    """One ledger entry of a document: a tracked quantity moved from one location to another."""

    id: int | None
    document: str | None
    type: str | None
    line: int
    item: str
    serial: str | None
    lot: str | None
    package: str | None
    quantity: QuantityOut
    from_location: str
    to_location: str
    expiration_date: date | None
    warranty_date: date | None
    posting_date: date | None
    posted_at: Timestamp | None
    partner: str | None
    user: str | None

    @classmethod
    def from_domain(cls, entry: StoredLedgerEntry) -> EntryOut:
        return cls(
            id=entry.id,
            document=entry.document_number,
            type=entry.document_type,
            line=entry.line_no,
            item=entry.key.item,
            serial=entry.key.serial,
            lot=entry.key.lot,
            package=entry.key.package,
            quantity=entry.quantity,
            from_location=entry.from_location,
            to_location=entry.to_location,
            expiration_date=entry.expiration_date,
            warranty_date=entry.warranty_date,
            posting_date=entry.posting_date,
            posted_at=entry.posted_at,
            partner=entry.partner,
            user=entry.user,
        )
