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
    include_children: bool = True,
    today: date,
) -> Availability:
    """The item's stock in internal locations, summed over the filters given; stock whose
    expiration date is before `today` is `expired`, not `available`. A location counts the
    locations under it (a warehouse's bins) unless `include_children` is false.

    Raises:
        NotFound: the item or location does not exist.
    """
    with uow:
        on_hand, reserved = uow.availability.availability(
            item, location=location, lot=lot, serial=serial, include_children=include_children
        )
        return summarise(item, location, on_hand, reserved, today=today)
