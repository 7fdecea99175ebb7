"""Ledger health: recompute balances from the ledger and compare them with the projection."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from itemtrace.domain.tracking import TrackingKey
from itemtrace.storage.unit_of_work import UnitOfWork


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
    entries: int
    differences: list[Difference]
    negatives: list[Negative] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.differences or self.negatives or self.duplicates)


def check(uow: UnitOfWork) -> CheckReport:
    """The projection against the ledger, and the ledger's invariants: no balance below zero, no
    serial in stock twice."""
    with uow:
        diffs = uow.check.projection_differences()
        return CheckReport(
            entries=uow.check.ledger_count(),
            differences=[Difference(loc, key, have, want) for _, loc, key, have, want in diffs],
            negatives=[Negative(loc, key, qty) for loc, key, qty in uow.check.negative_balances()],
            duplicates=[Duplicate(serial, places) for serial, places in uow.check.serials_in_stock_twice()],
        )
