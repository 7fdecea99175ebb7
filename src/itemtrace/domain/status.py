"""Derived status of a serial, lot or package: where its stock is says what it is."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from itemtrace.domain.masterdata import LocationKind


class TrackingStatus(StrEnum):
    AVAILABLE = "available"
    RESERVED = "reserved"
    BLOCKED = "blocked"
    EXPIRED = "expired"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    CONSUMED = "consumed"
    SCRAPPED = "scrapped"
    ADJUSTED_OUT = "adjusted_out"
    RETURNED_TO_VENDOR = "returned_to_vendor"
    RENAMED = "renamed"  # reclassified to another number: its card links `renamed_to`


_BY_KIND = {
    LocationKind.INTERNAL: TrackingStatus.AVAILABLE,
    LocationKind.TRANSIT: TrackingStatus.IN_TRANSIT,
    LocationKind.CUSTOMER: TrackingStatus.DELIVERED,
    LocationKind.PRODUCTION: TrackingStatus.CONSUMED,
    LocationKind.SCRAP: TrackingStatus.SCRAPPED,
    LocationKind.ADJUSTMENT: TrackingStatus.ADJUSTED_OUT,
    LocationKind.SUPPLIER: TrackingStatus.RETURNED_TO_VENDOR,
    LocationKind.RECLASSIFICATION: TrackingStatus.RENAMED,
}

# The statuses whose stock sits in a location of this kind.
KIND_OF_STATUS = {status: kind for kind, status in _BY_KIND.items()}


def is_expired(expiration_date: date | None, *, today: date) -> bool:
    """Past its date: the expiration date is before `today`; on the date itself it is still good.

    The one rule behind the `expired` status, availability's `expired` and posting's `lot_expired`
    (the `expired` status, rule `lot_expired`); `storage/status_sql.py` mirrors it in SQL
    (`expired`) to filter lists.
    """
    return expiration_date is not None and expiration_date < today


def status_at(
    kind: LocationKind, *, blocked: bool = False, reserved: bool = False, expired: bool = False
) -> TrackingStatus:
    """The status of a unit whose stock is (last) at a location of `kind`.

    Blocked wins over everything else a unit on hand or in transit can be: a blocked unit must not
    move. Then expired (only on hand: stock on the road or gone keeps its place's status) wins over
    reserved: expired stock cannot be promised, whatever a draft names. Units already gone
    (delivered, consumed…) keep that status; their card still shows `blocked`.
    """
    status = _BY_KIND[kind]
    if blocked and status in (TrackingStatus.AVAILABLE, TrackingStatus.IN_TRANSIT):
        return TrackingStatus.BLOCKED
    if expired and status is TrackingStatus.AVAILABLE:
        return TrackingStatus.EXPIRED
    if reserved and status is TrackingStatus.AVAILABLE:
        return TrackingStatus.RESERVED
    return status
