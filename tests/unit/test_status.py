"""Derived statuses: where a unit is, whether it is blocked, past its date or reserved (SPEC §2)."""

from __future__ import annotations

from datetime import date

import pytest

from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.status import TrackingStatus, is_expired, status_at

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("expiration_date", "expired"),
    [
        (date(2024, 6, 30), True),
        (date(2026, 11, 22), True),
        (date(2026, 11, 23), False),  # on the date itself it is still good, as for lot_expired
        (date(2026, 11, 24), False),
        (None, False),
    ],
)
def test_a_unit_is_expired_only_when_its_date_is_before_today(expiration_date, expired):
    assert is_expired(expiration_date, today=TODAY) is expired


def test_stock_on_hand_past_its_date_is_expired_not_available():
    status = status_at(LocationKind.INTERNAL, expired=True)

    assert status is TrackingStatus.EXPIRED


def test_blocked_wins_over_expired():
    status = status_at(LocationKind.INTERNAL, blocked=True, expired=True, reserved=True)

    assert status is TrackingStatus.BLOCKED


def test_expired_wins_over_reserved_because_expired_stock_cannot_be_promised():
    status = status_at(LocationKind.INTERNAL, expired=True, reserved=True)

    assert status is TrackingStatus.EXPIRED


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (LocationKind.TRANSIT, TrackingStatus.IN_TRANSIT),
        (LocationKind.CUSTOMER, TrackingStatus.DELIVERED),
        (LocationKind.PRODUCTION, TrackingStatus.CONSUMED),
        (LocationKind.SCRAP, TrackingStatus.SCRAPPED),
        (LocationKind.ADJUSTMENT, TrackingStatus.ADJUSTED_OUT),
        (LocationKind.SUPPLIER, TrackingStatus.RETURNED_TO_VENDOR),
    ],
)
def test_a_date_only_matters_for_stock_on_hand(kind, status):
    assert status_at(kind, expired=True) is status
