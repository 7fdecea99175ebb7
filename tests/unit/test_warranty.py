"""A warranty's status on a day: active through its last day, then expired; none without a date."""

from __future__ import annotations

from datetime import date

import pytest

from itemtrace.domain.warranty import WarrantyStatus, warranty_on

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("end", "status", "days_left"),
    [
        (None, WarrantyStatus.NONE, None),
        (date(2026, 12, 31), WarrantyStatus.ACTIVE, 31),
        (date(2026, 12, 1), WarrantyStatus.ACTIVE, 1),
        (date(2026, 11, 30), WarrantyStatus.ACTIVE, 0),  # its last day
        (date(2026, 11, 29), WarrantyStatus.EXPIRED, -1),  # ended yesterday
        (date(2026, 1, 1), WarrantyStatus.EXPIRED, -333),
    ],
)
def test_status_and_days_left_on_a_day(end, status, days_left):
    warranty = warranty_on(end, TODAY)

    assert (warranty.date, warranty.status, warranty.days_left) == (end, status, days_left)
