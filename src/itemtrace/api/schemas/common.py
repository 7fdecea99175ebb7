"""Field types shared by the schemas: quantities in and out, tracking numbers, codes.

Quantities are accepted as JSON numbers or strings (positive, at most 3 decimals) and always
returned as JSON numbers: an integer when whole (`5`), else a float (`2.5`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, StringConstraints


def _decimal(value: object) -> object:
    # Floats go through their shortest repr so 0.1 stays 0.1, not 0.1000000000000000055…
    if isinstance(value, bool):
        raise ValueError("a quantity is a number, not a boolean")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    return value


def _positive_3dp(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("a quantity must be a finite number")
    if value <= 0:
        raise ValueError("a quantity must be positive")
    if value != value.quantize(Decimal("0.001")):
        raise ValueError("a quantity has at most 3 decimal places")
    return value


def as_number(value: Decimal) -> int | float:
    """The JSON form of a quantity: an integer when whole, else a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


QuantityIn = Annotated[Decimal, BeforeValidator(_decimal), AfterValidator(_positive_3dp)]
QuantityOut = Annotated[Decimal, PlainSerializer(as_number, return_type=int | float)]


def _printable(value: str) -> str:
    if not value.isprintable() or value != value.strip():
        raise ValueError("use printable characters without leading or trailing spaces")
    return value


# Serial, lot and package numbers: 1 to 50 printable characters; '/' is allowed (S/N-Vend0001).
Number = Annotated[str, StringConstraints(min_length=1, max_length=50), AfterValidator(_printable)]
# Codes of master data (sku, location, partner…).
Code = Annotated[str, StringConstraints(min_length=1, max_length=60), AfterValidator(_printable)]


def _utc(value: object) -> object:
    # SQLite hands timestamps back without their zone; they were stored in UTC.
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


# Timestamps always leave the API in UTC with their offset (`2026-11-23T10:15:00Z`-style).
Timestamp = Annotated[datetime, BeforeValidator(_utc)]
