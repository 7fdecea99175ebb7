"""Expired stock on SQLite and PostgreSQL: stock on hand past its date (before today) is `expired`
on its card, in the lists and in availability, and never `available` (SPEC §2, §5)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from itemtrace.domain.cards import ListFilter
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.masterdata import Item
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension, DimensionPolicy, TrackingCode
from itemtrace.services import availability, documents, info_cards, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import TODAY, now
from tests.world import CLERK, SPECIFIC, given_world, lot, post, receive

EXPIRED_IN_2024 = date(2024, 6, 30)
NEXT_YEAR = date(2027, 11, 30)


def given_expiring_items(uow: UnitOfWork) -> None:
    """GLUE (lots, dates, not strict) from the world; VACCINE (serials, strict); TEA (lots in packages)."""
    given_world(uow)
    masterdata.create_tracking_code(
        uow, TrackingCode("SNX", serial=SPECIFIC, use_expiration_dates=True, strict_expiration=True)
    )
    masterdata.create_tracking_code(
        uow,
        TrackingCode(
            "LOTPKG", lot=SPECIFIC, package=DimensionPolicy(specific=True), use_expiration_dates=True
        ),
    )
    masterdata.create_item(uow, Item("VACCINE", "Vaccine", tracking_code="SNX"))
    masterdata.create_item(uow, Item("TEA", "Tea", unit="kg", tracking_code="LOTPKG"))


def vials(*numbers: str, expiration: date) -> tuple[TrackingLine, ...]:
    return tuple(TrackingLine(serial=n, expiration_date=expiration) for n in numbers)


def lot_status(uow: UnitOfWork, number: str, *, today: date = TODAY) -> TrackingStatus:
    return info_cards.card(uow, Dimension.LOT, "GLUE", number, today=today).status


def listed_lots(uow: UnitOfWork, status: TrackingStatus) -> list[str]:
    return [
        r.lot or "" for r in info_cards.list_lots(uow, ListFilter(item="GLUE", status=status), today=TODAY)
    ]


def listed_serials(uow: UnitOfWork, status: TrackingStatus) -> list[str]:
    return [
        r.serial or ""
        for r in info_cards.list_serials(uow, ListFilter(item="VACCINE", status=status), today=TODAY)
    ]


def test_a_lot_that_expired_in_2024_is_expired_on_its_card_in_the_list_and_in_availability(uow):
    given_world(uow)  # GLUE's tracking code uses expiration dates but is not strict
    receive(uow, "GLUE", lot("OLD", 10, EXPIRED_IN_2024), lot("NEW", 5, NEXT_YEAR))

    card = info_cards.card(uow, Dimension.LOT, "GLUE", "OLD", today=TODAY)
    found = availability.availability(uow, "GLUE", today=TODAY)

    assert (card.status, card.expiration_date, card.on_hand) == (
        TrackingStatus.EXPIRED,
        EXPIRED_IN_2024,
        Decimal(10),
    )
    assert listed_lots(uow, TrackingStatus.EXPIRED) == ["OLD"]
    assert listed_lots(uow, TrackingStatus.AVAILABLE) == ["NEW"]
    assert [(r.lot, r.status) for r in info_cards.list_lots(uow, ListFilter(item="GLUE"), today=TODAY)] == [
        ("NEW", TrackingStatus.AVAILABLE),
        ("OLD", TrackingStatus.EXPIRED),
    ]
    assert (found.on_hand, found.reserved, found.expired, found.available) == (15, 0, 10, 5)
    assert [(x.lot, x.on_hand, x.reserved, x.expired, x.available) for x in found.lots] == [
        ("NEW", 5, 0, 0, 5),
        ("OLD", 10, 0, 10, 0),
    ]


def test_a_lot_expiring_today_is_still_available_and_expired_the_day_after(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 4, TODAY))
    tomorrow = TODAY + timedelta(days=1)

    today_status = lot_status(uow, "L1")
    tomorrow_status = lot_status(uow, "L1", today=tomorrow)
    found_today = availability.availability(uow, "GLUE", today=TODAY)
    found_tomorrow = availability.availability(uow, "GLUE", today=tomorrow)

    assert (today_status, tomorrow_status) == (TrackingStatus.AVAILABLE, TrackingStatus.EXPIRED)
    assert (found_today.expired, found_today.available) == (0, 4)
    assert (found_tomorrow.expired, found_tomorrow.available) == (4, 0)
    assert listed_lots(uow, TrackingStatus.AVAILABLE) == ["L1"]
    assert listed_lots(uow, TrackingStatus.EXPIRED) == []


def test_blocked_wins_over_expired_on_the_card_and_in_the_list(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("OLD", 10, EXPIRED_IN_2024))

    info_cards.update(uow, Dimension.LOT, "GLUE", "OLD", blocked=True, today=TODAY)

    assert lot_status(uow, "OLD") is TrackingStatus.BLOCKED
    assert listed_lots(uow, TrackingStatus.BLOCKED) == ["OLD"]
    assert listed_lots(uow, TrackingStatus.EXPIRED) == []


def test_a_lot_that_left_before_its_date_passed_keeps_the_status_of_where_it_went(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("OLD", 10, EXPIRED_IN_2024))
    post(uow, DocumentType.SCRAP, "GLUE", 10, (lot("OLD", 10),), source="WH1")

    assert lot_status(uow, "OLD") is TrackingStatus.SCRAPPED
    assert listed_lots(uow, TrackingStatus.EXPIRED) == []


def test_expired_serials_of_a_strict_item_are_listed_as_expired_and_not_available(uow):
    given_expiring_items(uow)
    receive(
        uow, "VACCINE", *vials("V-OLD", expiration=EXPIRED_IN_2024), *vials("V-NEW", expiration=NEXT_YEAR)
    )

    card = info_cards.card(uow, Dimension.SERIAL, "VACCINE", "V-OLD", today=TODAY)

    assert card.status is TrackingStatus.EXPIRED
    assert listed_serials(uow, TrackingStatus.EXPIRED) == ["V-OLD"]
    assert listed_serials(uow, TrackingStatus.AVAILABLE) == ["V-NEW"]
    assert [
        (r.serial, r.status) for r in info_cards.list_serials(uow, ListFilter(item="VACCINE"), today=TODAY)
    ] == [
        ("V-NEW", TrackingStatus.AVAILABLE),
        ("V-OLD", TrackingStatus.EXPIRED),
    ]


def test_expired_wins_over_reserved_and_a_draft_scrapping_expired_stock_promises_nothing_away(uow):
    given_expiring_items(uow)
    receive(
        uow,
        "VACCINE",
        *vials("V-OLD", expiration=EXPIRED_IN_2024),
        *vials("V-1", "V-2", expiration=NEXT_YEAR),
    )
    scrap = Line("VACCINE", Decimal(1), "WH1", tracking=(TrackingLine(serial="V-OLD"),))
    documents.create(uow, Document(DocumentType.SCRAP, (scrap,)), user=CLERK, today=TODAY, now=now())

    card = info_cards.card(uow, Dimension.SERIAL, "VACCINE", "V-OLD", today=TODAY)
    found = availability.availability(uow, "VACCINE", today=TODAY)

    assert card.status is TrackingStatus.EXPIRED
    assert listed_serials(uow, TrackingStatus.EXPIRED) == ["V-OLD"]
    assert listed_serials(uow, TrackingStatus.RESERVED) == []
    assert (found.on_hand, found.reserved, found.expired, found.available) == (3, 1, 1, 2)


def test_a_package_holding_expired_stock_is_expired(uow):
    given_expiring_items(uow)
    tea = TrackingLine(lot="T1", package="PAL-1", quantity=Decimal(3), expiration_date=EXPIRED_IN_2024)
    receive(uow, "TEA", tea)

    card = info_cards.card(uow, Dimension.PACKAGE, None, "PAL-1", today=TODAY)
    a_year_earlier = info_cards.card(uow, Dimension.PACKAGE, None, "PAL-1", today=date(2023, 11, 23))

    assert (card.status, a_year_earlier.status) == (TrackingStatus.EXPIRED, TrackingStatus.AVAILABLE)
