"""Ledger health: recompute balances from the ledger and compare them with the projection."""

from __future__ import annotations

from dataclasses import dataclass
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
class CheckReport:
    entries: int
    differences: list[Difference]

    @property
    def ok(self) -> bool:
        return not self.differences


def check(uow: UnitOfWork) -> CheckReport:
    with uow:
        diffs = uow.queries.projection_differences()
        return CheckReport(
            entries=uow.queries.ledger_count(),
            differences=[Difference(loc, key, have, want) for _, loc, key, have, want in diffs],
        )
