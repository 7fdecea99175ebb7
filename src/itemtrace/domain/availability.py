"""Availability: what is on hand, what is past its date, what open documents reserve, what is left."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from itemtrace.domain.status import is_expired

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class LotAvailability:
    lot: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    expired: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Availability:
    """One item's stock in internal locations, summed over the filters given.

    `expired` is the part of `on_hand` past its expiration date (`status.is_expired`): it is never
    part of `available`.
    """

    item: str
    location: str | None
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    lots: tuple[LotAvailability, ...] = ()
    expired: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Amount:
    """A quantity on hand at an internal location, or what open documents reserve there.

    `expiration_date` is the stock's (for a reservation: the date of the stock it names, if any).
    """

    location: str
    lot: str | None
    quantity: Decimal
    expiration_date: date | None = None


@dataclass(slots=True)
class _Sums:
    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO
    available: Decimal = ZERO
    expired: Decimal = ZERO


def summarise(
    item: str, location: str | None, on_hand: Iterable[Amount], reserved: Iterable[Amount], *, today: date
) -> Availability:
    """Sum per location and lot first, so a reservation only lessens the stock where it is.

    Expired stock is taken out of what can be promised, and so is what drafts reserve of the rest;
    a reservation naming expired stock (a draft scrapping it) takes nothing more. A draft may
    reserve more than is there (it names stock still on its way): `available` never goes below
    zero.
    """
    have: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    stale: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    held: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    held_of_good: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    for amount in on_hand:
        place = (amount.location, amount.lot)
        have[place] += amount.quantity
        if is_expired(amount.expiration_date, today=today):
            stale[place] += amount.quantity
    for amount in reserved:
        place = (amount.location, amount.lot)
        held[place] += amount.quantity
        if not is_expired(amount.expiration_date, today=today):
            held_of_good[place] += amount.quantity
    by_lot: dict[str | None, _Sums] = defaultdict(_Sums)
    total = _Sums()
    for place in set(have) | set(held):
        promisable = max(have[place] - stale[place] - held_of_good[place], ZERO)
        for sums in (by_lot[place[1]], total):
            sums.on_hand += have[place]
            sums.reserved += held[place]
            sums.expired += stale[place]
            sums.available += promisable
    lots = tuple(
        LotAvailability(lot, s.on_hand, s.reserved, s.available, s.expired)
        for lot, s in sorted(by_lot.items(), key=lambda kv: kv[0] or "")
        if lot
    )
    return Availability(
        item, location, total.on_hand, total.reserved, total.available, lots, expired=total.expired
    )
