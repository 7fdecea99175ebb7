"""Ledger health: recompute balances from the ledger and compare them with the projection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from itemtrace.domain.tracking import TrackingKey
from itemtrace.storage.checkpoints import Checkpoint as Checkpoint
from itemtrace.storage.unit_of_work import UnitOfWork

FULL = "full"
INCREMENTAL = "incremental"


@dataclass(frozen=True, slots=True)
class Difference:
    location: str
    key: TrackingKey
    projected: Decimal
    recomputed: Decimal


@dataclass(frozen=True, slots=True)
class Negative:
    """A balance below zero: stock taken that was not there, or returned that was not delivered."""

    location: str
    key: TrackingKey
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A serial in stock more than once (for one item, or across items with global serials)."""

    serial: str
    places: list[tuple[str, str]]  # (item, location)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """`entries`: ledger entries the check covered (all of them, or those after the checkpoint);
    `keys`: (item, serial, lot, package) keys whose balances were recomputed."""

    entries: int
    differences: list[Difference]
    negatives: list[Negative] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    mode: str = FULL
    keys: int = 0
    checkpoint_before: Checkpoint | None = None
    checkpoint_after: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return not (self.differences or self.negatives or self.duplicates)


def check(
    uow: UnitOfWork, *, since_checkpoint: bool = False, user: str | None = None, now: datetime | None = None
) -> CheckReport:
    """The projection against the ledger, and the ledger's invariants: no balance below zero, no
    serial in stock twice.

    Full (the default): every balance recomputed from the whole ledger. `since_checkpoint`: only
    the keys moved by entries after the last checkpoint, each recomputed from its whole history
    (a full check when there is no checkpoint yet). A check that finds nothing records a new
    checkpoint (when `now` is given); one that finds something leaves the old one in place."""
    with uow.read():
        high_water = uow.checkpoints.settled_high_water()
    with uow.snapshot():
        before = uow.checkpoints.latest()
        report = _incremental(uow, before) if since_checkpoint and before else _full(uow, before)
    if not report.ok or now is None or high_water is None:
        return report
    after = Checkpoint(
        last_entry_id=max(high_water, before.last_entry_id if before else 0),
        mode=report.mode,
        entries=report.entries,
        keys=report.keys,
        user=user,
        checked_at=now,
    )
    with uow.write():
        uow.checkpoints.record(after)
        uow.commit()
    return CheckReport(
        report.entries,
        report.differences,
        report.negatives,
        report.duplicates,
        mode=report.mode,
        keys=report.keys,
        checkpoint_before=before,
        checkpoint_after=after,
    )


def _full(uow: UnitOfWork, before: Checkpoint | None) -> CheckReport:
    diffs, keys = uow.check.projection_differences()
    return CheckReport(
        entries=uow.check.ledger_count(),
        differences=[Difference(loc, key, have, want) for _, loc, key, have, want in diffs],
        negatives=[Negative(loc, key, qty) for loc, key, qty in uow.check.negative_balances()],
        duplicates=[Duplicate(serial, places) for serial, places in uow.check.serials_in_stock_twice()],
        mode=FULL,
        keys=keys,
        checkpoint_before=before,
    )


def _incremental(uow: UnitOfWork, before: Checkpoint) -> CheckReport:
    since = before.last_entry_id
    diffs, keys = uow.check.projection_differences(since)
    return CheckReport(
        entries=uow.check.entries_after(since),
        differences=[Difference(loc, key, have, want) for _, loc, key, have, want in diffs],
        negatives=[Negative(loc, key, qty) for loc, key, qty in uow.check.negative_balances(since)],
        duplicates=[Duplicate(serial, places) for serial, places in uow.check.serials_in_stock_twice(since)],
        mode=INCREMENTAL,
        keys=keys,
        checkpoint_before=before,
    )
