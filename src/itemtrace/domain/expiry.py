"""Expiry as the picker and the quality manager see it: what expires soon, expired first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.status import is_expired

MAX_WINDOW_DAYS = 3660  # a report looks at most ten years ahead: a longer window is a typo


def window_end(within_days: int, today: date) -> date:
    """The last day a report "within N days" covers: today + N, both included."""
    if not 0 <= within_days <= MAX_WINDOW_DAYS:
        raise ValidationFailed(f"within_days must be 0 to {MAX_WINDOW_DAYS}, not {within_days}")
    return today + timedelta(days=within_days)


@dataclass(frozen=True, slots=True)
class Expiring:
    """Stock on hand at one place with an expiration date: a lot, a serial or a package of it."""

    item: str
    location: str
    serial: str | None
    lot: str | None
    package: str | None
    quantity: Decimal
    expiration_date: date
    days_left: int  # 0 on the date itself, negative once expired (-3: three days ago)
    expired: bool
    position: tuple[date, int]  # where a next page starts (the report is by date, oldest first)


def expiring(
    item: str,
    location: str,
    numbers: tuple[str | None, str | None, str | None],
    quantity: Decimal,
    expiration_date: date,
    *,
    today: date,
    position: tuple[date, int],
) -> Expiring:
    serial, lot, package = numbers
    return Expiring(
        item=item,
        location=location,
        serial=serial,
        lot=lot,
        package=package,
        quantity=quantity,
        expiration_date=expiration_date,
        days_left=(expiration_date - today).days,
        expired=is_expired(expiration_date, today=today),
        position=position,
    )
