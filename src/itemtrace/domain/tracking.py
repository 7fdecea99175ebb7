"""Tracking numbers and the policy (tracking code) that says when they are required."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from itemtrace.domain.masterdata import Item


class Dimension(StrEnum):
    SERIAL = "serial"
    LOT = "lot"
    PACKAGE = "package"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class SerialUnique(StrEnum):
    ITEM = "item"
    GLOBAL = "global"


@dataclass(frozen=True, slots=True)
class DimensionPolicy:
    """Business Central's SN/Lot/Package tab: specific tracking, required inbound, required outbound."""

    specific: bool = False
    inbound: bool = False
    outbound: bool = False

    @property
    def tracked(self) -> bool:
        return self.specific or self.inbound or self.outbound

    @property
    def given_on_outbound(self) -> bool:
        """Required outbound only: stock may be on hand without the number, which is given (typed
        or assigned) when the stock leaves (`outbound_numbers`)."""
        return self.outbound and not (self.specific or self.inbound)

    def required(self, direction: Direction) -> bool:
        if self.specific:
            return True
        return self.inbound if direction is Direction.INBOUND else self.outbound


@dataclass(frozen=True, slots=True)
class TrackingCode:
    code: str
    description: str = ""
    serial: DimensionPolicy = field(default_factory=DimensionPolicy)
    lot: DimensionPolicy = field(default_factory=DimensionPolicy)
    package: DimensionPolicy = field(default_factory=DimensionPolicy)
    serial_unique: SerialUnique = SerialUnique.ITEM
    use_expiration_dates: bool = False
    require_expiration_date: bool = False
    strict_expiration: bool = False
    warranty_formula: str | None = None
    require_warranty_date: bool = False

    def policy(self, dimension: Dimension) -> DimensionPolicy:
        policy: DimensionPolicy = getattr(self, dimension.value)
        return policy


UNTRACKED = TrackingCode(code="")


@dataclass(frozen=True, slots=True, order=True)
class TrackingKey:
    """One tracked bucket of an item: a serial, a lot, a package, or any combination (None = none)."""

    item: str
    serial: str | None = None
    lot: str | None = None
    package: str | None = None
    # Keys are looked up in dicts thousands of times per posting: hashed once, not on every lookup.
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.item, self.serial, self.lot, self.package)))

    def __hash__(self) -> int:
        return self._hash

    def number(self, dimension: Dimension) -> str | None:
        value: str | None = getattr(self, dimension.value)
        return value

    def label(self) -> str | None:
        """The most specific number, for error messages ("the tracking concerned")."""
        return self.serial or self.lot or self.package


@dataclass(frozen=True, slots=True)
class ItemPolicy:
    item: Item
    code: TrackingCode = UNTRACKED


def global_serial_items(policies: Mapping[str, ItemPolicy]) -> frozenset[str]:
    """The items whose serial numbers are unique across all items (`serial_unique: global`)."""
    return frozenset(sku for sku, p in policies.items() if p.code.serial_unique is SerialUnique.GLOBAL)
