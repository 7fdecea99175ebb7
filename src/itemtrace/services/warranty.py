"""Warranty and service: log what was done to a serial, and list warranties ending soon."""

from __future__ import annotations

from datetime import date, datetime

from itemtrace.domain.cards import Card
from itemtrace.domain.errors import NotFound, ValidationFailed
from itemtrace.domain.expiry import window_end
from itemtrace.domain.tracking import Dimension
from itemtrace.domain.users import User
from itemtrace.domain.warranty import ServiceEntry, ServiceKind, WarrantyLine
from itemtrace.services.info_cards import card_of, full_card
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention


def log_service(
    uow: UnitOfWork,
    item: str,
    serial: str,
    kind: ServiceKind,
    note: str = "",
    *,
    on: date | None = None,
    replacement: str | None = None,
    user: User,
    now: datetime,
    today: date,
) -> Card:
    """Add a line to the serial's service log; a replacement may name the serial sent instead."""
    service_date = on or today
    if service_date > today:
        raise ValidationFailed(f"service date {service_date.isoformat()} is in the future: log it when done")
    if replacement is not None and kind is not ServiceKind.REPLACEMENT:
        raise ValidationFailed(f"only a replacement names a replacement serial, not {kind.value}")
    if replacement == serial:
        raise ValidationFailed(f"serial {serial} cannot replace itself: name the serial sent instead")
    with uow.write():
        card_of(uow, Dimension.SERIAL, item, serial, today)  # the serial must have been posted
        if replacement is not None:
            try:
                card_of(uow, Dimension.SERIAL, item, replacement, today)
            except NotFound:
                raise ValidationFailed(
                    f"replacement serial {replacement} of item {item} has never been posted: "
                    "receive it first, then log the replacement"
                ) from None
        held = uow.info.get_or_create(item, Dimension.SERIAL, serial)
        uow.info.add_service(
            held.id, ServiceEntry(kind, note, service_date, user.name, now, replacement=replacement)
        )
        uow.commit()
        return full_card(uow, Dimension.SERIAL, item, serial, today)


@run_again_on_contention
def ending(
    uow: UnitOfWork,
    *,
    within_days: int,
    item: str | None = None,
    customer: str | None = None,
    today: date,
) -> list[WarrantyLine]:
    """Warranties of delivered serials ending from today to `within_days` days on, by customer."""
    until = window_end(within_days, today)
    with uow.read(may_lag=True):
        return uow.reports.warranty(today=today, until=until, item=item, customer=customer)
