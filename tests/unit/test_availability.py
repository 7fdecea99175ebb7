"""Availability sums: expired stock is on hand but never available (SPEC §5 "Expiry and warranty")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from itemtrace.domain.availability import Amount, Availability, LotAvailability, summarise

TODAY = date(2026, 11, 23)
PAST = date(2024, 6, 30)
LATER = date(2027, 1, 31)


def q(value: int) -> Decimal:
    return Decimal(value)


def test_expired_lots_count_on_hand_and_expired_but_not_available():
    on_hand = [Amount("WH1", "OLD", q(10), PAST), Amount("WH1", "NEW", q(5), LATER)]

    found = summarise("MILK", None, on_hand, [], today=TODAY)

    assert found == Availability(
        "MILK",
        None,
        on_hand=q(15),
        reserved=q(0),
        available=q(5),
        lots=(
            LotAvailability("NEW", q(5), q(0), q(5), q(0)),
            LotAvailability("OLD", q(10), q(0), q(0), q(10)),
        ),
        expired=q(10),
    )


def test_a_lot_expiring_today_is_still_available():
    found = summarise("MILK", "WH1", [Amount("WH1", "L1", q(4), TODAY)], [], today=TODAY)

    assert (found.on_hand, found.expired, found.available) == (q(4), q(0), q(4))


def test_a_reservation_of_good_stock_and_expired_stock_both_lessen_what_can_be_promised():
    on_hand = [Amount("WH1", None, q(3), None), Amount("WH1", None, q(2), PAST)]
    reserved = [Amount("WH1", None, q(1), None)]

    found = summarise("DRILL", None, on_hand, reserved, today=TODAY)

    assert (found.on_hand, found.reserved, found.expired, found.available) == (q(5), q(1), q(2), q(2))


def test_a_draft_naming_expired_stock_takes_nothing_more_from_what_can_be_promised():
    on_hand = [Amount("WH1", None, q(3), None), Amount("WH1", None, q(2), PAST)]
    reserved = [Amount("WH1", None, q(2), PAST)]  # a draft scrapping the expired units

    found = summarise("DRILL", None, on_hand, reserved, today=TODAY)

    assert (found.on_hand, found.reserved, found.expired, found.available) == (q(5), q(2), q(2), q(3))
