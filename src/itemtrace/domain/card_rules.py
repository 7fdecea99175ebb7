"""How a card is derived from a unit's history and balances: status, location, holder, dates.

Storage reads the rows (`storage/cards_read.py`); these functions say what they mean. The same
status rules are mirrored in SQL for list filters (`storage/status_sql.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from itemtrace.domain.cards import Card, Comment, HistoryEntry, LocationQuantity, PartnerQuantity
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.status import TrackingStatus, is_expired, status_at
from itemtrace.domain.tracking import TrackingKey
from itemtrace.domain.warranty import ServiceEntry, warranty_on

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Move:
    """One history entry with what the cards derive from: dates and the kinds of both ends."""

    entry: HistoryEntry
    expiration_date: date | None
    warranty_date: date | None
    from_kind: str
    to_kind: str


@dataclass(frozen=True, slots=True)
class Place:
    """A balance of a lot or package: where, what, how much, and the stock's date."""

    location: str
    kind: LocationKind
    key: TrackingKey
    quantity: Decimal
    expiration_date: date | None


@dataclass(frozen=True, slots=True)
class Maintained:
    """What users keep on a card: blocked, description, attributes, comments."""

    blocked: bool = False
    description: str = ""
    attributes: Mapping[str, Any] | None = None
    comments: tuple[Comment, ...] = ()


def standing(history: Sequence[Move]) -> list[Move]:
    """The moves a card derives its dates from: a reversed document and its reversal cancel out
    (the warranty a reversed shipment set is undone with it)."""
    return [m for m in history if not m.entry.correction and m.entry.reversed_by is None]


def last_warranty(history: Sequence[Move]) -> date | None:
    return next((m.warranty_date for m in reversed(standing(history)) if m.warranty_date), None)


def serial_card(
    item: str,
    serial: str,
    history: Sequence[Move],
    maintained: Maintained,
    *,
    lot_or_package_blocked: bool,
    reserved: bool,
    warranty_date: date | None,
    replaces: str | None,
    service_log: tuple[ServiceEntry, ...],
    today: date,
) -> Card:
    """A serial's card: where its last movement took it says its status (blocked when the serial,
    its lot or its package is: posting refuses any of them; expired on hand past its date)."""
    last = history[-1]
    kind = LocationKind(last.to_kind)
    expiration = next((m.expiration_date for m in reversed(history) if m.expiration_date), None)
    blocked = maintained.blocked or lot_or_package_blocked
    return Card(
        kind="serial",
        item=item,
        number=serial,
        serial=serial,
        lot=last.entry.lot,
        package=last.entry.package,
        status=status_at(
            kind, blocked=blocked, reserved=reserved, expired=is_expired(expiration, today=today)
        ),
        location=last.entry.to_location if kind.in_stock else None,
        holder=last.entry.partner if kind is LocationKind.CUSTOMER else None,
        expiration_date=expiration,
        warranty_date=warranty_date,
        blocked=maintained.blocked,
        description=maintained.description,
        attributes=dict(maintained.attributes or {}),
        comments=maintained.comments,
        history=tuple(m.entry for m in history),
        on_hand=Decimal(1) if kind is LocationKind.INTERNAL else ZERO,
        warranty=warranty_on(warranty_date, today),
        service_log=service_log,
        replaces=replaces,
    )


def grouped_card(
    kind_name: str,
    item: str | None,
    number: str,
    history: Sequence[Move],
    places: Sequence[Place],
    maintained: Maintained,
    *,
    today: date,
) -> Card:
    """A lot's or package's card from its history and balances. It is `expired` when stock of it
    on hand is past its date (a lot on hand has one date: `expiration_date_mismatch`); in transit
    when none is on hand but some is on the road; else where its last movement took it."""
    by_location: dict[str, Decimal] = defaultdict(Decimal)
    kinds: dict[str, LocationKind] = {}
    expired = False
    for place in places:
        by_location[place.location] += place.quantity
        kinds[place.location] = place.kind
        if place.kind is LocationKind.INTERNAL and is_expired(place.expiration_date, today=today):
            expired = True
    stock = {c: q for c, q in by_location.items() if kinds[c].in_stock}
    on_hand = sum((q for c, q in stock.items() if kinds[c] is LocationKind.INTERNAL), ZERO)
    holders: dict[str | None, Decimal] = defaultdict(Decimal)
    customer = LocationKind.CUSTOMER.value
    for move in history:
        if move.to_kind == customer:
            holders[move.entry.partner] += move.entry.quantity
        if move.from_kind == customer:
            holders[move.entry.partner] -= move.entry.quantity
    held = tuple(
        PartnerQuantity(p, q) for p, q in sorted(holders.items(), key=lambda kv: kv[0] or "") if q > 0
    )
    blocked = maintained.blocked
    if on_hand > 0:
        status = status_at(LocationKind.INTERNAL, blocked=blocked, expired=expired)
    elif stock:
        status = status_at(LocationKind.TRANSIT, blocked=blocked)
    else:
        status = status_at(LocationKind(history[-1].to_kind), blocked=blocked)
    locations = tuple(LocationQuantity(c, q) for c, q in sorted(stock.items()))
    contents = tuple(
        LocationQuantity(p.location, p.quantity, item=p.key.item, serial=p.key.serial, lot=p.key.lot)
        for p in places
        if p.kind.in_stock
    )
    last = history[-1].entry
    return Card(
        kind=kind_name,
        item=item,
        number=number,
        serial=None,
        lot=number if kind_name == "lot" else last.lot,
        package=number if kind_name == "package" else None,
        status=status,
        location=locations[0].location if len(locations) == 1 else None,
        holder=held[0].partner if len(held) == 1 and not stock else None,
        expiration_date=next((m.expiration_date for m in reversed(history) if m.expiration_date), None),
        warranty_date=last_warranty(history),
        blocked=blocked,
        description=maintained.description,
        attributes=dict(maintained.attributes or {}),
        comments=maintained.comments,
        history=tuple(m.entry for m in history),
        on_hand=on_hand,
        locations=locations,
        holders=held,
        contents=contents if kind_name == "package" else (),
    )


def with_reserved(card: Card, reserved_at: Mapping[str, Decimal]) -> Card:
    """What open documents reserve of a lot where it is on hand (never more than is there); all
    of what is on hand reserved makes an available lot `reserved`."""
    if not reserved_at:
        return card
    there = {q.location: q.quantity for q in card.locations}
    reserved = sum((min(qty, there.get(code, ZERO)) for code, qty in reserved_at.items()), ZERO)
    status = card.status
    if status is TrackingStatus.AVAILABLE and reserved >= card.on_hand > 0:
        status = TrackingStatus.RESERVED
    return replace(card, reserved=reserved, status=status)
