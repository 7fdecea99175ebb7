"""Card derivation from history and balances: status, location, holder, reserved."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from itemtrace.domain.card_rules import Maintained, Move, Place, grouped_card, serial_card, with_reserved
from itemtrace.domain.cards import HistoryEntry
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import TrackingKey

TODAY = date(2026, 11, 30)


def move(to: str, to_kind: str, quantity: int = 1, *, frm: str = "SUPPLIER", frm_kind: str = "supplier",
         partner: str | None = None, expires: date | None = None, warranty: date | None = None) -> Move:  # fmt: skip
    entry = HistoryEntry(
        posted_at=datetime(2026, 11, 1, tzinfo=UTC),
        posting_date=date(2026, 11, 1),
        document="DOC-1",
        document_id=1,
        type="receipt",
        from_location=frm,
        to_location=to,
        partner=partner,
        user="carl",
        quantity=Decimal(quantity),
        lot="L1",
    )
    return Move(entry, expires, warranty, frm_kind, to_kind)


def lot_at(location: str, kind: LocationKind, quantity: int, expires: date | None = None) -> Place:
    return Place(location, kind, TrackingKey("MILK", lot="L1"), Decimal(quantity), expires)


def test_a_lot_on_hand_past_its_date_is_expired_and_in_one_place_has_a_location():
    card = grouped_card(
        "lot", "MILK", "L1", [move("WH1", "internal", 5)], [lot_at("WH1", LocationKind.INTERNAL, 5, date(2026, 11, 29))],
        Maintained(), today=TODAY,
    )  # fmt: skip

    assert (card.status, card.location, card.on_hand) == (TrackingStatus.EXPIRED, "WH1", 5)


def test_a_lot_only_on_the_road_is_in_transit_and_one_wholly_delivered_has_its_holder():
    on_road = grouped_card(
        "lot", "MILK", "L1", [move("TRANSIT", "transit", 5)], [lot_at("TRANSIT", LocationKind.TRANSIT, 5)],
        Maintained(), today=TODAY,
    )  # fmt: skip
    delivered = grouped_card(
        "lot", "MILK", "L1",
        [move("WH1", "internal", 5), move("CUSTOMER", "customer", 5, frm="WH1", frm_kind="internal", partner="ACME")],
        [lot_at("CUSTOMER", LocationKind.CUSTOMER, 5)], Maintained(), today=TODAY,
    )  # fmt: skip

    assert on_road.status is TrackingStatus.IN_TRANSIT
    assert (delivered.status, delivered.holder, delivered.on_hand) == (TrackingStatus.DELIVERED, "ACME", 0)


def test_blocked_wins_and_what_drafts_reserve_counts_up_to_what_is_there():
    card = grouped_card(
        "lot", "MILK", "L1", [move("WH1", "internal", 5)], [lot_at("WH1", LocationKind.INTERNAL, 5)],
        Maintained(blocked=True), today=TODAY,
    )  # fmt: skip
    free = grouped_card(
        "lot", "MILK", "L1", [move("WH1", "internal", 5)], [lot_at("WH1", LocationKind.INTERNAL, 5)],
        Maintained(), today=TODAY,
    )  # fmt: skip

    assert card.status is TrackingStatus.BLOCKED
    assert with_reserved(free, {"WH1": Decimal(9)}).reserved == 5
    assert with_reserved(free, {"WH1": Decimal(9)}).status is TrackingStatus.RESERVED
    assert with_reserved(free, {"WH1": Decimal(2)}).status is TrackingStatus.AVAILABLE


def test_a_serial_whose_lot_is_blocked_is_blocked_but_keeps_its_own_flag():
    card = serial_card(
        "DRILL", "S1", [move("WH1", "internal")], Maintained(), lot_or_package_blocked=True, reserved=False,
        warranty_date=None, replaces=None, service_log=(), today=TODAY,
    )  # fmt: skip

    assert (card.status, card.blocked, card.location) == (TrackingStatus.BLOCKED, False, "WH1")
