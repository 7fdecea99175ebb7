"""In-transit transfers: receiving at the destination what the shipping half put on the road."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from itemtrace.domain.documents import Document, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected, Violation
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import VIRTUAL_LOCATIONS, LocationKind
from itemtrace.domain.stock import (
    describe,
    fmt_quantity,
)
from itemtrace.domain.tracking import (
    TrackingKey,
)


def plan_transit_receipt(
    document: Document,
    shipped: Sequence[LedgerEntry],
    received: Sequence[tuple[str, TrackingLine]] | None,
) -> list[LedgerEntry]:
    """Complete an in-transit transfer: what is received must equal what was shipped (transit_mismatch)."""
    transit = VIRTUAL_LOCATIONS[LocationKind.TRANSIT]
    out = [e for e in shipped if e.to_location == transit]
    if received is not None:
        want: dict[TrackingKey, Decimal] = defaultdict(Decimal)
        for e in out:
            want[e.key] += e.quantity
        got: dict[TrackingKey, Decimal] = defaultdict(Decimal)
        for item, t in received:
            got[t.key(item)] += t.quantity
        wrong = sorted(k for k in set(want) | set(got) if want[k] != got[k])
        if wrong:
            raise PostingRejected(
                [
                    Violation(
                        line=None,
                        tracking=key.label(),
                        code=ErrorCode.TRANSIT_MISMATCH,
                        detail=f"{describe(key)}: shipped {fmt_quantity(want[key])}, received {fmt_quantity(got[key])}; "
                        "a transfer receives exactly what it shipped (receive without a body to take it all)",
                    )
                    for key in wrong
                ]
            )
    by_line = {line.line_no: line for line in document.lines}
    return [
        LedgerEntry(
            key=e.key,
            quantity=e.quantity,
            from_location=transit,
            to_location=by_line[e.line_no].to_location or "",
            line_no=e.line_no,
            expiration_date=e.expiration_date,
            warranty_date=e.warranty_date,
        )
        for e in out
    ]
