"""Reservations (rule `reserved`): what a draft outbound document promises at its sources.

A draft reserves what it names (`reservations()`); other documents' reservations come with the
`StockView`, and `posting.plan()` never takes reserved stock: naming it is refused, auto-picking
skips it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from itemtrace.domain.documents import Document, DocumentType, line_direction
from itemtrace.domain.errors import ErrorCode, PostingRejected, Violation
from itemtrace.domain.masterdata import Location
from itemtrace.domain.outbound_numbers import reserved_key
from itemtrace.domain.posting import plan
from itemtrace.domain.stock import (
    DIMENSIONS,
    ZERO,
    LiveStock,
    Reservation,
    StockView,
)
from itemtrace.domain.tracking import (
    UNTRACKED,
    Direction,
    ItemPolicy,
    TrackingKey,
)


def reserving_part(
    document: Document, policies: Mapping[str, ItemPolicy], locations: Mapping[str, Location]
) -> Document:
    """The part of a draft that reserves stock: its outbound lines, cut to what they name.

    A tracked item's line keeps its named tracking lines (an unnamed quantity promises nothing in
    particular); an untracked item's line keeps its whole quantity.
    """
    if document.type is DocumentType.COUNT:
        return replace(document, lines=())  # a count lists what is there; it promises nothing
    lines = []
    for line in document.lines:
        if not line.from_location or line_direction(document.type, line, locations) is not Direction.OUTBOUND:
            continue
        code = policies[line.item].code if line.item in policies else UNTRACKED
        if any(code.policy(dim).tracked for dim in DIMENSIONS):
            named = tuple(t for t in line.tracking if t.named and t.quantity > 0)
            if named:
                lines.append(replace(line, tracking=named, quantity=sum((t.quantity for t in named), ZERO)))
        else:
            lines.append(line)
    return replace(document, lines=tuple(lines))


def reservations(
    document: Document,
    policies: Mapping[str, ItemPolicy],
    locations: Mapping[str, Location],
    stock: StockView | None = None,
) -> list[Reservation]:
    """What a draft reserves at each line's source: one per named tracking line, or the quantity.

    With `stock`, a named serial found at the source is completed with its lot and package, so
    availability by lot counts it where it is.
    """
    live = LiveStock(stock.buckets) if stock is not None else None
    result = []
    for line in reserving_part(document, policies, locations).lines:
        source = line.from_location or ""
        for t in line.tracking:
            key = t.key(line.item)
            if t.serial and live is not None:
                found = live.matching(source, key)
                key = found[0][1] if len(found) == 1 else key
            if live is not None and line.item in policies:
                key = reserved_key(key, policies[line.item].code, live, source)
            result.append(Reservation(document.number or "", source, key, t.quantity, line.line_no))
        rest = line.quantity - line.tracked_quantity
        if rest > 0:
            result.append(
                Reservation(document.number or "", source, TrackingKey(line.item), rest, line.line_no)
            )
    return result


def reservation_conflicts(
    document: Document,
    stock: StockView,
    policies: Mapping[str, ItemPolicy],
    locations: Mapping[str, Location],
    *,
    today: date,
) -> list[Violation]:
    """The `reserved` violations alone: what storing a draft is refused for.

    The other rules wait for posting (a draft may name stock that is still on its way), but two
    open documents never promise the same stock.
    """
    part = reserving_part(document, policies, locations)
    if not part.lines:
        return []
    try:
        plan(part, stock, policies, locations, today=today)
    except PostingRejected as refused:
        return [v for v in refused.violations if v.code is ErrorCode.RESERVED]
    return []
