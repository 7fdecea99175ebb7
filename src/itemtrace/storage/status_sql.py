"""The domain's card status rules mirrored in SQL, for list filters that must page in the
database: `status.status_at` and `status.is_expired` as expressions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, case, literal, select

from itemtrace.domain.masterdata import STOCK_KINDS, LocationKind
from itemtrace.domain.status import KIND_OF_STATUS, TrackingStatus
from itemtrace.storage.tables import LedgerEntryRow, ReservationRow


def when(condition: Any, value: Any) -> Any:
    """`value` where `condition` holds, else NULL: for aggregates over some of the rows."""
    return case((condition, value))


def serial_reserved() -> Any:
    """Whether an open document reserves the serial of this (last) entry where it went: EXISTS."""
    r = ReservationRow
    e = LedgerEntryRow
    return (
        select(r.id)
        .where(r.item_id == e.item_id, r.serial == e.serial, r.location_id == e.to_location_id)
        .exists()
    )


def expired(expiration_date: Any, today: date) -> Any:
    """`status.is_expired` in SQL, for filters that must page in the database: a date before
    `today` (on the date itself is still good). Never NULL: no date is never expired."""
    return and_(expiration_date.is_not(None), expiration_date < literal(today, Date))


def status_filter(
    query: Any, status: TrackingStatus, kind_column: Any, blocked: Any, reserved: Any, expired: Any
) -> Any:
    """Blocked wins over expired, expired over reserved, reserved over available (as `status_at`
    decides).

    `blocked` and `expired` are boolean expressions that are never NULL.
    """
    internal = kind_column == LocationKind.INTERNAL.value
    if status is TrackingStatus.BLOCKED:
        return query.where(kind_column.in_([k.value for k in sorted(STOCK_KINDS)]), blocked)
    if status is TrackingStatus.EXPIRED:
        return query.where(internal, ~blocked, expired)
    if status is TrackingStatus.RESERVED:
        return query.where(internal, ~blocked, ~expired, reserved)
    kind = KIND_OF_STATUS[status]
    query = query.where(kind_column == kind.value)
    if kind.in_stock:
        query = query.where(~blocked)
    if status is TrackingStatus.AVAILABLE:
        query = query.where(~expired, ~reserved)
    return query


__all__: Sequence[str] = ["expired", "serial_reserved", "status_filter", "when"]
