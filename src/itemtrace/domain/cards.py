"""Read models of the information cards: what a serial, lot or package is, where, and its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.warranty import NO_WARRANTY, ServiceEntry, Warranty


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    posted_at: datetime
    posting_date: date
    document: str
    document_id: int
    type: str
    from_location: str
    to_location: str
    partner: str | None
    user: str | None
    quantity: Decimal
    serial: str | None = None
    lot: str | None = None
    package: str | None = None
    item: str | None = None
    reverses: str | None = None  # this movement reverses that document (a correction)
    reversed_by: str | None = None  # this movement was undone by that document

    @property
    def correction(self) -> bool:
        return self.reverses is not None


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    user: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LocationQuantity:
    location: str
    quantity: Decimal
    item: str | None = None
    serial: str | None = None
    lot: str | None = None


@dataclass(frozen=True, slots=True)
class PartnerQuantity:
    partner: str | None
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class GenealogyLink:
    """The unit on the other side of an assembly link, and how much of the input went in."""

    item: str
    serial: str | None
    lot: str | None
    package: str | None
    document: str
    posting_date: date
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Genealogy:
    """What this unit went into (it was consumed) and what it was made from (it was output)."""

    went_into: tuple[GenealogyLink, ...] = ()
    made_from: tuple[GenealogyLink, ...] = ()


@dataclass(frozen=True, slots=True)
class Card:
    """Serial, lot or package card; `number` is the serial, lot or package number."""

    kind: str
    item: str | None
    number: str
    status: TrackingStatus
    serial: str | None = None
    lot: str | None = None
    package: str | None = None
    location: str | None = None
    holder: str | None = None
    expiration_date: date | None = None
    warranty_date: date | None = None
    blocked: bool = False
    description: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    comments: tuple[Comment, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    on_hand: Decimal = Decimal(0)
    reserved: Decimal = Decimal(0)  # of `on_hand`, what open (draft) documents reserve
    locations: tuple[LocationQuantity, ...] = ()
    holders: tuple[PartnerQuantity, ...] = ()
    contents: tuple[LocationQuantity, ...] = ()
    genealogy: Genealogy = field(default_factory=Genealogy)
    # Serials only: the warranty on the day the card was read, what was done to the unit, and
    # the serial it replaced (a replacement sent under warranty).
    warranty: Warranty = NO_WARRANTY
    service_log: tuple[ServiceEntry, ...] = ()
    replaces: str | None = None
    # Reclassification: the numbers this one was renamed to, and those renamed into it.
    renamed_to: tuple[GenealogyLink, ...] = ()
    renamed_from: tuple[GenealogyLink, ...] = ()


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What a serial or lot search asks for (`GET /serials`, `GET /lots`, `serials list`): a page of
    `limit` after the (item, number) `after`; `location` counts the places under it too unless
    `include_children` is false."""

    item: str | None = None
    location: str | None = None
    status: TrackingStatus | None = None
    lot: str | None = None
    q: str | None = None
    after: tuple[str, str] | None = None
    limit: int = 50
    include_children: bool = True


@dataclass(frozen=True, slots=True)
class Listed:
    """One row of the serial or lot search list."""

    item: str
    number: str
    status: TrackingStatus
    serial: str | None = None
    lot: str | None = None
    package: str | None = None
    location: str | None = None
    holder: str | None = None
    quantity: Decimal = Decimal(0)
    expiration_date: date | None = None
    blocked: bool = False
