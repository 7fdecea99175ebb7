"""Pick suggestions: which lots, serials and packages to take for a quantity of an item.

FEFO takes the earliest expiration date first (then the earliest receipt); FIFO the earliest
receipt first (then the earliest expiration). Stock without a date comes after dated stock.
Blocked, expired and reserved stock is never suggested: reserved is what other open documents
promised (`LiveStock` lays reservations on the buckets they name, as posting does).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from itemtrace.domain.documents import Document, Line, TrackingLine, line_direction
from itemtrace.domain.errors import ErrorCode, PostingRejected, Violation
from itemtrace.domain.masterdata import Location
from itemtrace.domain.status import is_expired
from itemtrace.domain.stock import ZERO, BlockedKey, Bucket, LiveStock, StockView, fmt_quantity, numbers_of
from itemtrace.domain.tracking import Dimension, Direction, ItemPolicy, TrackingKey


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


def _blocked_numbers(item: str, blocked: frozenset[BlockedKey]) -> set[tuple[Dimension, str]]:
    """The item's blocked (dimension, number) pairs, its packages' included (they have no item)."""
    return {(dim, number) for key_item, dim, number in blocked if key_item in (item, None)}


def _order(strategy: Strategy, bucket: Bucket) -> tuple[date, date, TrackingKey, str]:
    expires = bucket.expiration_date or date.max
    arrived = bucket.first_in_date or date.max
    first, second = (expires, arrived) if strategy is Strategy.FEFO else (arrived, expires)
    return (first, second, bucket.key, bucket.location)


def suggest(stock: StockView, item: str, quantity: Decimal, strategy: Strategy, *, today: date) -> Suggestion:
    """The picks, in picking order, that cover `quantity` of `item` from `stock`'s free buckets."""
    live = LiveStock(stock.buckets, stock.reservations)
    blocked = _blocked_numbers(item, stock.blocked)
    usable = [
        live.meta[place]
        for place in live.by_item.get(item, [])
        if live.free(place) > 0
        and not is_expired(live.meta[place].expiration_date, today=today)
        and not (blocked and any((dim, number) in blocked for number, dim in numbers_of(place[1])))
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


def default_strategy(policy: ItemPolicy) -> Strategy:
    """FEFO where the item uses expiration dates, else FIFO."""
    return Strategy.FEFO if policy.code.use_expiration_dates else Strategy.FIFO


def picks_from_stock(
    document: Document, line: Line, policy: ItemPolicy, locations: Mapping[str, Location]
) -> bool:
    """Whether an outbound line's `assign` asks for numbers already in stock (`{"lot": true}` for
    a lot-tracked item): they are taken from the pick suggestion. Numbers given on the way out
    (outbound-only tracking) are drawn from a series instead (`outbound_numbers`)."""
    assign = line.assign
    if assign is None or assign.start is not None or assign.new_lot:
        return False
    if line_direction(document.type, line, locations) is not Direction.OUTBOUND:
        return False
    wanted = {
        dim
        for dim, asked in (
            (Dimension.SERIAL, assign.serial),
            (Dimension.LOT, assign.lot),
            (Dimension.PACKAGE, assign.package),
        )
        if asked
    }
    policies = {dim: policy.code.policy(dim) for dim in wanted}
    return bool(wanted) and all(p.tracked and not p.given_on_outbound for p in policies.values())


def fill_line(line: Line, found: Suggestion) -> Line:
    """The line with the suggested numbers as its tracking, or `insufficient_quantity` when the
    free stock at its source does not cover it."""
    if found.short > 0:
        raise PostingRejected(
            [
                Violation(
                    line=line.line_no,
                    tracking=None,
                    code=ErrorCode.INSUFFICIENT_QUANTITY,
                    detail=f"line {line.line_no}: {fmt_quantity(found.short)} of {line.item} more than is free to "
                    f"pick at {line.from_location} (blocked, expired and reserved stock is left out): "
                    "lower the quantity or pick from another location",
                )
            ]
        )
    added = tuple(
        TrackingLine(serial=p.key.serial, lot=p.key.lot, package=p.key.package, quantity=p.quantity)
        for p in found.picks
    )
    return replace(line, tracking=line.tracking + added, assign=None)
