"""Correction requests: the part of a draft to post now, and where a return from a shipment goes."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from itemtrace.domain import limits
from itemtrace.domain.corrections import PartRequest
from itemtrace.schemas.common import LocationCode, QuantityIn, StrictModel
from itemtrace.schemas.documents import TrackingIn, _explicit, _refuse_renames, _tracking_lines


class PartLineIn(StrictModel):
    """Post `quantity` of the draft's line `line` now, optionally naming which numbers."""

    line: int = Field(ge=1, le=limits.MAX_LINES)
    quantity: QuantityIn | None = None
    tracking: list[TrackingIn] = Field(default_factory=list, max_length=limits.MAX_TRACKING)

    @model_validator(mode="after")
    def _quantity_or_tracking(self) -> PartLineIn:
        if self.quantity is None and not self.tracking:
            raise ValueError(f"line {self.line}: name the quantity to post now, or the numbers")
        if self.quantity is None and any(_explicit(t) is None for t in self.tracking):
            raise ValueError(
                f"line {self.line}: lot/package tracking lines need a quantity when the line has none"
            )
        return self

    def to_domain(self) -> PartRequest:
        quantity = self.quantity
        if quantity is None:
            quantity = sum((_explicit(t) or Decimal(0) for t in self.tracking), Decimal(0))
        return PartRequest(self.line, quantity, _tracking_lines(quantity, self.tracking))


class PostPartIn(StrictModel):
    """What of a draft to post now (Business Central's *Qty. to Ship/Receive*); the rest stays a draft."""

    lines: list[PartLineIn] = Field(min_length=1, max_length=limits.MAX_LINES)

    @model_validator(mode="after")
    def _no_renames(self) -> PostPartIn:
        _refuse_renames("partial postings", self.lines)  # type: ignore[arg-type]
        return self

    def to_domain(self) -> list[PartRequest]:
        return [line.to_domain() for line in self.lines]


class ReturnIn(StrictModel):
    """Where the goods of a return from a shipment go (default: where the shipment took them from)."""

    to_location: LocationCode | None = None
