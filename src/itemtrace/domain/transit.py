"""In-transit transfers: receiving at the destination what the shipping half put on the road,
all of it at once or in parts (what is not received yet stays in transit)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from itemtrace.domain.documents import Document, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed, Violation
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.links import TransitQuantity
from itemtrace.domain.masterdata import VIRTUAL_LOCATIONS, LocationKind
from itemtrace.domain.stock import (
    describe,
    fmt_quantity,
)
from itemtrace.domain.tracking import (
    TrackingKey,
)

_Slot = tuple[int, TrackingKey]  # (line, key)


def transit_state(entries: Sequence[LedgerEntry]) -> tuple[list[TransitQuantity], list[TransitQuantity]]:
    """(received, still in transit) per line and key, from the transfer's own entries: what went
    into transit was shipped, what left it under this document was received."""
    transit = VIRTUAL_LOCATIONS[LocationKind.TRANSIT]
    shipped: dict[_Slot, Decimal] = defaultdict(Decimal)
    received: dict[_Slot, Decimal] = defaultdict(Decimal)
    for e in entries:
        if e.to_location == transit:
            shipped[(e.line_no, e.key)] += e.quantity
        elif e.from_location == transit:
            received[(e.line_no, e.key)] += e.quantity
    return (
        [TransitQuantity(n, k, q) for (n, k), q in received.items() if q > 0],
        [
            TransitQuantity(n, k, q - received[(n, k)])
            for (n, k), q in shipped.items()
            if q > received[(n, k)]
        ],
    )


def plan_transit_receipt(
    document: Document,
    shipped: Sequence[LedgerEntry],
    received: Sequence[tuple[str, TrackingLine]] | None,
) -> list[LedgerEntry]:
    """Receive (part of) an in-transit transfer: every number received must have been shipped on
    it and not be received yet, in at most the quantity still in transit (`transit_mismatch`).

    `shipped` is every entry the transfer wrote so far (its shipping half and earlier receipts);
    `received` lists (item, tracking line) as counted on arrival, None for all that is still in
    transit.
    """
    transit = VIRTUAL_LOCATIONS[LocationKind.TRANSIT]
    done, open_ = transit_state(shipped)
    remaining: dict[_Slot, Decimal] = {(t.line_no, t.key): t.quantity for t in open_}
    if received is not None:
        if not received:
            raise ValidationFailed(
                f"transfer {document.number}: name what arrived, or receive without a body to take "
                "everything still in transit"
            )
        total_shipped: dict[TrackingKey, Decimal] = defaultdict(Decimal)
        for e in shipped:
            if e.to_location == transit:
                total_shipped[e.key] += e.quantity
        already: dict[TrackingKey, Decimal] = defaultdict(Decimal)
        for d in done:
            already[d.key] += d.quantity
        got: dict[TrackingKey, Decimal] = defaultdict(Decimal)
        for item, t in received:
            got[t.key(item)] += t.quantity
        left = {k: total_shipped[k] - already[k] for k in set(total_shipped) | set(got)}
        wrong = sorted(k for k in got if got[k] > left[k] or got[k] <= 0)
        if wrong:
            raise PostingRejected(
                [
                    Violation(
                        line=None,
                        tracking=key.label(),
                        code=ErrorCode.TRANSIT_MISMATCH,
                        detail=f"{describe(key)}: shipped {fmt_quantity(total_shipped[key])}, "
                        f"received {fmt_quantity(already[key])} before, "
                        f"{fmt_quantity(left[key])} still in transit, {fmt_quantity(got[key])} named now; "
                        "receive only what was shipped on this transfer and is still in transit "
                        "(receive without a body to take all of it)",
                    )
                    for key in wrong
                ]
            )
        wanted = dict(got)
        remaining = {}
        for o in open_:  # the lines in order take what is named of their key
            take = min(o.quantity, wanted.get(o.key, Decimal(0)))
            if take > 0:
                remaining[(o.line_no, o.key)] = take
                wanted[o.key] -= take
    by_line = {line.line_no: line for line in document.lines}
    first: dict[_Slot, LedgerEntry] = {}
    for e in shipped:
        if e.to_location == transit:
            first.setdefault((e.line_no, e.key), e)
    entries = []
    for slot, quantity in remaining.items():
        e = first[slot]
        entries.append(
            LedgerEntry(
                key=e.key,
                quantity=quantity,
                from_location=transit,
                to_location=by_line[e.line_no].to_location or "",
                line_no=e.line_no,
                expiration_date=e.expiration_date,
                warranty_date=e.warranty_date,
            )
        )
    return entries
