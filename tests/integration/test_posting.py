"""Posting through the services on SQLite and PostgreSQL: rules, numbers, atomicity, cards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from itemtrace.domain.cards import ListFilter
from itemtrace.domain.documents import (
    Assign,
    Document,
    DocumentType,
    Line,
    Status,
    TrackingLine,
    TransitStatus,
)
from itemtrace.domain.errors import Conflict, ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension
from itemtrace.services import documents, info_cards, ledger
from tests.conftest import TODAY, now
from tests.world import (
    CLERK,
    document_rows,
    given_world,
    ledger_rows,
    lot,
    post,
    receive,
    ship,
    sn,
)


def serial_card(uow, item, serial):
    return info_cards.card(uow, Dimension.SERIAL, item, serial, today=TODAY)


def lot_card(uow, item, number):
    return info_cards.card(uow, Dimension.LOT, item, number, today=TODAY)


def refused(call, *args, **kwargs) -> list:
    with pytest.raises(PostingRejected) as rejected:
        call(*args, **kwargs)
    return rejected.value.violations


def test_assigned_serials_come_from_the_item_series_and_skip_numbers_that_exist(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-26-00002"))

    document = post(uow, DocumentType.RECEIPT, "DRILL", 3, target="WH1", assign=Assign(serial=True))

    assert [t.serial for t in document.lines[0].tracking] == ["SN-26-00001", "SN-26-00003", "SN-26-00004"]
    assert serial_card(uow, "DRILL", "SN-26-00004").status is TrackingStatus.AVAILABLE


def test_a_customised_run_increments_the_last_digits_and_can_open_a_new_lot(uow):
    given_world(uow)
    from itemtrace.domain.masterdata import Item
    from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
    from itemtrace.services import masterdata

    masterdata.create_tracking_code(
        uow, TrackingCode("SNLOT", serial=DimensionPolicy(specific=True), lot=DimensionPolicy(inbound=True))
    )
    masterdata.create_item(uow, Item("ROUTER", "Router", tracking_code="SNLOT", lot_series="LOTS"))

    document = post(
        uow,
        DocumentType.RECEIPT,
        "ROUTER",
        3,
        target="WH1",
        assign=Assign(serial=True, start="S/N-Vend0001", increment=1, count=3, new_lot=True),
    )

    tracking = document.lines[0].tracking
    assert [t.serial for t in tracking] == ["S/N-Vend0001", "S/N-Vend0002", "S/N-Vend0003"]
    assert {t.lot for t in tracking} == {"L202611-001"}
    assert serial_card(uow, "ROUTER", "S/N-Vend0002").lot == "L202611-001"


def test_a_serial_received_twice_is_refused_and_nothing_is_written(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    before = (ledger_rows(uow), document_rows(uow))

    [violation] = refused(receive, uow, "DRILL", *sn("SN-2", "SN-1"))

    assert violation.code is ErrorCode.SERIAL_EXISTS
    assert violation.tracking == "SN-1"
    assert violation.line == 1
    assert (ledger_rows(uow), document_rows(uow)) == before


def test_global_serial_uniqueness_spans_items_while_item_uniqueness_does_not(uow):
    given_world(uow)
    receive(uow, "SAW", *sn("X-1"))
    receive(uow, "DRILL", *sn("X-1"))  # DRILL's serials are unique per item only

    [violation] = refused(receive, uow, "PHONE", *sn("X-1"))

    assert violation.code is ErrorCode.SERIAL_EXISTS
    assert "SAW" in violation.detail


def test_shipping_a_serial_sets_its_warranty_holder_and_status(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))

    ship(uow, "DRILL", *sn("SN-1"), to="ACME")

    card = serial_card(uow, "DRILL", "SN-1")
    assert card.status is TrackingStatus.DELIVERED
    assert card.holder == "ACME"
    assert card.location is None
    assert card.warranty_date == date(2028, 11, 23)
    assert [(h.type, h.from_location, h.to_location, h.partner) for h in card.history] == [
        ("receipt", "SUPPLIER", "WH1", "VEND"),
        ("shipment", "WH1", "CUSTOMER", "ACME"),
    ]


def test_shipping_a_serial_from_the_wrong_location_names_where_it_is(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"), at="WH2")

    [violation] = refused(ship, uow, "DRILL", *sn("SN-1"), at="WH1")

    assert violation.code is ErrorCode.SERIAL_NOT_AVAILABLE
    assert "is at WH2, not at WH1" in violation.detail


def test_every_violation_of_every_line_is_reported_at_once(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5, date(2027, 6, 1)))
    draft = Document(
        DocumentType.SHIPMENT,
        (
            Line("GLUE", Decimal(8), "WH1", tracking=(lot("L1", 8),)),
            Line("DRILL", Decimal(1), "WH1", tracking=sn("NOPE")),
            Line("BOLT", Decimal(1), "WH1", tracking=(TrackingLine(serial="B-1"),)),
        ),
        partner="ACME",
    )

    violations = refused(documents.create, uow, draft, user=CLERK, post=True, today=TODAY, now=now())

    assert [(v.line, v.code) for v in violations] == [
        (1, ErrorCode.INSUFFICIENT_QUANTITY),
        (2, ErrorCode.SERIAL_NOT_AVAILABLE),
        (3, ErrorCode.TRACKING_NOT_ALLOWED),
    ]
    assert document_rows(uow) == 1  # only the receipt: the refused draft is not kept


def test_a_blocked_serial_cannot_move_until_unblocked(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    info_cards.update(uow, Dimension.SERIAL, "DRILL", "SN-1", blocked=True, description="dented", today=TODAY)

    [violation] = refused(ship, uow, "DRILL", *sn("SN-1"))
    card = serial_card(uow, "DRILL", "SN-1")
    info_cards.update(uow, Dimension.SERIAL, "DRILL", "SN-1", blocked=False, today=TODAY)
    ship(uow, "DRILL", *sn("SN-1"))

    assert violation.code is ErrorCode.TRACKING_BLOCKED
    assert (card.status, card.blocked, card.description) == (TrackingStatus.BLOCKED, True, "dented")
    assert serial_card(uow, "DRILL", "SN-1").status is TrackingStatus.DELIVERED


def test_a_serial_comes_back_only_from_the_customer_it_was_shipped_to(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    ship(uow, "DRILL", *sn("SN-1"), to="ACME")

    [violation] = refused(
        post, uow, DocumentType.RETURN_RECEIPT, "DRILL", 1, sn("SN-1"), target="WH1", partner="BETA"
    )
    post(uow, DocumentType.RETURN_RECEIPT, "DRILL", 1, sn("SN-1"), target="WH2", partner="ACME")

    assert violation.code is ErrorCode.NOT_SOLD_TO_PARTNER
    assert "held by ACME" in violation.detail
    card = serial_card(uow, "DRILL", "SN-1")
    assert (card.status, card.location, card.holder) == (TrackingStatus.AVAILABLE, "WH2", None)
    assert len(card.history) == 3


def test_an_in_transit_transfer_receives_only_what_it_shipped_and_only_once(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))
    shipped = post(
        uow,
        DocumentType.TRANSFER,
        "DRILL",
        2,
        sn("SN-1", "SN-2"),
        source="WH1",
        target="WH2",
        in_transit=True,
    )
    in_transit = serial_card(uow, "DRILL", "SN-1")

    [mismatch, *_] = refused(
        documents.receive,
        uow,
        shipped.id,
        [("DRILL", TrackingLine(serial="SN-1")), ("DRILL", TrackingLine(serial="SN-3"))],
        user=CLERK,
        today=TODAY,
        now=now(),
    )
    received = documents.receive(uow, shipped.id, user=CLERK, today=TODAY, now=now())
    with pytest.raises(Conflict) as again:
        documents.receive(uow, shipped.id, user=CLERK, today=TODAY, now=now())

    assert (shipped.status, shipped.transit_status) == (Status.POSTED, TransitStatus.IN_TRANSIT)
    assert (in_transit.status, in_transit.location) == (TrackingStatus.IN_TRANSIT, "TRANSIT")
    assert mismatch.code is ErrorCode.TRANSIT_MISMATCH
    assert received.transit_status is TransitStatus.RECEIVED
    assert serial_card(uow, "DRILL", "SN-2").location == "WH2"
    assert again.value.code is ErrorCode.DOCUMENT_NOT_DRAFT


def test_adjustments_scrap_and_returns_to_vendor_end_in_their_statuses(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("A", "B", "C"))

    post(uow, DocumentType.ADJUSTMENT, "DRILL", 1, sn("A"), source="WH1")
    post(uow, DocumentType.SCRAP, "DRILL", 1, sn("B"), source="WH1")
    post(uow, DocumentType.RETURN_SHIPMENT, "DRILL", 1, sn("C"), source="WH1", partner="VEND")
    post(uow, DocumentType.ADJUSTMENT, "DRILL", 1, sn("D"), target="WH2")

    statuses = {s: serial_card(uow, "DRILL", s).status for s in "ABCD"}
    assert statuses == {
        "A": TrackingStatus.ADJUSTED_OUT,
        "B": TrackingStatus.SCRAPPED,
        "C": TrackingStatus.RETURNED_TO_VENDOR,
        "D": TrackingStatus.AVAILABLE,
    }
    assert ledger.check(uow).ok


def test_a_draft_reserves_nothing_in_the_ledger_and_can_be_cancelled_but_not_posted_after(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    draft = Document(
        DocumentType.SHIPMENT, (Line("DRILL", Decimal(1), "WH1", tracking=sn("SN-1")),), partner="ACME"
    )
    stored = documents.create(uow, draft, user=CLERK, today=TODAY, now=now())

    cancelled = documents.cancel(uow, stored.id, user=CLERK)
    with pytest.raises(Conflict) as late:
        documents.post(uow, stored.id, user=CLERK, today=TODAY, now=now())

    assert stored.status is Status.DRAFT
    assert cancelled.status is Status.CANCELLED
    assert late.value.code is ErrorCode.DOCUMENT_NOT_DRAFT
    assert ledger_rows(uow) == 1


def test_posting_a_posted_document_again_is_a_conflict(uow):
    given_world(uow)
    document = receive(uow, "DRILL", *sn("SN-1"))

    with pytest.raises(Conflict) as again:
        documents.post(uow, document.id, user=CLERK, today=TODAY, now=now())

    assert again.value.code is ErrorCode.DOCUMENT_NOT_DRAFT


def test_the_same_idempotency_key_posts_once_and_a_different_body_is_a_conflict(uow):
    given_world(uow)
    draft = Document(DocumentType.RECEIPT, (Line("DRILL", Decimal(1), None, "WH1", sn("SN-1")),))

    first = documents.create(
        uow, draft, user=CLERK, post=True, idempotency=("k-1", "body-a"), today=TODAY, now=now()
    )
    again = documents.create(
        uow, draft, user=CLERK, post=True, idempotency=("k-1", "body-a"), today=TODAY, now=now()
    )
    with pytest.raises(Conflict) as other:
        documents.create(
            uow, draft, user=CLERK, post=True, idempotency=("k-1", "body-b"), today=TODAY, now=now()
        )

    assert again.id == first.id
    assert other.value.code is ErrorCode.IDEMPOTENCY_CONFLICT
    assert ledger_rows(uow) == 1


def test_a_lot_gets_its_expiration_from_shelf_life_and_keeps_it_while_in_stock(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))

    [violation] = refused(receive, uow, "GLUE", lot("L1", 5, date(2030, 1, 1)))
    receive(uow, "GLUE", lot("L1", 2))

    card = lot_card(uow, "GLUE", "L1")
    assert card.expiration_date == date(2027, 11, 23)
    assert violation.code is ErrorCode.EXPIRATION_DATE_MISMATCH
    assert card.on_hand == Decimal(7)


def test_an_unspecified_lot_is_picked_first_expired_first_out(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("LATE", 5, date(2027, 6, 1)))
    receive(uow, "GLUE", lot("SOON", 3, date(2027, 3, 1)))
    from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
    from itemtrace.services import masterdata

    # Shipping without naming a lot is allowed for a code that requires lots inbound only.
    masterdata.create_tracking_code(uow, TrackingCode("LOTIN", lot=DimensionPolicy(inbound=True)))
    from itemtrace.domain.masterdata import Item

    masterdata.create_item(uow, Item("PAINT", "Paint", tracking_code="LOTIN"))
    receive(uow, "PAINT", lot("P-LATE", 5, date(2027, 6, 1)))
    receive(uow, "PAINT", lot("P-SOON", 3, date(2027, 3, 1)))

    shipped = ship(uow, "PAINT", quantity=4)

    entries = documents.entries(uow, shipped.id)
    assert [(e.key.lot, e.quantity) for e in entries] == [("P-SOON", Decimal(3)), ("P-LATE", Decimal(1))]


def test_untracked_items_move_by_quantity_and_refuse_numbers(uow):
    given_world(uow)
    receive(uow, "BOLT", quantity=10)
    ship(uow, "BOLT", quantity=4)

    [violation] = refused(ship, uow, "BOLT", quantity=7)

    assert violation.code is ErrorCode.INSUFFICIENT_QUANTITY
    assert "only 6 there" in violation.detail


def test_numbers_may_contain_slashes_but_not_be_blank(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("S/N-1"))

    with pytest.raises(ValidationFailed):
        receive(uow, "DRILL", *sn(" "))

    assert serial_card(uow, "DRILL", "S/N-1").serial == "S/N-1"


def test_ledger_entries_cannot_be_updated_or_deleted_by_anyone(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))

    for statement in ("UPDATE ledger_entry SET quantity = 5000", "DELETE FROM ledger_entry"):
        with uow, pytest.raises(DBAPIError) as error, uow.session.begin_nested():
            uow.session.execute(text(statement))
        assert "immutable" in str(error.value)
    assert ledger_rows(uow) == 1


def test_check_reports_a_projection_that_drifted_from_the_ledger(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))
    with uow:
        uow.session.execute(text("UPDATE balance SET quantity = 4000 WHERE lot = 'L1' AND quantity > 0"))
        uow.commit()

    report = ledger.check(uow)

    [difference] = report.differences
    assert (difference.location, difference.key.lot) == ("WH1", "L1")
    assert (difference.projected, difference.recomputed) == (Decimal(4), Decimal(5))


def test_serial_lists_filter_by_status_and_page_with_a_keyset(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("A", "B", "C", "D"))
    ship(uow, "DRILL", *sn("B", "D"))

    first = info_cards.list_serials(
        uow, ListFilter(item="DRILL", status=TrackingStatus.AVAILABLE, limit=1), today=TODAY
    )
    rest = info_cards.list_serials(
        uow,
        ListFilter(item="DRILL", status=TrackingStatus.AVAILABLE, after=("DRILL", "A"), limit=5),
        today=TODAY,
    )
    delivered = info_cards.list_serials(uow, ListFilter(status=TrackingStatus.DELIVERED), today=TODAY)

    assert [s.serial for s in first] == ["A"]
    assert [s.serial for s in rest] == ["C"]
    assert [(s.serial, s.holder) for s in delivered] == [("B", "ACME"), ("D", "ACME")]


def test_lot_list_and_card_give_quantities_by_location(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    post(uow, DocumentType.TRANSFER, "GLUE", 4, (lot("L1", 4),), source="WH1", target="WH2")
    ship(uow, "GLUE", lot("L1", 1), at="WH2", to="BETA")

    card = lot_card(uow, "GLUE", "L1")
    [listed] = info_cards.list_lots(uow, ListFilter(item="GLUE"), today=TODAY)

    assert [(q.location, q.quantity) for q in card.locations] == [("WH1", Decimal(6)), ("WH2", Decimal(3))]
    assert [(h.partner, h.quantity) for h in card.holders] == [("BETA", Decimal(1))]
    assert (listed.lot, listed.quantity, listed.status) == ("L1", Decimal(9), TrackingStatus.AVAILABLE)


def test_a_refused_posting_draws_no_document_number_on_either_database(uow):
    given_world(uow)
    first = receive(uow, "DRILL", *sn("SN-1"))

    draft = documents.create(
        uow,
        Document(
            DocumentType.SHIPMENT, (Line("DRILL", Decimal(1), "WH1", None, sn("SN-1")),), partner="ACME"
        ),
        user=CLERK,
        today=TODAY,
        now=now(),
    )

    with pytest.raises(PostingRejected):
        ship(uow, "DRILL", *sn("SN-404"))  # refused by a posting rule
    with pytest.raises(PostingRejected):  # a second draft for the serial the first one reserves
        documents.create(
            uow,
            Document(
                DocumentType.SHIPMENT, (Line("DRILL", Decimal(1), "WH1", None, sn("SN-1")),), partner="ACME"
            ),
            user=CLERK,
            today=TODAY,
            now=now(),
        )
    second = receive(uow, "DRILL", *sn("SN-2"))

    assert draft.id == first.id + 1
    assert second.id == first.id + 2
    assert second.number == f"RCPT-{first.id + 2:06d}"


def test_customers_return_no_more_of_a_lot_than_they_hold_and_never_a_lot_they_did_not_get(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    receive(uow, "GLUE", lot("L2", 10))
    ship(uow, "GLUE", lot("L1", 2))

    with pytest.raises(PostingRejected) as too_many:
        post(uow, DocumentType.RETURN_RECEIPT, "GLUE", 50, [lot("L1", 50)], target="WH1", partner="ACME")
    with pytest.raises(PostingRejected) as never_received:
        post(uow, DocumentType.RETURN_RECEIPT, "GLUE", 1, [lot("L-NEW", 1)], target="WH1", partner="ACME")
    with pytest.raises(PostingRejected) as other_customer:
        post(uow, DocumentType.RETURN_RECEIPT, "GLUE", 1, [lot("L1", 1)], target="WH1", partner="BETA")
    returned = post(uow, DocumentType.RETURN_RECEIPT, "GLUE", 2, [lot("L1", 2)], target="WH1", partner="ACME")

    [v] = too_many.value.violations
    assert v.code is ErrorCode.NOT_SOLD_TO_PARTNER
    assert "ACME holds 2 of lot L1 of GLUE, not 50" in v.detail
    assert [v.code for v in never_received.value.violations] == [ErrorCode.NOT_SOLD_TO_PARTNER]
    assert [v.code for v in other_customer.value.violations] == [ErrorCode.NOT_SOLD_TO_PARTNER]
    assert returned.status is Status.POSTED
    assert ledger.check(uow).ok


def test_an_untracked_item_comes_back_only_as_far_as_it_went_out(uow):
    given_world(uow)
    receive(uow, "BOLT", quantity=10)
    ship(uow, "BOLT", quantity=3)

    with pytest.raises(PostingRejected) as refused:
        post(uow, DocumentType.RETURN_RECEIPT, "BOLT", 4, target="WH1", partner="ACME")
    post(uow, DocumentType.RETURN_RECEIPT, "BOLT", 2, target="WH1", partner="ACME")
    post(uow, DocumentType.RETURN_RECEIPT, "BOLT", 1, target="WH1", partner="ACME")
    with pytest.raises(PostingRejected) as again:
        post(uow, DocumentType.RETURN_RECEIPT, "BOLT", 1, target="WH1", partner="ACME")

    assert [v.code for v in refused.value.violations] == [ErrorCode.NOT_SOLD_TO_PARTNER]
    assert "ACME holds 3 of untracked stock of BOLT, not 4" in refused.value.violations[0].detail
    assert [v.code for v in again.value.violations] == [ErrorCode.NOT_SOLD_TO_PARTNER]
    assert ledger.check(uow).ok


def test_two_lines_of_one_return_together_may_not_exceed_what_the_customer_holds(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    ship(uow, "GLUE", lot("L1", 3))
    lines = tuple(Line("GLUE", Decimal(2), None, "WH1", (lot("L1", 2),)) for _ in range(2))

    with pytest.raises(PostingRejected) as refused:
        documents.create(
            uow,
            Document(DocumentType.RETURN_RECEIPT, lines, partner="ACME"),
            user=CLERK,
            post=True,
            today=TODAY,
            now=now(),
        )

    [v] = refused.value.violations
    assert (v.line, v.code) == (2, ErrorCode.NOT_SOLD_TO_PARTNER)
    assert "ACME holds 1 of lot L1 of GLUE, not 2" in v.detail
