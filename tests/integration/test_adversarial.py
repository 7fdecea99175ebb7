"""Adversarial warehouse scenarios on SQLite and PostgreSQL: what a user would hit in a day's work.

Every accepted posting must keep `itemtrace check` OK; cards and lists must agree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from itemtrace.domain.cards import ListFilter
from itemtrace.domain.documents import Document, DocumentType, Line, Role, StoredDocument, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.masterdata import Item
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension, DimensionPolicy, TrackingCode
from itemtrace.services import availability, documents, info_cards, ledger, masterdata, tracing
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import TODAY, now
from tests.world import CLERK, SPECIFIC, given_world, ledger_rows, lot, post, receive, ship, sn

INBOUND = DimensionPolicy(inbound=True)


def refused(call, *args, **kwargs) -> list:
    with pytest.raises(PostingRejected) as rejected:
        call(*args, **kwargs)
    return rejected.value.violations


def codes(violations: list) -> list[tuple[int | None, str | None, ErrorCode]]:
    return [(v.line, v.tracking, v.code) for v in violations]


def assert_check_ok(uow: UnitOfWork) -> None:
    report = ledger.check(uow)
    assert report.ok, report.differences


def card(uow: UnitOfWork, kind: Dimension, item: str | None, number: str):
    return info_cards.card(uow, kind, item, number, today=TODAY)


def create(
    uow: UnitOfWork, document: Document, *, post_it: bool = True, today: date = TODAY
) -> StoredDocument:
    return documents.create(uow, document, user=CLERK, post=post_it, today=today, now=now())


def shipment(*lines: Line, to: str = "ACME", posting_date: date | None = None) -> Document:
    return Document(DocumentType.SHIPMENT, lines, partner=to, posting_date=posting_date)


def line(item: str, quantity: float | int, *tracking: TrackingLine, source: str | None = "WH1") -> Line:
    return Line(item, Decimal(str(quantity)), source, None, tuple(tracking))


def given_partial_world(uow: UnitOfWork) -> None:
    """Beside `given_world`: lot required inbound only (FEFO auto-pick outbound), lot+package,
    package only, serial+lot, and a strict-expiration lot item."""
    given_world(uow)
    masterdata.create_tracking_code(uow, TrackingCode("LOTIN", lot=INBOUND, use_expiration_dates=True))
    masterdata.create_tracking_code(uow, TrackingCode("LOTPKG", lot=SPECIFIC, package=INBOUND))
    masterdata.create_tracking_code(uow, TrackingCode("PKG", package=SPECIFIC))
    masterdata.create_tracking_code(uow, TrackingCode("SNLOT", serial=SPECIFIC, lot=SPECIFIC))
    masterdata.create_tracking_code(
        uow,
        TrackingCode(
            "STRICT",
            lot=SPECIFIC,
            use_expiration_dates=True,
            require_expiration_date=True,
            strict_expiration=True,
        ),
    )
    masterdata.create_item(uow, Item("FLOUR", "Flour", unit="kg", tracking_code="LOTIN"))
    masterdata.create_item(uow, Item("PAINT", "Paint", tracking_code="LOTPKG"))
    masterdata.create_item(uow, Item("SCREW", "Screws", tracking_code="PKG"))
    masterdata.create_item(uow, Item("BOARD", "Circuit board", tracking_code="SNLOT"))
    masterdata.create_item(uow, Item("MILK", "Milk", tracking_code="STRICT"))


# -- several lines touching the same stock -------------------------------------------------------


def test_two_lines_shipping_the_same_lot_from_one_location_cannot_overdraw_it(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    before = ledger_rows(uow)

    violations = refused(create, uow, shipment(line("GLUE", 6, lot("L1", 6)), line("GLUE", 6, lot("L1", 6))))

    assert codes(violations) == [(2, "L1", ErrorCode.INSUFFICIENT_QUANTITY)]
    assert "6 of lot L1 of GLUE requested at WH1, only 4 there" in violations[0].detail
    assert ledger_rows(uow) == before
    create(uow, shipment(line("GLUE", 6, lot("L1", 6)), line("GLUE", 4, lot("L1", 4))))
    assert card(uow, Dimension.LOT, "GLUE", "L1").on_hand == 0
    assert card(uow, Dimension.LOT, "GLUE", "L1").status is TrackingStatus.DELIVERED
    assert_check_ok(uow)


def test_a_named_lot_line_then_an_auto_picked_line_see_each_others_decrements(uow):
    given_partial_world(uow)
    receive(uow, "FLOUR", lot("F1", 5, date(2027, 1, 1)), lot("F2", 5, date(2027, 6, 1)))

    document = create(uow, shipment(line("FLOUR", 4, lot("F1", 4)), line("FLOUR", 3)))

    picked = [(e.line_no, e.key.lot, e.quantity) for e in documents.entries(uow, document.id)]
    assert picked == [(1, "F1", Decimal(4)), (2, "F1", Decimal(1)), (2, "F2", Decimal(2))]
    assert card(uow, Dimension.LOT, "FLOUR", "F2").on_hand == Decimal(3)
    assert_check_ok(uow)


def test_the_same_serial_on_two_lines_is_refused(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))

    violations = refused(create, uow, shipment(line("DRILL", 1, *sn("SN-1")), line("DRILL", 1, *sn("SN-1"))))

    assert codes(violations) == [(2, "SN-1", ErrorCode.SERIAL_QUANTITY)]
    assert card(uow, Dimension.SERIAL, "DRILL", "SN-1").status is TrackingStatus.AVAILABLE


# -- partial tracking: FEFO auto-pick, lots over locations ---------------------------------------


def test_lot_required_inbound_only_is_auto_picked_fefo_and_only_from_the_source(uow):
    given_partial_world(uow)
    receive(uow, "FLOUR", lot("LATE", 10, date(2027, 9, 1)), lot("EARLY", 10, date(2027, 2, 1)))
    receive(uow, "FLOUR", lot("EARLY", 5), at="WH2")
    assert refused(receive, uow, "FLOUR", quantity=3)[0].code is ErrorCode.TRACKING_REQUIRED

    document = ship(uow, "FLOUR", quantity=12.5)

    picked = [(e.key.lot, e.quantity, e.from_location) for e in documents.entries(uow, document.id)]
    assert picked == [("EARLY", Decimal(10), "WH1"), ("LATE", Decimal("2.5"), "WH1")]
    early = card(uow, Dimension.LOT, "FLOUR", "EARLY")
    assert [(q.location, q.quantity) for q in early.locations] == [("WH2", Decimal(5))]
    assert early.location == "WH2"
    assert early.expiration_date == date(2027, 2, 1)
    assert card(uow, Dimension.LOT, "FLOUR", "LATE").on_hand == Decimal("7.5")
    assert availability.availability(uow, "FLOUR", today=TODAY).on_hand == Decimal("12.5")
    assert_check_ok(uow)


def test_half_a_kilogram_is_received_shipped_and_shown_exactly(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("K1", 0.5))
    receive(uow, "GLUE", lot("K1", 0.25))

    ship(uow, "GLUE", lot("K1", 0.5))

    lot_card = card(uow, Dimension.LOT, "GLUE", "K1")
    assert (lot_card.on_hand, lot_card.location) == (Decimal("0.25"), "WH1")
    assert [h.quantity for h in lot_card.history] == [Decimal("0.5"), Decimal("0.25"), Decimal("0.5")]
    [listed] = info_cards.list_lots(uow, ListFilter(item="GLUE"), today=TODAY)
    assert listed.quantity == Decimal("0.25")
    assert_check_ok(uow)


def test_lot_and_package_item_ships_a_lot_across_its_packages(uow):
    given_partial_world(uow)
    receive(
        uow,
        "PAINT",
        TrackingLine(lot="P-L1", package="BOX-1", quantity=Decimal(5)),
        TrackingLine(lot="P-L1", package="BOX-2", quantity=Decimal(5)),
    )

    document = ship(uow, "PAINT", lot("P-L1", 7))

    picked = [(e.key.package, e.quantity) for e in documents.entries(uow, document.id)]
    assert picked == [("BOX-1", Decimal(5)), ("BOX-2", Decimal(2))]
    box = card(uow, Dimension.PACKAGE, None, "BOX-2")
    assert (box.on_hand, box.location, box.status) == (Decimal(3), "WH1", TrackingStatus.AVAILABLE)
    assert card(uow, Dimension.PACKAGE, None, "BOX-1").status is TrackingStatus.DELIVERED
    assert_check_ok(uow)


def test_package_only_item_partial_shipment(uow):
    given_partial_world(uow)
    receive(uow, "SCREW", TrackingLine(package="CRATE/7", quantity=Decimal(100)))

    ship(uow, "SCREW", TrackingLine(package="CRATE/7", quantity=Decimal(40)))

    crate = card(uow, Dimension.PACKAGE, None, "CRATE/7")
    assert (crate.on_hand, crate.location) == (Decimal(60), "WH1")
    assert [(h.partner, h.quantity) for h in crate.holders] == [("ACME", Decimal(40))]
    violations = refused(ship, uow, "SCREW", TrackingLine(package="CRATE/7", quantity=Decimal(61)))
    assert codes(violations) == [(1, "CRATE/7", ErrorCode.INSUFFICIENT_QUANTITY)]
    assert_check_ok(uow)


# -- transit ---------------------------------------------------------------------------------------


def test_transit_transfer_of_lots_and_packages_refuses_receiving_more_than_shipped_then_receives_all(uow):
    given_partial_world(uow)
    receive(
        uow,
        "PAINT",
        TrackingLine(lot="T-L1", package="PAL-1", quantity=Decimal(4)),
        TrackingLine(lot="T-L2", package="PAL-1", quantity=Decimal(6)),
    )
    transfer = post(
        uow,
        DocumentType.TRANSFER,
        "PAINT",
        10,
        (lot("T-L1", 4), lot("T-L2", 6)),
        source="WH1",
        target="WH2",
        in_transit=True,
    )
    pallet = card(uow, Dimension.PACKAGE, None, "PAL-1")
    assert (pallet.status, pallet.location, pallet.on_hand) == (TrackingStatus.IN_TRANSIT, "TRANSIT", 0)

    partial = [
        ("PAINT", TrackingLine(lot="T-L1", package="PAL-1", quantity=Decimal(4))),
        ("PAINT", TrackingLine(lot="T-L2", package="PAL-1", quantity=Decimal(7))),
    ]
    violations = refused(documents.receive, uow, transfer.id, partial, user=CLERK, today=TODAY, now=now())
    assert codes(violations) == [(None, "T-L2", ErrorCode.TRANSIT_MISMATCH)]
    assert card(uow, Dimension.LOT, "PAINT", "T-L2").status is TrackingStatus.IN_TRANSIT

    full = [*partial[:1], ("PAINT", TrackingLine(lot="T-L2", package="PAL-1", quantity=Decimal(6)))]
    documents.receive(uow, transfer.id, full, user=CLERK, today=TODAY, now=now())

    pallet = card(uow, Dimension.PACKAGE, None, "PAL-1")
    assert (pallet.status, pallet.location, pallet.on_hand) == (TrackingStatus.AVAILABLE, "WH2", Decimal(10))
    assert card(uow, Dimension.LOT, "PAINT", "T-L1").location == "WH2"
    assert_check_ok(uow)


# -- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["S/N-Vend0001", "Ünï-çødé-№5", "X" * 50, "a,b\"c'd"])
def test_odd_but_valid_numbers_round_trip_through_cards_and_lists(uow, number):
    given_world(uow)
    receive(uow, "DRILL", *sn(number))

    serial = card(uow, Dimension.SERIAL, "DRILL", number)
    assert (serial.serial, serial.status, serial.location) == (number, TrackingStatus.AVAILABLE, "WH1")
    assert [r.serial for r in info_cards.list_serials(uow, ListFilter(item="DRILL"), today=TODAY)] == [number]
    ship(uow, "DRILL", *sn(number))
    assert card(uow, Dimension.SERIAL, "DRILL", number).holder == "ACME"
    assert_check_ok(uow)


def test_a_51_character_number_is_refused_before_anything_is_written(uow):
    given_world(uow)
    with pytest.raises(ValidationFailed, match="not a valid number"):
        receive(uow, "DRILL", *sn("X" * 51))
    assert ledger_rows(uow) == 0


# -- expiration ------------------------------------------------------------------------------------


def test_backdated_shipment_of_a_lot_expired_since_is_allowed_but_not_today(uow):
    given_partial_world(uow)
    post(
        uow,
        DocumentType.RECEIPT,
        "MILK",
        10,
        (lot("M1", 10, date(2026, 11, 10)),),
        target="WH1",
        partner="VEND",
        posting_date=date(2026, 11, 1),
    )

    violations = refused(ship, uow, "MILK", lot("M1", 2))
    assert codes(violations) == [(1, "M1", ErrorCode.LOT_EXPIRED)]

    backdated = post(
        uow,
        DocumentType.SHIPMENT,
        "MILK",
        2,
        (lot("M1", 2),),
        source="WH1",
        partner="ACME",
        posting_date=date(2026, 11, 10),
    )
    assert backdated.posting_date == date(2026, 11, 10)
    post(uow, DocumentType.SCRAP, "MILK", 8, (lot("M1", 8),), source="WH1")
    milk = card(uow, Dimension.LOT, "MILK", "M1")
    assert (milk.status, milk.on_hand) == (TrackingStatus.SCRAPPED, 0)
    assert_check_ok(uow)


def test_a_lot_that_left_entirely_comes_back_with_a_new_expiration_date_and_ships_on_it(uow):
    given_partial_world(uow)
    receive(uow, "MILK", lot("M2", 5, date(2026, 12, 1)))
    ship(uow, "MILK", lot("M2", 5))
    # The supplier reuses the lot number for a new batch: allowed, the old stock is all gone.
    receive(uow, "MILK", lot("M2", 5, date(2027, 12, 1)))

    later = date(2027, 1, 15)
    post(uow, DocumentType.SHIPMENT, "MILK", 2, (lot("M2", 2),), source="WH1", partner="BETA", today=later)

    milk = card(uow, Dimension.LOT, "MILK", "M2")
    assert (milk.on_hand, milk.expiration_date) == (Decimal(3), date(2027, 12, 1))
    [listed] = info_cards.list_lots(uow, ListFilter(item="MILK"), today=TODAY)
    assert listed.expiration_date == date(2027, 12, 1)
    assert_check_ok(uow)


# -- blocked ---------------------------------------------------------------------------------------


def test_a_blocked_package_of_several_lots_stops_them_all(uow):
    given_partial_world(uow)
    receive(
        uow,
        "PAINT",
        TrackingLine(lot="B-L1", package="PAL-9", quantity=Decimal(3)),
        TrackingLine(lot="B-L2", package="PAL-9", quantity=Decimal(3)),
        TrackingLine(lot="B-L2", package="PAL-8", quantity=Decimal(2)),
    )
    info_cards.update(uow, Dimension.PACKAGE, None, "PAL-9", blocked=True, today=TODAY)

    violations = refused(ship, uow, "PAINT", lot("B-L1", 1))
    assert codes(violations) == [(1, "PAL-9", ErrorCode.TRACKING_BLOCKED)]
    assert "only 0 of it is outside package PAL-9, which is blocked" in violations[0].detail
    violations = refused(ship, uow, "PAINT", TrackingLine(lot="B-L2", package="PAL-9", quantity=Decimal(1)))
    assert codes(violations) == [(1, "PAL-9", ErrorCode.TRACKING_BLOCKED)]
    # What the line leaves open is picked around the blocked package.
    document = ship(uow, "PAINT", lot("B-L2", 2))
    assert [(e.key.package, e.quantity) for e in documents.entries(uow, document.id)] == [
        ("PAL-8", Decimal(2))
    ]
    assert card(uow, Dimension.PACKAGE, None, "PAL-9").status is TrackingStatus.BLOCKED
    assert_check_ok(uow)


def test_serial_card_and_serial_list_agree_on_a_serial_in_a_blocked_lot(uow):
    given_partial_world(uow)
    receive(uow, "BOARD", TrackingLine(serial="B-1", lot="BL"), TrackingLine(serial="B-2", lot="BL"))
    info_cards.update(uow, Dimension.LOT, "BOARD", "BL", blocked=True, today=TODAY)

    assert card(uow, Dimension.SERIAL, "BOARD", "B-1").status is TrackingStatus.BLOCKED
    listed = info_cards.list_serials(uow, ListFilter(item="BOARD"), today=TODAY)
    assert [(r.serial, r.status) for r in listed] == [
        ("B-1", TrackingStatus.BLOCKED),
        ("B-2", TrackingStatus.BLOCKED),
    ]
    assert [
        r.serial
        for r in info_cards.list_serials(
            uow, ListFilter(item="BOARD", status=TrackingStatus.BLOCKED), today=TODAY
        )
    ] == [
        "B-1",
        "B-2",
    ]
    assert (
        info_cards.list_serials(uow, ListFilter(item="BOARD", status=TrackingStatus.AVAILABLE), today=TODAY)
        == []
    )
    assert codes(refused(ship, uow, "BOARD", TrackingLine(serial="B-1", lot="BL"))) == [
        (1, "BL", ErrorCode.TRACKING_BLOCKED)
    ]


def test_serial_card_and_list_agree_on_a_serial_in_a_blocked_package(uow):
    given_world(uow)
    masterdata.create_tracking_code(uow, TrackingCode("SNPKG", serial=SPECIFIC, package=INBOUND))
    masterdata.create_item(uow, Item("LAPTOP", "Laptop", tracking_code="SNPKG"))
    receive(uow, "LAPTOP", TrackingLine(serial="LP-1", package="CASE-1"))
    info_cards.update(uow, Dimension.PACKAGE, None, "CASE-1", blocked=True, today=TODAY)

    violations = refused(ship, uow, "LAPTOP", *sn("LP-1"))
    assert codes(violations) == [(1, "CASE-1", ErrorCode.TRACKING_BLOCKED)]
    assert card(uow, Dimension.SERIAL, "LAPTOP", "LP-1").status is TrackingStatus.BLOCKED
    [listed] = info_cards.list_serials(uow, ListFilter(item="LAPTOP"), today=TODAY)
    assert listed.status is TrackingStatus.BLOCKED


# -- reservations and auto-pick --------------------------------------------------------------------


def test_auto_pick_takes_around_what_a_draft_reserves_and_a_draft_of_the_rest_is_refused(uow):
    given_partial_world(uow)
    receive(uow, "FLOUR", lot("R1", 10, date(2027, 1, 1)), lot("R2", 10, date(2027, 5, 1)))
    held = create(uow, shipment(line("FLOUR", 8, lot("R1", 8))), post_it=False)

    document = ship(uow, "FLOUR", quantity=5)

    picked = [(e.key.lot, e.quantity) for e in documents.entries(uow, document.id)]
    assert picked == [("R1", Decimal(2)), ("R2", Decimal(3))]
    found = availability.availability(uow, "FLOUR", today=TODAY)
    assert (found.on_hand, found.reserved, found.available) == (Decimal(15), Decimal(8), Decimal(7))
    violations = refused(ship, uow, "FLOUR", lot("R1", 1))
    assert codes(violations) == [(1, "R1", ErrorCode.RESERVED)]
    assert held.number in violations[0].detail
    documents.post(uow, held.id, user=CLERK, today=TODAY, now=now())
    assert card(uow, Dimension.LOT, "FLOUR", "R1").on_hand == 0
    assert_check_ok(uow)


# -- returns, adjustments --------------------------------------------------------------------------


def test_a_lot_comes_back_from_the_customer(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("RL", 10))
    ship(uow, "GLUE", lot("RL", 4))

    post(uow, DocumentType.RETURN_RECEIPT, "GLUE", 3, (lot("RL", 3),), target="WH2", partner="ACME")

    glue = card(uow, Dimension.LOT, "GLUE", "RL")
    assert [(q.location, q.quantity) for q in glue.locations] == [("WH1", Decimal(6)), ("WH2", Decimal(3))]
    assert [(h.partner, h.quantity) for h in glue.holders] == [("ACME", Decimal(1))]
    assert glue.on_hand == Decimal(9)
    assert_check_ok(uow)


def test_untracked_adjustments_in_and_out(uow):
    given_world(uow)
    post(uow, DocumentType.ADJUSTMENT, "BOLT", 5, target="WH1")

    violations = refused(post, uow, DocumentType.ADJUSTMENT, "BOLT", 7, source="WH1")
    assert codes(violations) == [(1, None, ErrorCode.INSUFFICIENT_QUANTITY)]
    assert codes(refused(post, uow, DocumentType.ADJUSTMENT, "BOLT", 1, (lot("X", 1),), source="WH1")) == [
        (1, "X", ErrorCode.TRACKING_NOT_ALLOWED)
    ]
    post(uow, DocumentType.ADJUSTMENT, "BOLT", 3, source="WH1")

    assert availability.availability(uow, "BOLT", location="WH1", today=TODAY).on_hand == Decimal(2)
    assert_check_ok(uow)


# -- assembly and recall ---------------------------------------------------------------------------


def test_assembly_consumes_a_lot_outputs_serials_and_a_recall_blocks_them(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("AL", 10))
    assembly = Document(
        DocumentType.ASSEMBLY,
        (
            Line("GLUE", Decimal(2), "WH1", None, (lot("AL", 2),), role=Role.CONSUME),
            Line("DRILL", Decimal(2), None, "WH1", sn("D-1", "D-2"), role=Role.OUTPUT),
        ),
    )
    create(uow, assembly)
    ship(uow, "DRILL", *sn("D-1"))

    report = tracing.recall(uow, "GLUE", lot="AL", block=True, user=CLERK, now=now())

    assert [(d.partner, d.item, d.serial) for d in report.customers] == [("ACME", "DRILL", "D-1")]
    assert sorted((f.serial, f.status) for f in report.finished_goods) == [
        ("D-1", TrackingStatus.DELIVERED),
        ("D-2", TrackingStatus.BLOCKED),
    ]
    assert card(uow, Dimension.SERIAL, "DRILL", "D-2").status is TrackingStatus.BLOCKED
    assert card(uow, Dimension.LOT, "GLUE", "AL").status is TrackingStatus.BLOCKED
    assert codes(refused(ship, uow, "DRILL", *sn("D-2"))) == [(1, "D-2", ErrorCode.TRACKING_BLOCKED)]
    assert_check_ok(uow)


# -- idempotency -----------------------------------------------------------------------------------


def test_a_refused_posting_leaves_its_idempotency_key_free_for_the_corrected_retry(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("IK", 5))
    wrong = shipment(line("GLUE", 6, lot("IK", 6)))
    right = shipment(line("GLUE", 5, lot("IK", 5)))

    with pytest.raises(PostingRejected):
        documents.create(
            uow, wrong, user=CLERK, post=True, idempotency=("k-1", "fp-wrong"), today=TODAY, now=now()
        )
    first = documents.create(
        uow, right, user=CLERK, post=True, idempotency=("k-1", "fp-right"), today=TODAY, now=now()
    )
    again = documents.create(
        uow, right, user=CLERK, post=True, idempotency=("k-1", "fp-right"), today=TODAY, now=now()
    )

    assert again.id == first.id
    assert card(uow, Dimension.LOT, "GLUE", "IK").on_hand == 0
    assert_check_ok(uow)


def test_a_lot_returned_after_all_of_it_left_keeps_its_expiration_date(uow):
    given_world(uow)  # GLUE: shelf life 12M, so a date is computed when none is given
    receive(uow, "GLUE", lot("RX", 4))
    assert card(uow, Dimension.LOT, "GLUE", "RX").expiration_date == date(2027, 11, 23)
    ship(uow, "GLUE", lot("RX", 4))

    a_month_later = date(2026, 12, 23)
    post(
        uow,
        DocumentType.RETURN_RECEIPT,
        "GLUE",
        3,
        (lot("RX", 3),),
        target="WH1",
        partner="ACME",
        today=a_month_later,
    )

    glue = card(uow, Dimension.LOT, "GLUE", "RX")
    assert (glue.on_hand, glue.expiration_date) == (Decimal(3), date(2027, 11, 23))
    assert [h.quantity for h in glue.holders] == [Decimal(1)]
    assert_check_ok(uow)


def test_a_returned_serial_keeps_its_expiration_date(uow):
    given_world(uow)
    masterdata.create_tracking_code(uow, TrackingCode("SNEXP", serial=SPECIFIC, use_expiration_dates=True))
    masterdata.create_item(uow, Item("KIT", "First aid kit", tracking_code="SNEXP", shelf_life="24M"))
    receive(uow, "KIT", *sn("K-1"))
    ship(uow, "KIT", *sn("K-1"))

    post(
        uow,
        DocumentType.RETURN_RECEIPT,
        "KIT",
        1,
        sn("K-1"),
        target="WH1",
        partner="ACME",
        today=date(2027, 3, 1),
    )

    kit = card(uow, Dimension.SERIAL, "KIT", "K-1")
    assert (kit.status, kit.location, kit.expiration_date) == (
        TrackingStatus.AVAILABLE,
        "WH1",
        date(2028, 11, 23),
    )
    assert_check_ok(uow)


def test_backdated_receipt_computes_expiration_from_its_posting_date(uow):
    given_world(uow)
    post(
        uow,
        DocumentType.RECEIPT,
        "GLUE",
        2,
        (lot("OLD", 2),),
        target="WH1",
        partner="VEND",
        posting_date=date(2026, 1, 31),
    )

    assert card(uow, Dimension.LOT, "GLUE", "OLD").expiration_date == date(2027, 1, 31)


def test_returning_a_serial_from_the_previous_holder_after_it_was_resold_is_refused(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("RS-1"))
    ship(uow, "DRILL", *sn("RS-1"))
    post(uow, DocumentType.RETURN_RECEIPT, "DRILL", 1, sn("RS-1"), target="WH1", partner="ACME")
    ship(uow, "DRILL", *sn("RS-1"), to="BETA")

    violations = refused(
        post, uow, DocumentType.RETURN_RECEIPT, "DRILL", 1, sn("RS-1"), target="WH1", partner="ACME"
    )

    assert codes(violations) == [(1, "RS-1", ErrorCode.NOT_SOLD_TO_PARTNER)]
    drill = card(uow, Dimension.SERIAL, "DRILL", "RS-1")
    assert (drill.status, drill.holder, drill.location) == (TrackingStatus.DELIVERED, "BETA", None)
    assert [(h.type, h.partner) for h in drill.history] == [
        ("receipt", "VEND"),
        ("shipment", "ACME"),
        ("return_receipt", "ACME"),
        ("shipment", "BETA"),
    ]
    assert_check_ok(uow)


def test_strict_expiration_refuses_an_in_transit_transfer_of_an_expired_lot(uow):
    given_partial_world(uow)
    receive(uow, "MILK", lot("MT", 4, date(2026, 11, 22)))

    violations = refused(
        post,
        uow,
        DocumentType.TRANSFER,
        "MILK",
        4,
        (lot("MT", 4),),
        source="WH1",
        target="WH2",
        in_transit=True,
    )

    assert codes(violations) == [(1, "MT", ErrorCode.LOT_EXPIRED)]
    assert card(uow, Dimension.LOT, "MILK", "MT").location == "WH1"


def test_an_untracked_draft_reserves_its_quantity_against_a_posting(uow):
    given_world(uow)
    post(uow, DocumentType.ADJUSTMENT, "BOLT", 8, target="WH1")
    held = create(uow, shipment(line("BOLT", 5)), post_it=False)

    violations = refused(ship, uow, "BOLT", quantity=4)

    assert codes(violations) == [(1, None, ErrorCode.RESERVED)]
    assert held.number in violations[0].detail
    ship(uow, "BOLT", quantity=3)
    found = availability.availability(uow, "BOLT", location="WH1", today=TODAY)
    assert (found.on_hand, found.reserved, found.available) == (Decimal(5), Decimal(5), Decimal(0))
    assert_check_ok(uow)


def test_a_serial_tracked_item_refuses_half_a_unit(uow):
    given_world(uow)
    violations = refused(receive, uow, "DRILL", quantity=0.5)
    assert [v.code for v in violations] == [ErrorCode.TRACKING_REQUIRED, ErrorCode.SERIAL_QUANTITY]


def test_fefo_auto_pick_uses_the_date_of_a_reused_lot_number_not_of_its_old_batch(uow):
    given_partial_world(uow)
    receive(uow, "FLOUR", lot("REUSED", 5, date(2027, 1, 1)))
    ship(uow, "FLOUR", lot("REUSED", 5))
    receive(uow, "FLOUR", lot("REUSED", 5, date(2028, 1, 1)), lot("SOON", 5, date(2027, 6, 1)))

    document = ship(uow, "FLOUR", quantity=6)

    picked = [(e.key.lot, e.quantity, e.expiration_date) for e in documents.entries(uow, document.id)]
    assert picked == [("SOON", Decimal(5), date(2027, 6, 1)), ("REUSED", Decimal(1), date(2028, 1, 1))]
    assert_check_ok(uow)


def test_an_assembly_may_not_consume_an_expired_lot_under_strict_expiration(uow):
    given_partial_world(uow)
    receive(uow, "MILK", lot("MX", 3, date(2026, 11, 1)))
    assembly = Document(
        DocumentType.ASSEMBLY,
        (
            Line("MILK", Decimal(1), "WH1", None, (lot("MX", 1),), role=Role.CONSUME),
            Line("DRILL", Decimal(1), None, "WH1", sn("AX-1"), role=Role.OUTPUT),
        ),
    )

    assert codes(refused(create, uow, assembly)) == [(1, "MX", ErrorCode.LOT_EXPIRED)]
    post(uow, DocumentType.ADJUSTMENT, "MILK", 3, (lot("MX", 3),), source="WH1")
    assert card(uow, Dimension.LOT, "MILK", "MX").status is TrackingStatus.ADJUSTED_OUT
    assert_check_ok(uow)
