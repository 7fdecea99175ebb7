"""Count schemas: what a count draft expects at a counted place, beside what was counted."""

from __future__ import annotations

from pydantic import BaseModel

from itemtrace.domain.counting import Difference, Expectation
from itemtrace.schemas.common import QuantityOut


class NumberQuantityOut(BaseModel):
    number: str
    quantity: QuantityOut


class DifferenceOut(BaseModel):
    """One tracking key counted differently from what is on hand: `quantity` > 0 found, < 0 missing."""

    serial: str | None
    lot: str | None
    package: str | None
    expected: QuantityOut
    counted: QuantityOut
    quantity: QuantityOut

    @classmethod
    def from_domain(cls, d: Difference) -> DifferenceOut:
        return cls(
            serial=d.key.serial,
            lot=d.key.lot,
            package=d.key.package,
            expected=d.expected,
            counted=d.counted,
            quantity=d.quantity,
        )


class ExpectedOut(BaseModel):
    """What the ledger says is on hand at a counted place now, and how the count differs."""

    line: int | None  # null: an item no line names, counted as none found (scope `location`)
    location: str
    item: str
    quantity: QuantityOut  # expected on hand
    counted: QuantityOut
    difference: QuantityOut  # counted - expected
    serials: list[str]
    lots: list[NumberQuantityOut]
    packages: list[NumberQuantityOut]
    untracked: QuantityOut
    missing: list[DifferenceOut]
    found: list[DifferenceOut]

    @classmethod
    def from_domain(cls, e: Expectation) -> ExpectedOut:
        return cls(
            line=e.line_no or None,
            location=e.location,
            item=e.item,
            quantity=e.expected,
            counted=e.counted,
            difference=e.difference,
            serials=e.serials,
            lots=[NumberQuantityOut(number=n, quantity=q) for n, q in e.lots.items()],
            packages=[NumberQuantityOut(number=n, quantity=q) for n, q in e.packages.items()],
            untracked=e.untracked,
            missing=[DifferenceOut.from_domain(d) for d in e.missing],
            found=[DifferenceOut.from_domain(d) for d in e.found],
        )
