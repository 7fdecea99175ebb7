"""Availability schema: on hand, expired, reserved and available, summed and by lot."""

from __future__ import annotations

from pydantic import BaseModel, Field

from itemtrace.domain.availability import Availability
from itemtrace.schemas.common import QuantityOut

_EXPIRED = "Of `on_hand`, the stock past its expiration date (before today): never `available`."


class LotAvailabilityOut(BaseModel):
    lot: str
    on_hand: QuantityOut
    reserved: QuantityOut
    available: QuantityOut
    expired: QuantityOut = Field(description=_EXPIRED)


class AvailabilityOut(BaseModel):
    item: str
    location: str | None
    on_hand: QuantityOut
    reserved: QuantityOut
    available: QuantityOut
    expired: QuantityOut = Field(description=_EXPIRED)
    lots: list[LotAvailabilityOut]

    @classmethod
    def from_domain(cls, found: Availability) -> AvailabilityOut:
        return cls(
            item=found.item,
            location=found.location,
            on_hand=found.on_hand,
            reserved=found.reserved,
            available=found.available,
            expired=found.expired,
            lots=[
                LotAvailabilityOut(
                    lot=x.lot,
                    on_hand=x.on_hand,
                    reserved=x.reserved,
                    available=x.available,
                    expired=x.expired,
                )
                for x in found.lots
            ],
        )
