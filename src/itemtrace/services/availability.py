"""Availability use case: on hand, expired, reserved by open documents, and available, by lot."""

from __future__ import annotations

from datetime import date

from itemtrace.domain.availability import Availability, summarise
from itemtrace.storage.unit_of_work import UnitOfWork


def availability(
    uow: UnitOfWork,
    item: str,
    *,
    location: str | None = None,
    lot: str | None = None,
    serial: str | None = None,
    today: date,
) -> Availability:
    """The item's stock in internal locations, summed over the filters given; stock whose
    expiration date is before `today` is `expired`, not `available`.

    Raises:
        NotFound: the item or location does not exist.
    """
    with uow:
        on_hand, reserved = uow.availability.availability(item, location=location, lot=lot, serial=serial)
        return summarise(item, location, on_hand, reserved, today=today)
