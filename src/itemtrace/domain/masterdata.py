"""Master data: items, locations, partners and number series (frozen values)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LocationKind(StrEnum):
    INTERNAL = "internal"
    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    TRANSIT = "transit"
    PRODUCTION = "production"
    SCRAP = "scrap"
    ADJUSTMENT = "adjustment"
    # Where a reclassification's old numbers go and its new numbers come from (docs/reclassification.md).
    RECLASSIFICATION = "reclassification"

    @property
    def virtual(self) -> bool:
        return self is not LocationKind.INTERNAL

    @property
    def in_stock(self) -> bool:
        """Stock here is ours and on hand: on our shelves or on the road between them."""
        return self is LocationKind.INTERNAL or self is LocationKind.TRANSIT

    @property
    def projected(self) -> bool:
        """The balance projection keeps the places where stock is held: ours and customers'.
        Suppliers, production, scrap and adjustment are sources and sinks; the ledger alone
        records them."""
        return self.in_stock or self is LocationKind.CUSTOMER


# The kinds as sets, for queries that filter on them: derived from the properties above, never
# spelled out again.
STOCK_KINDS = frozenset(kind for kind in LocationKind if kind.in_stock)
PROJECTED_KINDS = frozenset(kind for kind in LocationKind if kind.projected)


# `itemtrace init` creates one virtual location of each kind, with these codes.
VIRTUAL_LOCATIONS: dict[LocationKind, str] = {
    LocationKind.SUPPLIER: "SUPPLIER",
    LocationKind.CUSTOMER: "CUSTOMER",
    LocationKind.TRANSIT: "TRANSIT",
    LocationKind.PRODUCTION: "PRODUCTION",
    LocationKind.SCRAP: "SCRAP",
    LocationKind.ADJUSTMENT: "ADJUSTMENT",
    LocationKind.RECLASSIFICATION: "RECLASSIFICATION",
}


class PartnerKind(StrEnum):
    VENDOR = "vendor"
    CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class Item:
    sku: str
    name: str
    unit: str = "pcs"
    gtin: str | None = None
    tracking_code: str | None = None
    serial_series: str | None = None
    lot_series: str | None = None
    shelf_life: str | None = None
    package_series: str | None = None  # `assign: {"package": true}` takes package numbers from it


@dataclass(frozen=True, slots=True)
class Location:
    code: str
    name: str
    kind: LocationKind = LocationKind.INTERNAL
    parent: str | None = None
    closed: bool = False  # takes no new postings (`location_closed`); history and stock stay


@dataclass(frozen=True, slots=True)
class Partner:
    code: str
    name: str
    kind: PartnerKind


@dataclass(frozen=True, slots=True)
class NumberSeries:
    code: str
    pattern: str
    start: int = 1
    increment: int = 1
    next_value: int | None = None  # the counter value the next allocation starts at
