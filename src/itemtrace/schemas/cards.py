"""Information card schemas (serial, lot, package), their maintenance bodies and search rows."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from itemtrace.domain import limits
from itemtrace.domain.cards import Card, Comment, Genealogy, GenealogyLink, HistoryEntry, Listed
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.warranty import ServiceEntry, ServiceKind, Warranty, WarrantyLine, WarrantyStatus
from itemtrace.schemas.common import (
    CONTROL_MESSAGE,
    CardDescription,
    CommentText,
    Number,
    OmitWhenEmpty,
    QuantityOut,
    ServiceNote,
    StrictModel,
    Timestamp,
    has_control,
)


class CommentOut(BaseModel):
    text: str
    user: str | None
    created_at: Timestamp

    @classmethod
    def from_domain(cls, comment: Comment) -> CommentOut:
        return cls(text=comment.text, user=comment.user, created_at=comment.created_at)


Day = date  # a field named `date` hides the type inside its class


class WarrantyOut(BaseModel):
    """The warranty on the day the card is read: `active` through its last day, then `expired`."""

    date: Day | None
    status: WarrantyStatus
    days_left: int | None

    @classmethod
    def from_domain(cls, warranty: Warranty) -> WarrantyOut:
        return cls(date=warranty.date, status=warranty.status, days_left=warranty.days_left)


class ServiceOut(BaseModel):
    kind: ServiceKind
    note: str
    date: Day
    user: str | None
    created_at: Timestamp
    replacement: str | None

    @classmethod
    def from_domain(cls, entry: ServiceEntry) -> ServiceOut:
        return cls(
            kind=entry.kind,
            note=entry.note,
            date=entry.date,
            user=entry.user,
            created_at=entry.created_at,
            replacement=entry.replacement,
        )


class ServiceIn(StrictModel):
    """`kind`: inspection, repair, replacement or warranty_claim; `date` defaults to today. A
    replacement may name the serial sent in the unit's place: it keeps this unit's warranty."""

    kind: ServiceKind
    note: ServiceNote = ""
    date: Day | None = None
    replacement: Number | None = None


class WarrantyLineOut(BaseModel):
    customer: str | None
    item: str
    serial: str
    warranty_date: date | None
    status: WarrantyStatus
    days_left: int | None

    @classmethod
    def from_domain(cls, line: WarrantyLine) -> WarrantyLineOut:
        return cls(
            customer=line.customer,
            item=line.item,
            serial=line.serial,
            warranty_date=line.warranty.date,
            status=line.warranty.status,
            days_left=line.warranty.days_left,
        )


class WarrantyReportOut(BaseModel):
    items: list[WarrantyLineOut]


class HistoryOut(OmitWhenEmpty):
    """One movement, oldest first: the document that moved it, from → to, who and for whom."""

    omit_when_empty = frozenset(
        {"correction", "reverses", "reversed_by"}
    )  # the corrections links, when there are any

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    posted_at: Timestamp
    posting_date: date
    document: str
    document_id: int
    type: str
    from_: str = Field(alias="from")
    to: str
    partner: str | None
    user: str | None
    quantity: QuantityOut
    item: str | None
    serial: str | None
    lot: str | None
    package: str | None
    correction: bool = Field(default=False, description="this movement reverses an earlier document")
    reverses: str | None = None
    reversed_by: str | None = None

    @classmethod
    def from_domain(cls, h: HistoryEntry) -> HistoryOut:
        return cls(
            posted_at=h.posted_at,
            posting_date=h.posting_date,
            document=h.document,
            document_id=h.document_id,
            type=h.type,
            from_=h.from_location,
            to=h.to_location,
            partner=h.partner,
            user=h.user,
            quantity=h.quantity,
            item=h.item,
            serial=h.serial,
            lot=h.lot,
            package=h.package,
            correction=h.correction,
            reverses=h.reverses,
            reversed_by=h.reversed_by,
        )


class LocationQuantityOut(BaseModel):
    location: str
    quantity: QuantityOut


class HolderOut(BaseModel):
    partner: str | None
    quantity: QuantityOut


class ContentOut(BaseModel):
    item: str | None
    serial: str | None
    lot: str | None
    location: str
    quantity: QuantityOut


class GenealogyLinkOut(BaseModel):
    """The unit on the other side of an assembly: what this went into, or was made from."""

    item: str
    serial: str | None
    lot: str | None
    package: str | None
    document: str
    date: date
    quantity: QuantityOut

    @classmethod
    def from_domain(cls, link: GenealogyLink) -> GenealogyLinkOut:
        return cls(
            item=link.item,
            serial=link.serial,
            lot=link.lot,
            package=link.package,
            document=link.document,
            date=link.posting_date,
            quantity=link.quantity,
        )


class GenealogyOut(BaseModel):
    went_into: list[GenealogyLinkOut]
    made_from: list[GenealogyLinkOut]

    @classmethod
    def from_domain(cls, genealogy: Genealogy) -> GenealogyOut:
        return cls(
            went_into=[GenealogyLinkOut.from_domain(g) for g in genealogy.went_into],
            made_from=[GenealogyLinkOut.from_domain(g) for g in genealogy.made_from],
        )


class SerialCardOut(BaseModel):
    item: str | None
    serial: str | None
    lot: str | None
    package: str | None
    status: TrackingStatus
    location: str | None
    holder: str | None
    expiration_date: date | None
    warranty_date: date | None
    blocked: bool
    description: str
    attributes: dict[str, Any]
    comments: list[CommentOut]
    history: list[HistoryOut]
    genealogy: GenealogyOut
    warranty: WarrantyOut
    service_log: list[ServiceOut]
    replaces: str | None
    # Reclassification links (docs/reclassification.md): the numbers this one became, and those
    # that became it, each with its document.
    renamed_to: list[GenealogyLinkOut] = []
    renamed_from: list[GenealogyLinkOut] = []

    @classmethod
    def fields_of(cls, card: Card) -> dict[str, Any]:
        return {
            "item": card.item,
            "serial": card.serial,
            "lot": card.lot,
            "package": card.package,
            "status": card.status,
            "location": card.location,
            "holder": card.holder,
            "expiration_date": card.expiration_date,
            "warranty_date": card.warranty_date,
            "blocked": card.blocked,
            "description": card.description,
            "attributes": dict(card.attributes),
            "comments": [CommentOut.from_domain(c) for c in card.comments],
            "history": [HistoryOut.from_domain(h) for h in card.history],
            "genealogy": GenealogyOut.from_domain(card.genealogy),
            "warranty": WarrantyOut.from_domain(card.warranty),
            "service_log": [ServiceOut.from_domain(s) for s in card.service_log],
            "replaces": card.replaces,
            "renamed_to": [GenealogyLinkOut.from_domain(g) for g in card.renamed_to],
            "renamed_from": [GenealogyLinkOut.from_domain(g) for g in card.renamed_from],
        }

    @classmethod
    def from_domain(cls, card: Card) -> SerialCardOut:
        return cls(**cls.fields_of(card))


class LotCardOut(SerialCardOut):
    on_hand: QuantityOut
    reserved: QuantityOut
    locations: list[LocationQuantityOut]
    holders: list[HolderOut]

    @classmethod
    def fields_of(cls, card: Card) -> dict[str, Any]:
        return {
            **SerialCardOut.fields_of(card),
            "on_hand": card.on_hand,
            "reserved": card.reserved,
            "locations": [
                LocationQuantityOut(location=q.location, quantity=q.quantity) for q in card.locations
            ],
            "holders": [HolderOut(partner=h.partner, quantity=h.quantity) for h in card.holders],
        }

    @classmethod
    def from_domain(cls, card: Card) -> LotCardOut:
        return cls(**cls.fields_of(card))


class PackageCardOut(LotCardOut):
    contents: list[ContentOut]

    @classmethod
    def from_domain(cls, card: Card) -> PackageCardOut:
        contents = [
            ContentOut(item=c.item, serial=c.serial, lot=c.lot, location=c.location, quantity=c.quantity)
            for c in card.contents
        ]
        return cls(**LotCardOut.fields_of(card), contents=contents)


def _attributes(value: dict[str, Any]) -> dict[str, Any]:
    """Free-form JSON, bounded: nesting, size, and values every database stores as they are."""
    _check_json(value, depth=1, where="attributes")
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    if size > limits.ATTRIBUTES_BYTES:
        raise ValueError(
            f"attributes are {size} bytes as JSON; at most {limits.ATTRIBUTES_BYTES} are kept on a card"
        )
    return value


def _check_json(value: object, *, depth: int, where: str) -> None:
    if isinstance(value, dict | list) and depth > limits.ATTRIBUTES_DEPTH:
        raise ValueError(f"{where}: attributes nest at most {limits.ATTRIBUTES_DEPTH} levels deep")
    if isinstance(value, dict):
        for key, inner in value.items():
            if has_control(key):
                raise ValueError(f"{where}: a key holds a control character, which is not allowed")
            _check_json(inner, depth=depth + 1, where=f"{where}.{key}")
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            _check_json(inner, depth=depth + 1, where=f"{where}.{n}")
    elif isinstance(value, str) and has_control(value):
        raise ValueError(f"{where}: {CONTROL_MESSAGE}")
    elif isinstance(value, int) and not isinstance(value, bool) and not _INT64.start <= value < _INT64.stop:
        raise ValueError(f"{where}: integers are kept up to 64 bits; send a larger one as a string")
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where}: numbers must be finite")


_INT64 = range(-limits.MAX_INT64 - 1, limits.MAX_INT64 + 1)


Attributes = Annotated[dict[str, Any], AfterValidator(_attributes)]


class CardPatch(StrictModel):
    """The maintained fields of a card; absent fields stay as they are, attributes are merged."""

    blocked: bool | None = None
    description: CardDescription | None = None
    attributes: Attributes | None = Field(
        default=None,
        description=f"Free-form JSON, merged into the card's: at most {limits.ATTRIBUTES_DEPTH} levels "
        f"deep and {limits.ATTRIBUTES_BYTES} bytes",
    )


class CommentIn(StrictModel):
    text: CommentText


class SerialRowOut(BaseModel):
    item: str
    serial: str
    lot: str | None
    package: str | None
    status: TrackingStatus
    location: str | None
    holder: str | None
    quantity: QuantityOut
    expiration_date: date | None
    blocked: bool

    @classmethod
    def from_domain(cls, row: Listed) -> SerialRowOut:
        return cls(
            item=row.item,
            serial=row.number,
            lot=row.lot,
            package=row.package,
            status=row.status,
            location=row.location,
            holder=row.holder,
            quantity=row.quantity,
            expiration_date=row.expiration_date,
            blocked=row.blocked,
        )


class LotRowOut(BaseModel):
    item: str
    lot: str
    package: str | None
    status: TrackingStatus
    location: str | None
    holder: str | None
    quantity: QuantityOut
    expiration_date: date | None
    blocked: bool

    @classmethod
    def from_domain(cls, row: Listed) -> LotRowOut:
        return cls(
            item=row.item,
            lot=row.number,
            package=row.package,
            status=row.status,
            location=row.location,
            holder=row.holder,
            quantity=row.quantity,
            expiration_date=row.expiration_date,
            blocked=row.blocked,
        )
