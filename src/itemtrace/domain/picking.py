"""Pick suggestions: which lots, serials and packages to take for a quantity of an item.

FEFO takes the earliest expiration date first (then the earliest receipt); FIFO the earliest
receipt first (then the earliest expiration). Stock without a date comes after dated stock.
Blocked, expired and reserved stock is never suggested: reserved is what other open documents
promised (`LiveStock` lays reservations on the buckets they name, as posting does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from itemtrace.domain.status import is_expired
from itemtrace.domain.stock import ZERO, Bucket, LiveStock, StockView, is_blocked, numbers_of
from itemtrace.domain.tracking import TrackingKey


class Strategy(StrEnum):
    FEFO = "fefo"
    FIFO = "fifo"


@dataclass(frozen=True, slots=True)
class Pick:
    location: str
    key: TrackingKey
    quantity: Decimal
    expiration_date: date | None
    first_in_date: date | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    strategy: Strategy
    picks: tuple[Pick, ...]
    short: Decimal  # what the free stock could not cover (0 when it covers all)


def _order(strategy: Strategy, bucket: Bucket) -> tuple[date, date, TrackingKey, str]:
    expires = bucket.expiration_date or date.max
    arrived = bucket.first_in_date or date.max
    first, second = (expires, arrived) if strategy is Strategy.FEFO else (arrived, expires)
    return (first, second, bucket.key, bucket.location)


def suggest(stock: StockView, item: str, quantity: Decimal, strategy: Strategy, *, today: date) -> Suggestion:
    """The picks, in picking order, that cover `quantity` of `item` from `stock`'s free buckets."""
    live = LiveStock(stock.buckets, stock.reservations)
    usable = [
        live.meta[place]
        for place in live.by_item.get(item, [])
        if live.free(place) > 0
        and not is_expired(live.meta[place].expiration_date, today=today)
        and not any(is_blocked(item, dim, number, stock.blocked) for number, dim in numbers_of(place[1]))
    ]
    picks: list[Pick] = []
    left = quantity
    for bucket in sorted(usable, key=lambda b: _order(strategy, b)):
        if left <= ZERO:
            break
        take = min(live.free((bucket.location, bucket.key)), left)
        picks.append(Pick(bucket.location, bucket.key, take, bucket.expiration_date, bucket.first_in_date))
        left -= take
    return Suggestion(strategy, tuple(picks), max(left, ZERO))
