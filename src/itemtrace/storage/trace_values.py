"""Result values of the trace and recall statements as domain values: quantities in thousandths,
dates that SQLite returns as text, keys with '' for no serial, lot or package."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.tracking import TrackingKey
from itemtrace.storage.mapping import unblank

SCALE = Decimal(1000)

# A location kind by its stored value.
KINDS = {kind.value: kind for kind in LocationKind}


class Decoder:
    """Turns result values into domain values, remembering each distinct one: a graph repeats the
    same keys, quantities and dates thousands of times."""

    def __init__(self, items: dict[int, str]) -> None:
        self.items = items
        self.keys: dict[Any, TrackingKey] = {}
        self.units: dict[int, Decimal] = {}
        self.dates: dict[Any, date] = {}

    def key_of(self, columns: tuple[int, str, str, str]) -> TrackingKey:
        """The key of (item id, serial, lot, package), the item's sku among `items`."""
        found = self.keys.get(columns)
        if found is None:
            item, serial, lot, package = columns
            found = self.keys[columns] = key(self.items[item], serial, lot, package)
        return found

    def quantity(self, value: Any) -> Decimal:
        found = self.units.get(value)
        if found is None:
            found = self.units[value] = units(value)
        return found

    def date(self, value: Any) -> date:
        found = self.dates.get(value)
        if found is None:
            found = self.dates[value] = as_date(value)
        return found


def units(value: Any) -> Decimal:
    return Decimal(int(value)) / SCALE


def key(sku: str, serial: str, lot: str, package: str) -> TrackingKey:
    return TrackingKey(sku, unblank(serial), unblank(lot), unblank(package))


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


__all__: Sequence[str] = ["KINDS", "SCALE", "Decoder", "as_date", "key", "units"]
