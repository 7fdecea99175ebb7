"""Corrections through the services on SQLite and PostgreSQL: reversals, returns built from a
shipment, partial posting and partial transit receipts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from itemtrace.domain.corrections import PartRequest
from itemtrace.domain.documents import (
    Assign,
    Document,
    DocumentType,
    Line,
    Role,
    Status,
    StoredDocument,
    TransitStatus,
)
from itemtrace.domain.errors import Conflict, ErrorCode, PostingRejected
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension
from itemtrace.services import availability, corrections, documents, info_cards, ledger, tracing
from tests.conftest import TODAY, now
from tests.world import CLERK, given_world, ledger_rows, lot, post, receive, ship, sn


def serial_card(uow, item, serial):
    return info_cards.card(uow, Dimension.SERIAL, item, serial, today=TODAY)


def lot_card(uow, item, number):
    return info_cards.card(uow, Dimension.LOT, item, number, today=TODAY)


def reverse(uow, document: StoredDocument, **kwargs) -> StoredDocument:
    return corrections.reverse(uow, document.id, user=CLERK, today=TODAY, now=now(), **kwargs)


def refused(call, *args, **kwargs) -> list:
    with pytest.raises(PostingRejected) as rejected:
        call(*args, **kwargs)
    return rejected.value.violations


def assert_ledger_whole(uow) -> None:
    report = ledger.check(uow)
    assert report.ok, report.differences


def draft(
    uow, type: DocumentType, *lines: Line, partner: str | None = None, in_transit: bool = False
) -> StoredDocument:
    return documents.create(
        uow, Document(type, lines, partner=partner, in_transit=in_transit), user=CLERK, today=TODAY, now=now()
    )


def post_part(uow, document: StoredDocument, *requests: PartRequest, **kwargs) -> StoredDocument:
    return corrections.post_part(
        uow, document.id, list(requests), user=CLERK, today=TODAY, now=now(), **kwargs
    )


# -- reversal ------------------------------------------------------------------------------------


def test_reversing_a_shipment_brings_the_serial_back_available_with_no_holder_and_no_warranty(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    shipped = ship(uow, "DRILL", *sn("SN-1"))
    delivered = serial_card(uow, "DRILL", "SN-1")

    reversal = reverse(uow, shipped)

    card = serial_card(uow, "DRILL", "SN-1")
    assert (delivered.status, delivered.holder) == (TrackingStatus.DELIVERED, "ACME")
    assert delivered.warranty_date is not None  # the tracking code's 2Y from the shipment
    assert (card.status, card.location, card.holder, card.warranty_date) == (
        TrackingStatus.AVAILABLE,
        "WH1",
        None,
        None,
    )
    assert (reversal.type, reversal.status, reversal.partner) == (
        DocumentType.SHIPMENT,
        Status.POSTED,
        "ACME",
    )
    assert reversal.links.reverses == shipped.number
    assert documents.get(uow, shipped.id).links.reversed_by == reversal.number
    [*_, undone, correction] = card.history
    assert (undone.document, undone.reversed_by, undone.correction) == (
        shipped.number,
        reversal.number,
        False,
    )
    assert (correction.document, correction.reverses, correction.correction) == (
        reversal.number,
        shipped.number,
        True,
    )
    assert (correction.from_location, correction.to_location, correction.partner) == (
        "CUSTOMER",
        "WH1",
        "ACME",
    )
    assert_ledger_whole(uow)


def test_every_entry_is_mirrored_same_numbers_and_quantities_from_and_to_swapped(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10, date(2026, 9, 1)))
    shipped = ship(uow, "GLUE", lot("L1", 4))

    reversal = reverse(uow, shipped)

    original = documents.entries(uow, shipped.id)
    mirrored = documents.entries(uow, reversal.id)
    assert [(e.key, e.quantity, e.to_location, e.from_location, e.partner) for e in original] == [
        (e.key, e.quantity, e.from_location, e.to_location, e.partner) for e in mirrored
    ]
    assert [(line.from_location, line.to_location, line.quantity) for line in reversal.lines] == [
        ("CUSTOMER", "WH1", Decimal(4))
    ]
    assert lot_card(uow, "GLUE", "L1").on_hand == Decimal(10)
    assert lot_card(uow, "GLUE", "L1").expiration_date == date(2026, 9, 1)


def test_a_reversed_receipt_leaves_the_serial_unknown_to_stock_and_it_can_be_received_again(uow):
    given_world(uow)
    received = post(
        uow, DocumentType.RECEIPT, "DRILL", 2, target="WH1", partner="VEND", assign=Assign(serial=True)
    )

    reverse(uow, received)
    again = receive(uow, "DRILL", *sn("SN-26-00001"))
    fresh = post(
        uow, DocumentType.RECEIPT, "DRILL", 1, target="WH1", partner="VEND", assign=Assign(serial=True)
    )

    assert again.status is Status.POSTED
    assert serial_card(uow, "DRILL", "SN-26-00001").status is TrackingStatus.AVAILABLE
    assert serial_card(uow, "DRILL", "SN-26-00002").status is TrackingStatus.RETURNED_TO_VENDOR
    # numbers taken from a series are not given back
    assert [t.serial for t in fresh.lines[0].tracking] == ["SN-26-00003"]
    assert_ledger_whole(uow)


def test_a_shipment_whose_serial_came_back_and_moved_on_is_not_reversible_and_nothing_is_written(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))
    shipped = ship(uow, "DRILL", *sn("SN-1", "SN-2"))
    post(uow, DocumentType.RETURN_RECEIPT, "DRILL", 1, sn("SN-2"), target="WH1", partner="ACME")
    rows = ledger_rows(uow)

    violations = refused(reverse, uow, shipped)

    assert [(v.line, v.tracking, v.code) for v in violations] == [(1, "SN-2", ErrorCode.NOT_REVERSIBLE)]
    assert "reverse the later documents first" in violations[0].detail
    assert ledger_rows(uow) == rows
    assert documents.get(uow, shipped.id).links.reversed_by is None


def test_a_receipt_of_a_lot_partly_shipped_since_is_not_reversible(uow):
    given_world(uow)
    received = receive(uow, "GLUE", lot("L1", 10))
    ship(uow, "GLUE", lot("L1", 3))

    [violation] = refused(reverse, uow, received)

    assert (violation.line, violation.tracking, violation.code) == (1, "L1", ErrorCode.NOT_REVERSIBLE)
    assert "put 10 at WH1, only 7 there now" in violation.detail


def test_a_shipment_is_reversed_only_with_what_its_own_customer_still_holds(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    to_acme = ship(uow, "GLUE", lot("L1", 3))
    ship(uow, "GLUE", lot("L1", 3), to="BETA")
    post(uow, DocumentType.RETURN_RECEIPT, "GLUE", 2, [lot("L1", 2)], target="WH1", partner="ACME")

    [violation] = refused(reverse, uow, to_acme)

    assert (violation.tracking, violation.code) == ("L1", ErrorCode.NOT_REVERSIBLE)
    assert "only 1 there now for ACME" in violation.detail


def test_a_scrapped_serial_received_again_since_makes_the_scrap_not_reversible(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    scrapped = post(uow, DocumentType.SCRAP, "DRILL", 1, sn("SN-1"), source="WH1")
    receive(uow, "DRILL", *sn("SN-1"), at="WH2")

    [violation] = refused(reverse, uow, scrapped)

    assert (violation.tracking, violation.code) == ("SN-1", ErrorCode.NOT_REVERSIBLE)
    assert "it is at WH2 now" in violation.detail


def test_a_return_to_the_vendor_is_not_reversible_once_the_serial_was_received_again(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    sent_back = post(uow, DocumentType.RETURN_SHIPMENT, "DRILL", 1, sn("SN-1"), source="WH1", partner="VEND")
    receive(uow, "DRILL", *sn("SN-1"), at="WH2")

    [violation] = refused(reverse, uow, sent_back)

    assert (violation.tracking, violation.code) == ("SN-1", ErrorCode.NOT_REVERSIBLE)


def test_a_document_is_reversed_once_and_a_reversal_or_a_draft_is_not_reversed(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    shipped = ship(uow, "DRILL", *sn("SN-1"))
    reversal = reverse(uow, shipped)
    open_draft = draft(uow, DocumentType.SHIPMENT, Line("BOLT", Decimal(1), "WH1"), partner="ACME")

    with pytest.raises(Conflict) as twice:
        reverse(uow, shipped)
    with pytest.raises(Conflict) as of_reversal:
        reverse(uow, reversal)
    with pytest.raises(Conflict) as of_draft:
        reverse(uow, open_draft)

    assert {twice.value.code, of_reversal.value.code, of_draft.value.code} == {ErrorCode.NOT_REVERSIBLE}
    assert f"already reversed by {reversal.number}" in twice.value.detail
    assert f"reverses {shipped.number}" in of_reversal.value.detail


@pytest.mark.parametrize(
    ("type", "source", "target", "partner", "status_after"),
    [
        (DocumentType.TRANSFER, "WH1", "WH2", None, "WH1"),
        (DocumentType.ADJUSTMENT, "WH1", None, None, "WH1"),
        (DocumentType.SCRAP, "WH1", None, None, "WH1"),
        (DocumentType.RETURN_SHIPMENT, "WH1", None, "VEND", "WH1"),
    ],
)
def test_outbound_and_internal_documents_are_reversed_back_to_their_source(
    uow, type, source, target, partner, status_after
):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    moved = post(uow, type, "DRILL", 1, sn("SN-1"), source=source, target=target, partner=partner)

    reversal = reverse(uow, moved)

    card = serial_card(uow, "DRILL", "SN-1")
    assert (reversal.type, card.status, card.location) == (type, TrackingStatus.AVAILABLE, status_after)
    assert_ledger_whole(uow)


def test_a_return_receipt_and_a_positive_adjustment_are_reversed_out_again(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    ship(uow, "DRILL", *sn("SN-1"))
    returned = post(uow, DocumentType.RETURN_RECEIPT, "DRILL", 1, sn("SN-1"), target="WH1", partner="ACME")
    found = post(uow, DocumentType.ADJUSTMENT, "BOLT", 5, target="WH2")

    reverse(uow, returned)
    reverse(uow, found)

    card = serial_card(uow, "DRILL", "SN-1")
    assert (card.status, card.holder) == (TrackingStatus.DELIVERED, "ACME")
    bolts = availability.availability(uow, "BOLT", location="WH2", today=TODAY)
    assert bolts.on_hand == Decimal(0)
    assert_ledger_whole(uow)


def test_reversing_an_in_transit_transfer_not_yet_received_brings_the_goods_back(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))
    on_road = post(
        uow,
        DocumentType.TRANSFER,
        "DRILL",
        2,
        sn("SN-1", "SN-2"),
        source="WH1",
        target="WH2",
        in_transit=True,
    )

    reverse(uow, on_road)

    assert [serial_card(uow, "DRILL", s).location for s in ("SN-1", "SN-2")] == ["WH1", "WH1"]
    assert documents.get(uow, on_road.id).links.in_transit == ()
    with pytest.raises(Conflict):
        documents.receive(uow, on_road.id, user=CLERK, today=TODAY, now=now())
    assert_ledger_whole(uow)


def test_reversing_a_partly_received_transfer_brings_both_halves_back(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    on_road = post(
        uow, DocumentType.TRANSFER, "GLUE", 6, [lot("L1", 6)], source="WH1", target="WH2", in_transit=True
    )
    documents.receive(uow, on_road.id, [("GLUE", lot("L1", 2))], user=CLERK, today=TODAY, now=now())

    reverse(uow, on_road)

    card = lot_card(uow, "GLUE", "L1")
    assert [(q.location, q.quantity) for q in card.locations] == [("WH1", Decimal(10))]
    assert_ledger_whole(uow)


def test_an_assembly_is_refused_with_a_clear_message(uow):
    given_world(uow)
    receive(uow, "BOLT", quantity=2)
    assembled = documents.create(
        uow,
        Document(
            DocumentType.ASSEMBLY,
            (
                Line("BOLT", Decimal(2), "WH1", role=Role.CONSUME),
                Line("DRILL", Decimal(1), to_location="WH1", tracking=sn("KIT-1"), role=Role.OUTPUT),
            ),
        ),
        user=CLERK,
        post=True,
        today=TODAY,
        now=now(),
    )

    with pytest.raises(Conflict) as refused_assembly:
        reverse(uow, assembled)

    assert refused_assembly.value.code is ErrorCode.NOT_REVERSIBLE
    assert "assembly documents cannot be reversed" in refused_assembly.value.detail


def test_a_reversal_with_the_same_idempotency_key_is_answered_again(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    shipped = ship(uow, "DRILL", *sn("SN-1"))

    first = reverse(uow, shipped, idempotency=("k-1", "f"))
    second = reverse(uow, shipped, idempotency=("k-1", "f"))

    assert (second.id, second.links.reverses) == (first.id, shipped.number)


# -- returns from a posted shipment --------------------------------------------------------------


def test_a_return_from_a_shipment_is_a_draft_of_what_the_customer_still_holds(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2", "SN-3"))
    receive(uow, "GLUE", lot("L1", 10), at="WH2")
    shipped = documents.create(
        uow,
        Document(
            DocumentType.SHIPMENT,
            (
                Line("DRILL", Decimal(3), "WH1", tracking=sn("SN-1", "SN-2", "SN-3")),
                Line("GLUE", Decimal(6), "WH2", tracking=(lot("L1", 6),)),
            ),
            partner="ACME",
        ),
        user=CLERK,
        post=True,
        today=TODAY,
        now=now(),
    )
    post(uow, DocumentType.RETURN_RECEIPT, "DRILL", 1, sn("SN-2"), target="WH1", partner="ACME")
    post(uow, DocumentType.RETURN_RECEIPT, "GLUE", 2, [lot("L1", 2)], target="WH2", partner="ACME")

    built = corrections.return_from_shipment(uow, shipped.id, user=CLERK, today=TODAY, now=now())
    posted = documents.post(uow, built.id, user=CLERK, today=TODAY, now=now())

    assert (built.type, built.status, built.partner) == (DocumentType.RETURN_RECEIPT, Status.DRAFT, "ACME")
    assert [(ln.item, ln.quantity, ln.from_location, ln.to_location) for ln in built.lines] == [
        ("DRILL", Decimal(2), "CUSTOMER", "WH1"),
        ("GLUE", Decimal(4), "CUSTOMER", "WH2"),
    ]
    assert [t.serial for t in built.lines[0].tracking] == ["SN-1", "SN-3"]
    assert posted.status is Status.POSTED
    assert serial_card(uow, "DRILL", "SN-3").status is TrackingStatus.AVAILABLE
    assert lot_card(uow, "GLUE", "L1").holders == ()


def test_a_return_from_a_shipment_may_go_elsewhere_and_nothing_left_is_refused(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    shipped = ship(uow, "DRILL", *sn("SN-1"))

    built = corrections.return_from_shipment(
        uow, shipped.id, user=CLERK, to_location="WH2", today=TODAY, now=now()
    )
    documents.post(uow, built.id, user=CLERK, today=TODAY, now=now())

    assert built.lines[0].to_location == "WH2"
    with pytest.raises(Exception, match="nothing is left to return"):
        corrections.return_from_shipment(uow, shipped.id, user=CLERK, today=TODAY, now=now())


# -- partial posting -----------------------------------------------------------------------------


def test_posting_part_of_a_draft_posts_a_new_document_and_the_draft_keeps_the_rest(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2", "SN-3"))
    order = draft(
        uow,
        DocumentType.SHIPMENT,
        Line("DRILL", Decimal(3), "WH1", tracking=sn("SN-1", "SN-2", "SN-3")),
        partner="ACME",
    )

    part = post_part(uow, order, PartRequest(1, Decimal(1), sn("SN-2")))

    rest = documents.get(uow, order.id)
    assert (part.status, part.type, part.partner, part.links.from_draft) == (
        Status.POSTED,
        DocumentType.SHIPMENT,
        "ACME",
        order.number,
    )
    assert [t.serial for t in part.lines[0].tracking] == ["SN-2"]
    assert (rest.status, rest.lines[0].quantity, rest.links.posted_parts) == (
        Status.DRAFT,
        Decimal(2),
        (part.number,),
    )
    assert [t.serial for t in rest.lines[0].tracking] == ["SN-1", "SN-3"]
    assert [serial_card(uow, "DRILL", s).status for s in ("SN-1", "SN-2", "SN-3")] == [
        TrackingStatus.RESERVED,
        TrackingStatus.DELIVERED,
        TrackingStatus.RESERVED,
    ]


def test_posting_the_rest_posts_the_draft_itself_with_its_parts_listed(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    order = draft(
        uow, DocumentType.SHIPMENT, Line("GLUE", Decimal(6), "WH1", tracking=(lot("L1", 6),)), partner="ACME"
    )
    part = post_part(uow, order, PartRequest(1, Decimal(2)))

    done = documents.post(uow, order.id, user=CLERK, today=TODAY, now=now())

    assert [t.quantity for t in part.lines[0].tracking] == [Decimal(2)]
    assert (done.status, done.lines[0].quantity) == (Status.POSTED, Decimal(4))
    assert documents.get(uow, order.id).links.posted_parts == (part.number,)
    assert lot_card(uow, "GLUE", "L1").on_hand == Decimal(4)
    availability_now = availability.availability(uow, "GLUE", location="WH1", today=TODAY)
    assert availability_now.reserved == Decimal(0)
    assert_ledger_whole(uow)


def test_a_part_that_takes_everything_left_posts_the_draft(uow):
    given_world(uow)
    receive(uow, "BOLT", quantity=5)
    order = draft(uow, DocumentType.SHIPMENT, Line("BOLT", Decimal(3), "WH1"), partner="ACME")

    posted = post_part(uow, order, PartRequest(1, Decimal(3)))

    assert (posted.id, posted.status, posted.links.from_draft) == (order.id, Status.POSTED, None)


def test_a_partial_receipt_of_a_purchase_draft_leaves_the_rest_to_receive(uow):
    given_world(uow)
    order = draft(
        uow,
        DocumentType.RECEIPT,
        Line("GLUE", Decimal(10), to_location="WH1", tracking=(lot("L1", 10),)),
        partner="VEND",
    )

    post_part(uow, order, PartRequest(1, Decimal(4), (lot("L1", 4),)))

    assert lot_card(uow, "GLUE", "L1").on_hand == Decimal(4)
    assert documents.get(uow, order.id).lines[0].quantity == Decimal(6)


def test_wrong_parts_are_refused_with_their_line_numbers_and_nothing_is_written(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))
    order = draft(
        uow,
        DocumentType.SHIPMENT,
        Line("DRILL", Decimal(2), "WH1", tracking=sn("SN-1", "SN-2")),
        Line("BOLT", Decimal(1), "WH1"),
        partner="ACME",
    )
    rows = ledger_rows(uow)

    not_on_draft = refused(post_part, uow, order, PartRequest(3, Decimal(1)))
    too_much = refused(post_part, uow, order, PartRequest(1, Decimal(3)))
    other_serial = refused(post_part, uow, order, PartRequest(1, Decimal(1), sn("SN-9")))

    assert [(v.line, v.code) for v in not_on_draft] == [(3, ErrorCode.VALIDATION_ERROR)]
    assert [(v.line, v.code) for v in too_much] == [(1, ErrorCode.VALIDATION_ERROR)]
    assert "only 2 remains" in too_much[0].detail
    assert [(v.line, v.tracking, v.code) for v in other_serial] == [(1, "SN-9", ErrorCode.VALIDATION_ERROR)]
    assert ledger_rows(uow) == rows
    assert documents.get(uow, order.id).lines[0].quantity == Decimal(2)


def test_a_part_of_a_draft_is_checked_by_the_posting_rules(uow):
    given_world(uow)
    order = draft(uow, DocumentType.SHIPMENT, Line("BOLT", Decimal(3), "WH1"), partner="ACME")

    [violation] = refused(post_part, uow, order, PartRequest(1, Decimal(1)))

    assert (violation.line, violation.code) == (1, ErrorCode.INSUFFICIENT_QUANTITY)


def test_a_partial_posting_with_the_same_idempotency_key_is_answered_again(uow):
    given_world(uow)
    receive(uow, "BOLT", quantity=5)
    order = draft(uow, DocumentType.SHIPMENT, Line("BOLT", Decimal(3), "WH1"), partner="ACME")

    first = post_part(uow, order, PartRequest(1, Decimal(1)), idempotency=("p-1", "f"))
    second = post_part(uow, order, PartRequest(1, Decimal(1)), idempotency=("p-1", "f"))

    assert second.id == first.id
    assert documents.get(uow, order.id).lines[0].quantity == Decimal(2)


# -- partial transit receipts ---------------------------------------------------------------------


def test_receiving_part_of_a_transfer_leaves_the_rest_in_transit_until_received(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))
    on_road = post(
        uow,
        DocumentType.TRANSFER,
        "DRILL",
        2,
        sn("SN-1", "SN-2"),
        source="WH1",
        target="WH2",
        in_transit=True,
    )

    part = documents.receive(uow, on_road.id, [("DRILL", sn("SN-1")[0])], user=CLERK, today=TODAY, now=now())
    statuses = [serial_card(uow, "DRILL", s).status for s in ("SN-1", "SN-2")]
    [again] = refused(
        documents.receive,
        uow,
        on_road.id,
        [("DRILL", sn("SN-1")[0])],
        user=CLERK,
        today=TODAY,
        now=now(),
    )
    rest = documents.receive(uow, on_road.id, user=CLERK, today=TODAY, now=now())

    assert part.transit_status is TransitStatus.IN_TRANSIT
    assert [(t.key.serial, t.quantity) for t in part.links.received] == [("SN-1", Decimal(1))]
    assert [(t.key.serial, t.quantity) for t in part.links.in_transit] == [("SN-2", Decimal(1))]
    assert statuses == [TrackingStatus.AVAILABLE, TrackingStatus.IN_TRANSIT]
    assert (again.tracking, again.code) == ("SN-1", ErrorCode.TRANSIT_MISMATCH)
    assert rest.transit_status is TransitStatus.RECEIVED
    assert rest.links.in_transit == ()
    assert serial_card(uow, "DRILL", "SN-2").location == "WH2"
    assert_ledger_whole(uow)


def test_a_trace_shows_a_reversal_as_a_correction_not_a_return(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    shipped = ship(uow, "DRILL", *sn("SN-1"))
    reversal = reverse(uow, shipped)

    graph = tracing.trace(uow, "DRILL", serial="SN-1")

    kinds = {(e.document, e.kind, e.reverses, e.reversed_by) for e in graph.edges}
    assert (shipped.number, "shipped_to", None, reversal.number) in kinds
    assert (reversal.number, "correction", shipped.number, None) in kinds
    assert not any(e.kind == "returned_by" for e in graph.edges)


def test_stock_a_draft_has_promised_is_not_taken_back_by_a_reversal(uow):
    given_world(uow)
    received = receive(uow, "DRILL", *sn("SN-1"))
    bolts = receive(uow, "BOLT", quantity=5)
    draft(uow, DocumentType.SHIPMENT, Line("DRILL", Decimal(1), "WH1", tracking=sn("SN-1")), partner="ACME")
    draft(uow, DocumentType.SHIPMENT, Line("BOLT", Decimal(2), "WH1"), partner="ACME")

    [serial] = refused(reverse, uow, received)
    [untracked] = refused(reverse, uow, bolts)

    assert (serial.tracking, serial.code) == ("SN-1", ErrorCode.RESERVED)
    assert "post or cancel that draft first" in serial.detail
    assert (untracked.line, untracked.code) == (1, ErrorCode.RESERVED)
