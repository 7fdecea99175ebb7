"""Serial, lot and package cards: read them, block, describe, comment; search lists.

Statuses are derived as of `today`, an argument (stock on hand past its date is `expired`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from itemtrace.domain.cards import Card, Listed, ListFilter
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension
from itemtrace.domain.users import User
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention


@run_again_on_contention
def card(uow: UnitOfWork, kind: Dimension, item: str | None, number: str, *, today: date) -> Card:
    """A card and its genealogy, read from one snapshot: a posting committed in between is seen by
    none of its statements. The snapshot may lag (the read replica's, if there is one): the cards
    a change answers with (`update`, `comment`) are read on the primary, after the change."""
    with uow.snapshot(may_lag=True):
        return full_card(uow, kind, item, number, today)


def card_of(uow: UnitOfWork, kind: Dimension, item: str | None, number: str, today: date) -> Card:
    """The card read inside the caller's unit of work (`not_found` if the number was never posted)."""
    if kind is Dimension.SERIAL:
        return uow.card_reads.serial_card(item or "", number, today=today)
    if kind is Dimension.LOT:
        return uow.card_reads.lot_card(item or "", number, today=today)
    return uow.card_reads.package_card(number, today=today)


def full_card(uow: UnitOfWork, kind: Dimension, item: str | None, number: str, today: date) -> Card:
    """The card with its genealogy, inside the caller's unit of work."""
    return _with_genealogy(uow, card_of(uow, kind, item, number, today))


def _with_genealogy(uow: UnitOfWork, found: Card) -> Card:
    """The card with what the unit went into and was made from (assembly links)."""
    genealogy, renamed_to, renamed_from = uow.tracing.card_links(
        Dimension(found.kind), found.item, found.number
    )
    return replace(found, genealogy=genealogy, renamed_to=renamed_to, renamed_from=renamed_from)


def update(
    uow: UnitOfWork,
    kind: Dimension,
    item: str | None,
    number: str,
    *,
    blocked: bool | None = None,
    description: str | None = None,
    attributes: dict[str, Any] | None = None,
    today: date,
) -> Card:
    """Change the card's maintained fields; the number must have been posted (else `not_found`)."""
    with uow.write():
        card_of(uow, kind, item, number, today)
        held = uow.info.get_or_create(item if kind is not Dimension.PACKAGE else None, kind, number)
        uow.info.save(
            held._replace(
                blocked=held.blocked if blocked is None else blocked,
                description=held.description if description is None else description,
                # Given attributes are merged into the card's: a PATCH names only what changes.
                attributes=held.attributes if attributes is None else {**held.attributes, **attributes},
            )
        )
        uow.commit()
        return full_card(uow, kind, item, number, today)


def comment(
    uow: UnitOfWork,
    kind: Dimension,
    item: str | None,
    number: str,
    text: str,
    *,
    user: User,
    now: datetime,
    today: date,
) -> Card:
    with uow.write():
        card_of(uow, kind, item, number, today)
        held = uow.info.get_or_create(item if kind is not Dimension.PACKAGE else None, kind, number)
        uow.info.add_comment(held.id, text, user.name, now)
        uow.commit()
        return full_card(uow, kind, item, number, today)


@run_again_on_contention
def list_serials(uow: UnitOfWork, filters: ListFilter = ListFilter(), *, today: date) -> list[Listed]:
    with uow.snapshot(may_lag=True):
        return uow.lists.serials(filters, today=today)


@run_again_on_contention
def list_lots(uow: UnitOfWork, filters: ListFilter = ListFilter(), *, today: date) -> list[Listed]:
    with uow.snapshot(may_lag=True):
        return uow.lists.lots(filters, today=today)


@run_again_on_contention
def serial_status_counts(uow: UnitOfWork, *, today: date) -> dict[TrackingStatus, int]:
    """How many serials have each status today, from one snapshot (the dashboard)."""
    with uow.snapshot():
        return uow.lists.serial_status_counts(today=today)
