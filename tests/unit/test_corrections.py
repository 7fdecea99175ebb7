"""The correction rules without a database: reversal planning, returns from a shipment, and
splitting a draft into the part posted now and the rest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from itemtrace.domain.corrections import (
    PartRequest,
    check_reversible,
    plan_reversal,
    return_draft,
    split_draft,
)
from itemtrace.domain.documents import DocumentType, Status
from itemtrace.domain.errors import Conflict, ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.links import DocumentLinks
from itemtrace.domain.tracking import TrackingKey
from tests.builders import (
    CUSTOMER,
    LOCATIONS,
    SCRAP,
    SUPPLIER,
    TODAY,
    bucket,
    line,
    lot,
    lot_item,
    moved,
    planned,
    receipt,
    scrap,
    serial_item,
    serials,
    shipment,
    sn,
    stock,
    stored,
)

KINDS = {code: loc.kind for code, loc in LOCATIONS.items()}


def posted(document, number: str):
    return replace(
        document.posted(by="clerk", at=datetime(2026, 3, 10, tzinfo=UTC), posting_date=TODAY), number=number
    )


def shipped_drills():
    doc = posted(shipment(line("DRILL-X", *serials("SN-1", "SN-2"))), "SHIP-000001")
    entries = planned(
        doc,
        serial_item("DRILL-X"),
        stock=stock(bucket("DRILL-X", serial="SN-1"), bucket("DRILL-X", serial="SN-2")),
    )
    return doc, entries


def at_customer(*numbers: str) -> dict:
    return {(CUSTOMER, TrackingKey("DRILL-X", n)): Decimal(1) for n in numbers}


def test_a_reversal_mirrors_every_entry_and_swaps_the_line_sides():
    doc, entries = shipped_drills()

    reversal, mirrored = plan_reversal(
        doc, entries, balances=at_customer("SN-1", "SN-2"), serials_at={}, kinds=KINDS, today=TODAY
    )

    assert moved(mirrored) == [
        ("SN-2", None, CUSTOMER, "WH1", Decimal(1)),
        ("SN-1", None, CUSTOMER, "WH1", Decimal(1)),
    ]
    assert all(e.warranty_date is None for e in mirrored)
    assert (reversal.type, reversal.partner, reversal.reference) == (
        DocumentType.SHIPMENT,
        "CUST-1",
        "reverses SHIP-000001",
    )
    [reversed_line] = reversal.lines
    assert (reversed_line.from_location, reversed_line.to_location) == (CUSTOMER, "WH1")
    assert [t.serial for t in reversed_line.tracking] == ["SN-1", "SN-2"]


def test_units_no_longer_where_the_document_put_them_are_each_not_reversible():
    doc, entries = shipped_drills()

    with pytest.raises(PostingRejected) as refused:
        plan_reversal(doc, entries, balances=at_customer("SN-1"), serials_at={}, kinds=KINDS, today=TODAY)

    assert [(v.line, v.tracking, v.code) for v in refused.value.violations] == [
        (1, "SN-2", ErrorCode.NOT_REVERSIBLE)
    ]


def test_a_serial_the_reversal_would_bring_back_must_be_nowhere_else():
    doc = posted(scrap(line("DRILL-X", sn("SN-1"))), "SCRP-000001")
    entries = planned(doc, serial_item("DRILL-X"), stock=stock(bucket("DRILL-X", serial="SN-1")))

    with pytest.raises(PostingRejected) as refused:
        plan_reversal(
            doc,
            entries,
            balances={},
            serials_at={TrackingKey("DRILL-X", "SN-1"): {"WH2"}},
            kinds=KINDS,
            today=TODAY,
        )
    _, mirrored = plan_reversal(doc, entries, balances={}, serials_at={}, kinds=KINDS, today=TODAY)

    assert "it is at WH2 now" in refused.value.violations[0].detail
    assert moved(mirrored) == [("SN-1", None, SCRAP, "WH1", Decimal(1))]


def test_a_receipt_of_a_lot_is_reversed_only_while_all_of_it_is_there():
    doc = posted(receipt(line("MILK", lot("L-1", 10))), "RCPT-000001")
    entries = planned(doc, lot_item("MILK"))
    key = TrackingKey("MILK", lot="L-1")

    with pytest.raises(PostingRejected) as refused:
        plan_reversal(
            doc, entries, balances={("WH1", key): Decimal(7)}, serials_at={}, kinds=KINDS, today=TODAY
        )
    _, mirrored = plan_reversal(
        doc, entries, balances={("WH1", key): Decimal(12)}, serials_at={}, kinds=KINDS, today=TODAY
    )

    assert "put 10 at WH1, only 7 there now" in refused.value.violations[0].detail
    assert moved(mirrored) == [(None, "L-1", "WH1", SUPPLIER, Decimal(10))]


@pytest.mark.parametrize(
    ("status", "links", "type", "says"),
    [
        (Status.DRAFT, DocumentLinks(), DocumentType.SHIPMENT, "only posted documents are reversed"),
        (
            Status.POSTED,
            DocumentLinks(reverses="SHIP-000001"),
            DocumentType.SHIPMENT,
            "is not reversed again",
        ),
        (Status.POSTED, DocumentLinks(reversed_by="SHIP-000009"), DocumentType.SHIPMENT, "already reversed"),
        (Status.POSTED, DocumentLinks(), DocumentType.ASSEMBLY, "cannot be reversed"),
    ],
)
def test_what_cannot_be_reversed_is_a_conflict(status, links, type, says):
    doc = stored(shipment(line("DRILL-X", sn("SN-1"))), id=1, status=status, type=type, number="X-1")

    with pytest.raises(Conflict) as refused:
        check_reversible(doc, links)

    assert refused.value.code is ErrorCode.NOT_REVERSIBLE
    assert says in refused.value.detail


def test_a_return_from_a_shipment_takes_what_the_customer_still_holds_back_where_it_came_from():
    doc, entries = shipped_drills()

    draft = return_draft(doc, entries, {TrackingKey("DRILL-X", "SN-2"): Decimal(1)})

    assert (draft.type, draft.partner, draft.status) == (DocumentType.RETURN_RECEIPT, "CUST-1", Status.DRAFT)
    [returned] = draft.lines
    assert (returned.quantity, returned.to_location, [t.serial for t in returned.tracking]) == (
        Decimal(1),
        "WH1",
        ["SN-2"],
    )
    with pytest.raises(ValidationFailed, match="nothing is left to return"):
        return_draft(doc, entries, {})


def test_a_part_takes_the_named_numbers_and_the_rest_keeps_the_others():
    draft = stored(
        shipment(line("DRILL-X", *serials("SN-1", "SN-2", "SN-3"))).numbered(), id=4, number="SHIP-000004"
    )

    part, rest = split_draft(draft, [PartRequest(1, Decimal(1), (sn("SN-2"),))])

    assert [(ln.line_no, ln.quantity, [t.serial for t in ln.tracking]) for ln in part.lines] == [
        (1, Decimal(1), ["SN-2"])
    ]
    assert [(ln.line_no, ln.quantity, [t.serial for t in ln.tracking]) for ln in rest.lines] == [
        (1, Decimal(2), ["SN-1", "SN-3"])
    ]


def test_a_part_without_numbers_takes_the_first_ones_and_splits_a_lot():
    draft = stored(
        shipment(line("MILK", lot("L-1", 3), lot("L-2", 4)), line("DRILL-X", sn("SN-1"))).numbered(),
        id=5,
        number="SHIP-000005",
    )

    part, rest = split_draft(draft, [PartRequest(1, Decimal(5))])

    assert [(t.lot, t.quantity) for t in part.lines[0].tracking] == [("L-1", Decimal(3)), ("L-2", Decimal(2))]
    assert [(ln.line_no, ln.quantity) for ln in rest.lines] == [(1, Decimal(2)), (2, Decimal(1))]
    assert [(t.lot, t.quantity) for t in rest.lines[0].tracking] == [("L-2", Decimal(2))]


def test_parts_not_on_the_draft_too_large_or_naming_other_numbers_are_each_refused():
    draft = stored(shipment(line("DRILL-X", *serials("SN-1", "SN-2"))).numbered(), id=6, number="SHIP-000006")

    with pytest.raises(PostingRejected) as shape:
        split_draft(draft, [PartRequest(4, Decimal(1)), PartRequest(1, Decimal(3))])
    with pytest.raises(PostingRejected) as numbers:
        split_draft(draft, [PartRequest(1, Decimal(1), (sn("SN-7"),))])

    assert [(v.line, v.code) for v in shape.value.violations] == [
        (4, ErrorCode.VALIDATION_ERROR),
        (1, ErrorCode.VALIDATION_ERROR),
    ]
    assert [(v.line, v.tracking) for v in numbers.value.violations] == [(1, "SN-7")]


def test_a_part_taking_everything_leaves_no_rest():
    draft = stored(shipment(line("DRILL-X", *serials("SN-1", "SN-2"))).numbered(), id=7, number="SHIP-000007")

    _, rest = split_draft(draft, [PartRequest(1, Decimal(2))])

    assert rest.lines == ()
