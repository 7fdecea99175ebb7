"""Expiry schemas: a row of the expiring report."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from itemtrace.domain.expiry import Expiring
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
