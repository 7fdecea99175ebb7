"""Derived status of a serial, lot or package: where its stock is says what it is."""

from __future__ import annotations

from enum import StrEnum

from itemtrace.domain.masterdata import LocationKind


class TrackingStatus(StrEnum):
    AVAILABLE = "available"
    RESERVED = "reserved"
    BLOCKED = "blocked"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    CONSUMED = "consumed"
    SCRAPPED = "scrapped"
    ADJUSTED_OUT = "adjusted_out"
    RETURNED_TO_VENDOR = "returned_to_vendor"


_BY_KIND = {
    LocationKind.INTERNAL: TrackingStatus.AVAILABLE,
    LocationKind.TRANSIT: TrackingStatus.IN_TRANSIT,
    LocationKind.CUSTOMER: TrackingStatus.DELIVERED,
    LocationKind.PRODUCTION: TrackingStatus.CONSUMED,
    LocationKind.SCRAP: TrackingStatus.SCRAPPED,
    LocationKind.ADJUSTMENT: TrackingStatus.ADJUSTED_OUT,
    LocationKind.SUPPLIER: TrackingStatus.RETURNED_TO_VENDOR,
}

# The statuses whose stock sits in a location of this kind.
KIND_OF_STATUS = {status: kind for kind, status in _BY_KIND.items()}


def status_at(kind: LocationKind, *, blocked: bool = False, reserved: bool = False) -> TrackingStatus:
    """The status of a unit whose stock is (last) at a location of `kind`.

    Blocked wins over available, reserved and in transit: a blocked unit must not move. Units
    already gone (delivered, consumed…) keep that status; their card still shows `blocked`.
    """
    status = _BY_KIND[kind]
    if blocked and status in (TrackingStatus.AVAILABLE, TrackingStatus.IN_TRANSIT):
        return TrackingStatus.BLOCKED
    if reserved and status is TrackingStatus.AVAILABLE:
        return TrackingStatus.RESERVED
    return status
