"""Warranty as the service desk sees it: a serial's warranty status on a day, and its service log.

A serial's warranty ends on its `warranty_date` (set at shipment from the tracking code's
formula, or given). On that day it is still `active`; the day after, `expired`; without a date,
`none`. A replacement sent under warranty carries the replaced unit's end date unless its own
shipment set one (a formula or a given date wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class WarrantyStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Warranty:
    date: date | None
    status: WarrantyStatus
    days_left: int | None  # 0 on its last day, negative once it has ended; None without a date


NO_WARRANTY = Warranty(None, WarrantyStatus.NONE, None)


def warranty_on(end: date | None, today: date) -> Warranty:
    """`warranty_on(date(2027, 1, 10), date(2027, 1, 1))` → active, 9 days left."""
    if end is None:
        return NO_WARRANTY
    status = WarrantyStatus.ACTIVE if end >= today else WarrantyStatus.EXPIRED
    return Warranty(end, status, (end - today).days)


class ServiceKind(StrEnum):
    INSPECTION = "inspection"
    REPAIR = "repair"
    REPLACEMENT = "replacement"
    WARRANTY_CLAIM = "warranty_claim"


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """One line of a serial's service log: what was done to it, when and by whom."""

    kind: ServiceKind
    note: str
    date: date
    user: str | None
    created_at: datetime
    replacement: str | None = None  # a replacement: the serial sent in its place


@dataclass(frozen=True, slots=True)
class WarrantyLine:
    """One row of the warranty report: a delivered serial whose warranty ends soon."""

    customer: str | None
    item: str
    serial: str
    warranty: Warranty
