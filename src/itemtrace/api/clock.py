"""The API's clock: routes read the time here and pass it down (the domain never reads a clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The server's local calendar date: posting dates are what the warehouse calls today."""
    return datetime.now(UTC).astimezone().date()
