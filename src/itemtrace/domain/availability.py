"""Availability: what is on hand, what open documents reserve of it, and what is left to promise."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class LotAvailability:
    lot: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal


@dataclass(frozen=True, slots=True)
class Availability:
    """One item's stock in internal locations, summed over the filters given."""

    item: str
    location: str | None
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    lots: tuple[LotAvailability, ...] = ()


# (location, lot or None, quantity): a balance on hand, or what open documents reserve there.
Amount = tuple[str, str | None, Decimal]


def summarise(
    item: str, location: str | None, on_hand: Iterable[Amount], reserved: Iterable[Amount]
) -> Availability:
    """Sum per location and lot first, so a reservation only lessens the stock where it is.

    A draft may reserve more than is there (it names stock still on its way): `available` never
    goes below zero.
    """
    have: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    held: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    for loc, lot, qty in on_hand:
        have[(loc, lot)] += qty
    for loc, lot, qty in reserved:
        held[(loc, lot)] += qty
    by_lot: dict[str | None, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for place in set(have) | set(held):
        sums = by_lot[place[1]]
        sums[0] += have[place]
        sums[1] += held[place]
        sums[2] += max(have[place] - held[place], ZERO)
    totals = [sum((s[i] for s in by_lot.values()), ZERO) for i in range(3)]
    lots = tuple(
        LotAvailability(lot, *sums) for lot, sums in sorted(by_lot.items(), key=lambda kv: kv[0] or "") if lot
    )
    return Availability(item, location, totals[0], totals[1], totals[2], lots)
