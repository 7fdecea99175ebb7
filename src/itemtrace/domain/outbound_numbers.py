"""Numbers given on the way out: tracking codes that require a number on outbound postings only.

A code with `outbound` but neither `specific` nor `inbound` for a dimension (Business Central's
"assign new numbers during outbound handling") lets stock come in untracked and get its serial or
lot number when it leaves, typed in or drawn from the item's series. Such a number need not be in
stock as that number: it is taken from the untracked quantity at the source. At posting the unit
is first given its number where it stands — two ledger entries through the adjustment location,
the untracked quantity out and the numbered one in, so every key still sums to zero — and then
leaves by the ordinary rules, so from the shipment on it has a card, a trace, a holder, and can
come back by that number. `specific` tracking is not touched: a number it names must be in stock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from itemtrace.domain.documents import Document, Line, line_direction
from itemtrace.domain.errors import ErrorCode
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import PROJECTED_KINDS, VIRTUAL_LOCATIONS, Location, LocationKind
from itemtrace.domain.stock import DIMENSIONS, ZERO, BlockedKey, LiveStock, describe, fmt_quantity, is_blocked
from itemtrace.domain.tracking import (
    Dimension,
    Direction,
    ItemPolicy,
    SerialUnique,
    TrackingCode,
    TrackingKey,
)

# Where a unit passes to change its key (untracked → numbered) without leaving its place.
NUMBERED_VIA = VIRTUAL_LOCATIONS[LocationKind.ADJUSTMENT]

Report = Callable[[int | None, str | None, ErrorCode, str], None]


def given_on_outbound(code: TrackingCode) -> tuple[Dimension, ...]:
    """The dimensions whose numbers are given when stock leaves: required outbound, neither
    specific nor required inbound (so stock may be on hand without them)."""
    return tuple(d for d in DIMENSIONS if code.policy(d).given_on_outbound)


def plain(key: TrackingKey, dims: tuple[Dimension, ...]) -> TrackingKey:
    """The key without its numbers of `dims`: the untracked stock a new number is taken from."""
    return _with(key, dict.fromkeys(dims))


def assigns_on_outbound(
    document: Document, line: Line, policy: ItemPolicy, locations: Mapping[str, Location]
) -> bool:
    """Whether an outbound line's `assign` draws new numbers (from the series or a run): every
    dimension it asks for is one whose numbers are given on the way out."""
    assign = line.assign
    if assign is None or line_direction(document.type, line, locations) is not Direction.OUTBOUND:
        return False
    dims = given_on_outbound(policy.code)
    wanted = set()
    if assign.serial or assign.start is not None:
        wanted.add(Dimension.SERIAL)
    if assign.lot or assign.new_lot:
        wanted.add(Dimension.LOT)
    return bool(wanted) and wanted <= set(dims)


def number_at_source(
    line: Line,
    code: TrackingCode,
    live: LiveStock,
    locations: Mapping[str, Location],
    blocked: frozenset[BlockedKey],
    report: Report,
) -> list[LedgerEntry]:
    """Give the new numbers an outbound line names to untracked units at its source.

    What the source already holds under the number is taken as it is; the rest is taken from
    stock there without that number (`insufficient_quantity` when too little of it is free). A
    serial that exists for the item elsewhere (in stock, on the road, at a customer; any item's,
    with `serial_unique: global`) is `serial_exists`. Returns the renumbering entries and moves
    `live` accordingly, so the line then leaves by the ordinary rules.
    """
    dims = given_on_outbound(code)
    if not dims:
        return []
    source = line.from_location or ""
    entries: list[LedgerEntry] = []
    for t in line.tracking:
        key = t.key(line.item)
        new = tuple(d for d in dims if key.number(d))
        if not new or t.quantity <= 0:
            continue
        need = t.quantity - sum((live.free(p) for p in live.matching(source, key)), ZERO)
        if need <= 0:
            continue  # on hand under that number already: it leaves as it is
        if key.serial and Dimension.SERIAL in new:
            owner = None if code.serial_unique is SerialUnique.GLOBAL else line.item
            held = live.where(owner, key.serial, PROJECTED_KINDS, locations)
            if held:
                where, found = held[0]
                report(
                    line.line_no,
                    key.serial,
                    ErrorCode.SERIAL_EXISTS,
                    f"line {line.line_no}: serial {key.serial} of {found.item} already exists (at {where}): "
                    "a new serial is given once; type another number or assign one from the series",
                )
                continue
        untracked = plain(key, new)
        places = _untracked_at(live, source, untracked, new, blocked)
        picks: list[tuple[tuple[str, TrackingKey], Decimal]] = []
        wanted = need
        for place in places:
            take = min(live.free(place), wanted)
            if take > 0:
                picks.append((place, take))
                wanted -= take
            if wanted <= 0:
                break
        if wanted > 0:
            free = need - wanted
            holders = sorted({d for p in places for d in live.holders[p] if live.held[p] > 0})
            if holders and sum((live.qty[p] for p in places), ZERO) >= need:
                by = ", ".join(holders)
                report(
                    line.line_no,
                    key.label(),
                    ErrorCode.RESERVED,
                    f"line {line.line_no}: {describe(key)} is new, so it is taken from {describe(untracked)} "
                    f"at {source}, but {by} reserved it: post or cancel {by} first, or lower the quantity",
                )
                continue
            report(
                line.line_no,
                key.label(),
                ErrorCode.INSUFFICIENT_QUANTITY,
                f"line {line.line_no}: {describe(key)} is new, so it is taken from {describe(untracked)} at "
                f"{source}: {fmt_quantity(need)} needed, only {fmt_quantity(free)} free there: lower the "
                "quantity or move stock there first",
            )
            continue
        for place, take in picks:
            picked = place[1]
            numbered = _with(picked, {d: key.number(d) for d in new})
            bucket = live.meta[place]
            for entry_key, origin, target in (
                (picked, source, NUMBERED_VIA),
                (numbered, NUMBERED_VIA, source),
            ):
                entries.append(
                    LedgerEntry(
                        key=entry_key,
                        quantity=take,
                        from_location=origin,
                        to_location=target,
                        line_no=line.line_no,
                        expiration_date=bucket.expiration_date,
                    )
                )
                live.move(origin, target, entry_key, take, bucket)
    return entries


def reserved_key(key: TrackingKey, code: TrackingCode, live: LiveStock, source: str) -> TrackingKey:
    """What a draft naming `key` at `source` reserves: the key, or, for a new number given on the
    way out (not on hand there under it), the untracked stock it will be taken from."""
    new = tuple(d for d in given_on_outbound(code) if key.number(d))
    if not new or any(live.free(p) > 0 for p in live.matching(source, key)):
        return key
    return plain(key, new)


def _untracked_at(
    live: LiveStock,
    source: str,
    untracked: TrackingKey,
    new: tuple[Dimension, ...],
    blocked: frozenset[BlockedKey],
) -> list[tuple[str, TrackingKey]]:
    """Stock at `source` without numbers of `new` and with every number `untracked` names, not
    blocked, FEFO then FIFO."""
    item = untracked.item
    found = [
        p
        for p in live.by_item.get(item, [])
        if p[0] == source
        and live.qty[p] > 0
        and all(p[1].number(d) is None for d in new)
        and all(untracked.number(d) in (None, p[1].number(d)) for d in DIMENSIONS)
        and not any(not untracked.number(d) and is_blocked(item, d, n, blocked) for n, d in _numbers(p[1]))
    ]

    def order(p: tuple[str, TrackingKey]) -> tuple[date, date, tuple[str, ...]]:
        meta = live.meta[p]
        numbers = tuple(p[1].number(d) or "" for d in DIMENSIONS)
        return (meta.expiration_date or date.max, meta.first_in_date or date.max, numbers)

    return sorted(found, key=order)


def _with(key: TrackingKey, numbers: Mapping[Dimension, str | None]) -> TrackingKey:
    """`key` with the numbers of some dimensions replaced."""
    serial, lot, package = (numbers[d] if d in numbers else key.number(d) for d in DIMENSIONS)
    return TrackingKey(key.item, serial, lot, package)


def _numbers(key: TrackingKey) -> list[tuple[str, Dimension]]:
    return [(n, d) for d in DIMENSIONS if (n := key.number(d))]
