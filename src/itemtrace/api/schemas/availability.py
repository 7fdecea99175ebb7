"""Availability schema: on hand, reserved and available, summed and by lot (SPEC §5)."""

from __future__ import annotations

from pydantic import BaseModel

from itemtrace.api.schemas.common import QuantityOut
from itemtrace.domain.availability import Availability


class LotAvailabilityOut(BaseModel):
    lot: str
    on_hand: QuantityOut
    reserved: QuantityOut
    available: QuantityOut


class AvailabilityOut(BaseModel):
    item: str
    location: str | None
    on_hand: QuantityOut
    reserved: QuantityOut
    available: QuantityOut
    lots: list[LotAvailabilityOut]

    @classmethod
    def from_domain(cls, found: Availability) -> AvailabilityOut:
        return cls(
            item=found.item,
            location=found.location,
            on_hand=found.on_hand,
            reserved=found.reserved,
            available=found.available,
            lots=[
                LotAvailabilityOut(lot=x.lot, on_hand=x.on_hand, reserved=x.reserved, available=x.available)
                for x in found.lots
            ],
        )
