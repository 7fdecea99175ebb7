"""Expiry schemas: a row of the expiring report, pick suggestions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from itemtrace.domain.expiry import Expiring
from itemtrace.domain.picking import Pick, Strategy, Suggestion
from itemtrace.schemas.common import QuantityOut


class ExpiringOut(BaseModel):
    item: str
    location: str
    lot: str | None
    serial: str | None
    package: str | None
    quantity: QuantityOut
    expiration_date: date
    days_left: int
    expired: bool

    @classmethod
    def from_domain(cls, e: Expiring) -> ExpiringOut:
        return cls(
            item=e.item,
            location=e.location,
            lot=e.lot,
            serial=e.serial,
            package=e.package,
            quantity=e.quantity,
            expiration_date=e.expiration_date,
            days_left=e.days_left,
            expired=e.expired,
        )


class PickOut(BaseModel):
    location: str
    lot: str | None
    serial: str | None
    package: str | None
    expiration_date: date | None
    received: date | None  # when the stock entered that place (what FIFO goes by)
    quantity: QuantityOut

    @classmethod
    def from_domain(cls, pick: Pick) -> PickOut:
        return cls(
            location=pick.location,
            lot=pick.key.lot,
            serial=pick.key.serial,
            package=pick.key.package,
            expiration_date=pick.expiration_date,
            received=pick.first_in_date,
            quantity=pick.quantity,
        )


class SuggestionOut(BaseModel):
    """What to take, in picking order; `short` is what free stock could not cover."""

    item: str
    strategy: Strategy
    quantity: QuantityOut
    short: QuantityOut
    items: list[PickOut]

    @classmethod
    def from_domain(cls, item: str, quantity: Decimal, found: Suggestion) -> SuggestionOut:
        return cls(
            item=item,
            strategy=found.strategy,
            quantity=quantity,
            short=found.short,
            items=[PickOut.from_domain(p) for p in found.picks],
        )
