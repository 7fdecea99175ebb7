"""Changing master data once it is in use: what may change, and what the ledger pins.

As in Business Central, an item's tracking policy is fixed once it has ledger entries: its
`tracking_code`, and the serial/lot/package policy and `serial_unique` of that code. Entries
already posted were checked (and stored: the uniqueness mark on balances) under that policy, so a
change would make them lie. Everything else (names, series, formulas, expiration and warranty
flags, gtin, shelf life) may change at any time. A number series' counter only moves forward.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any, TypeVar

from itemtrace.domain.errors import Conflict, ErrorCode, ValidationFailed
from itemtrace.domain.masterdata import Item, Location, LocationKind, NumberSeries
from itemtrace.domain.tracking import TrackingCode

T = TypeVar("T")

# The fields of a tracking code that decide which numbers a posting needs and how unique they
# are: fixed once an item using the code has ledger entries.
POLICY_FIELDS = ("serial", "lot", "package", "serial_unique")


def changed(value: T, changes: dict[str, Any]) -> T:
    """`value` with `changes` applied (a frozen dataclass); unknown names are a programming error."""
    known = {f.name for f in fields(value)}  # type: ignore[arg-type]
    unknown = set(changes) - known
    assert not unknown, f"unknown fields {sorted(unknown)}"
    return replace(value, **changes)  # type: ignore[type-var]


def policy_changes(old: TrackingCode, new: TrackingCode) -> list[str]:
    """Which policy fields (`POLICY_FIELDS`) differ between two versions of a tracking code."""
    return [name for name in POLICY_FIELDS if getattr(old, name) != getattr(new, name)]


def check_tracking_code_change(
    old: TrackingCode, new: TrackingCode, items_with_entries: Sequence[str]
) -> None:
    """`item_has_entries` when the serial/lot/package policy or `serial_unique` changes while
    items using the code have ledger entries (`items_with_entries`, a few of them suffice)."""
    fixed = policy_changes(old, new)
    if fixed and items_with_entries:
        shown = ", ".join(sorted(items_with_entries)[:3])
        raise Conflict(
            f"tracking code {old.code} is used by items with ledger entries ({shown}), so its "
            f"{_join(fixed)} policy cannot change: what was posted was checked under the current one. "
            "Create a new tracking code and give it to new items instead; flags such as expiration "
            "and warranty settings, formulas and the description may still change",
            code=ErrorCode.ITEM_HAS_ENTRIES,
        )


def check_item_change(old: Item, new: Item, *, has_entries: bool) -> None:
    """`item_has_entries` when an item with ledger entries gets another tracking code."""
    if has_entries and old.tracking_code != new.tracking_code:
        before = old.tracking_code or "none (untracked)"
        after = new.tracking_code or "none (untracked)"
        raise Conflict(
            f"item {old.sku} has ledger entries, so its tracking code cannot change from {before} to "
            f"{after}: its posted stock was tracked under {before}. Create a new item with the new "
            "tracking code (and move the stock to it with an adjustment) instead; name, series, "
            "gtin and shelf life may still change",
            code=ErrorCode.ITEM_HAS_ENTRIES,
        )


def series_counter(old: NumberSeries, new: NumberSeries, next_value: int | None) -> int:
    """Where the changed series' counter goes: never back, so no number is handed out twice.

    A new `start` past the counter moves it forward; `next_value` may move it forward too, never
    back (`validation_error`).
    """
    current = old.next_value if old.next_value is not None else old.start
    if next_value is not None and next_value < current:
        raise ValidationFailed(
            f"number series {old.code} has handed out numbers up to counter {current - 1}: next_value "
            f"{next_value} would hand some out again; give {current} or more"
        )
    return max(current, new.start, next_value if next_value is not None else current)


def check_location_change(old: Location, new: Location) -> None:
    """Only our own places are closed; the virtual ones are where documents come from and go to."""
    if new.closed and not old.closed and old.kind is not LocationKind.INTERNAL:
        raise ValidationFailed(
            f"location {old.code} is a virtual {old.kind.value} location: only internal locations "
            "(warehouses, bins) can be closed"
        )


def closed_locations(codes: Sequence[str | None], locations: Mapping[str, Location]) -> list[str]:
    """Which of a line's locations are closed (`location_closed`), each once, in the order given."""
    found: list[str] = []
    for code in codes:
        if code and code in locations and locations[code].closed and code not in found:
            found.append(code)
    return found


def closed_detail(line_no: int, code: str) -> str:
    return (
        f"line {line_no}: location {code} is closed and takes no new postings: use another location, "
        f'or open it again (PATCH /locations/{code} with {{"closed": false}}, or itemtrace locations '
        f"set {code} --open)"
    )


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
