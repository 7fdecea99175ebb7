"""The ledger: immutable movements of tracked quantities, and balances folded from them.

Every entry takes `quantity` out of `from_location` and puts it into `to_location`, so for each
tracking key the balances over all locations sum to zero (the conservation invariant).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from itemtrace.domain.tracking import TrackingKey


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A movement as posting plans it, not stored yet: no id, no document. What the ledger
    returns is a `StoredLedgerEntry`."""

    key: TrackingKey
    quantity: Decimal
    from_location: str
    to_location: str
    line_no: int = 0
    expiration_date: date | None = None
    warranty_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredLedgerEntry(LedgerEntry):
    """An entry read back from the ledger: its id and its document's, and who posted it when."""

    id: int
    document_id: int
    document_number: str | None = None
    document_type: str | None = None
    posting_date: date | None = None
    partner: str | None = None
    user: str | None = None
    posted_at: datetime | None = None


BalanceKey = tuple[str, TrackingKey]  # (location, key)


def fold(entries: Iterable[LedgerEntry]) -> dict[BalanceKey, Decimal]:
    """Balances per (location, tracking key), zeros dropped."""
    balances: dict[BalanceKey, Decimal] = defaultdict(Decimal)
    for entry in entries:
        balances[(entry.from_location, entry.key)] -= entry.quantity
        balances[(entry.to_location, entry.key)] += entry.quantity
    return {k: v for k, v in balances.items() if v != 0}


def unbalanced_keys(balances: dict[BalanceKey, Decimal]) -> list[TrackingKey]:
    """Tracking keys whose balances over all locations do not sum to zero (should be none)."""
    totals: dict[TrackingKey, Decimal] = defaultdict(Decimal)
    for (_, key), quantity in balances.items():
        totals[key] += quantity
    return sorted(k for k, v in totals.items() if v != 0)
