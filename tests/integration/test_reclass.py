"""Reclassification through the services on SQLite and PostgreSQL: renames, splits, merges,
re-dates; the ledger stays whole, cards link old and new numbers, trace and recall cross renames."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from itemtrace.domain.cards import ListFilter
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.masterdata import Item
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracing import TraceDirection
from itemtrace.domain.tracking import Dimension, TrackingCode
from itemtrace.services import availability, documents, info_cards, ledger, masterdata, tracing
from itemtrace.storage.tables import ReclassLinkRow
from tests.conftest import TODAY, now
from tests.world import (
    CLERK,
    SPECIFIC,
    count_rows,
    document_rows,
    given_world,
    ledger_rows,
    lot,
    receive,
    ship,
    sn,
)

MAY = date(2027, 5, 1)
JUNE = date(2027, 6, 1)


def reclassify(uow, item, *tracking, at="WH1", to=None, quantity=None, post=True):
    total = quantity if quantity is not None else sum(t.quantity for t in tracking)
    draft = Document(
        DocumentType.RECLASSIFICATION, (Line(item, Decimal(str(total)), at, to, tuple(tracking)),)
    )
    return documents.create(uow, draft, user=CLERK, post=post, today=TODAY, now=now())


def refused(uow, item, *tracking, **options):
    with pytest.raises(PostingRejected) as caught:
        reclassify(uow, item, *tracking, **options)
    return [(v.line, v.tracking, v.code) for v in caught.value.violations]


def rename(number, quantity=1, **new):
    return TrackingLine(lot=number, quantity=Decimal(str(quantity)), **new)


def card(uow, dimension, item, number):
    return info_cards.card(uow, dimension, item, number, today=TODAY)


def test_renaming_a_serial_ends_the_old_number_and_starts_the_new_one(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))

    posted = reclassify(uow, "DRILL", TrackingLine(serial="SN-1", new_serial="SN-9"))

    old, new = card(uow, Dimension.SERIAL, "DRILL", "SN-1"), card(uow, Dimension.SERIAL, "DRILL", "SN-9")
    assert (old.status, old.location) == (TrackingStatus.RENAMED, None)
    assert (new.status, new.location) == (TrackingStatus.AVAILABLE, "WH1")
    assert [(h.type, h.from_location, h.to_location) for h in old.history][-1] == (
        "reclassification",
        "WH1",
        "RECLASSIFICATION",
    )
    assert [(h.document, h.from_location, h.to_location) for h in new.history] == [
        (posted.number, "RECLASSIFICATION", "WH1")
    ]
    assert [(r.serial, r.document) for r in old.renamed_to] == [("SN-9", posted.number)]
    assert [(r.serial, r.document) for r in new.renamed_from] == [("SN-1", posted.number)]
    assert ledger.check(uow).ok


def test_renaming_a_whole_lot_keeps_its_date_and_copies_its_card(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10, MAY))
    info_cards.update(
        uow, Dimension.LOT, "GLUE", "L1", description="batch 7", attributes={"grade": "A"}, today=TODAY
    )
    info_cards.comment(uow, Dimension.LOT, "GLUE", "L1", "smells fine", user=CLERK, now=now(), today=TODAY)

    reclassify(uow, "GLUE", rename("L1", 10, new_lot="L2"))

    old, new = card(uow, Dimension.LOT, "GLUE", "L1"), card(uow, Dimension.LOT, "GLUE", "L2")
    assert (old.status, old.on_hand) == (TrackingStatus.RENAMED, 0)
    assert (new.status, new.on_hand, new.expiration_date) == (TrackingStatus.AVAILABLE, 10, MAY)
    assert (new.description, new.attributes, [c.text for c in new.comments]) == (
        "batch 7",
        {"grade": "A"},
        ["smells fine"],
    )
    assert ledger.check(uow).ok


def test_copy_info_false_leaves_the_new_card_blank(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10, MAY))
    info_cards.update(uow, Dimension.LOT, "GLUE", "L1", description="batch 7", today=TODAY)

    reclassify(uow, "GLUE", rename("L1", 10, new_lot="L2", copy_info=False))

    assert card(uow, Dimension.LOT, "GLUE", "L2").description == ""


def test_splitting_part_of_a_lot_into_a_new_lot_with_a_new_date(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10, MAY))

    reclassify(uow, "GLUE", rename("L1", 4, new_lot="L3", new_expiration_date=JUNE), to="WH2")

    old, new = card(uow, Dimension.LOT, "GLUE", "L1"), card(uow, Dimension.LOT, "GLUE", "L3")
    assert (old.on_hand, old.expiration_date, old.status) == (6, MAY, TrackingStatus.AVAILABLE)
    assert (new.on_hand, new.expiration_date, [q.location for q in new.locations]) == (4, JUNE, ["WH2"])
    assert [(r.lot, r.quantity) for r in old.renamed_to] == [("L3", 4)]
    assert ledger.check(uow).ok


def test_merging_lots_into_a_new_lot_with_one_date(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 3, MAY), lot("L2", 5, JUNE))

    reclassify(
        uow,
        "GLUE",
        rename("L1", 3, new_lot="L9", new_expiration_date=JUNE),
        rename("L2", 5, new_lot="L9", new_expiration_date=JUNE),
    )

    merged = card(uow, Dimension.LOT, "GLUE", "L9")
    assert (merged.on_hand, merged.expiration_date) == (8, JUNE)
    assert sorted(r.lot for r in merged.renamed_from) == ["L1", "L2"]
    assert ledger.check(uow).ok


def test_merging_lots_with_different_dates_is_refused_naming_the_new_lot(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 3, MAY), lot("L2", 5, JUNE))

    assert refused(uow, "GLUE", rename("L1", 3, new_lot="L9"), rename("L2", 5, new_lot="L9")) == [
        (1, "L9", ErrorCode.RECLASS_RULE)
    ]


def test_merging_into_a_lot_on_hand_takes_its_date(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 3, MAY), lot("L2", 5, JUNE))

    assert refused(uow, "GLUE", rename("L1", 3, new_lot="L2", new_expiration_date=MAY)) == [
        (1, "L1", ErrorCode.RECLASS_RULE)
    ]
    reclassify(uow, "GLUE", rename("L1", 3, new_lot="L2"))

    assert (
        card(uow, Dimension.LOT, "GLUE", "L2").on_hand,
        card(uow, Dimension.LOT, "GLUE", "L2").expiration_date,
    ) == (
        8,
        JUNE,
    )


def test_re_dating_a_lot_changes_its_date_everywhere_it_is(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10, MAY))
    receive(uow, "GLUE", lot("L1", 4), at="WH2")
    draft = Document(
        DocumentType.RECLASSIFICATION,
        (
            Line("GLUE", Decimal(10), "WH1", tracking=(rename("L1", 10, new_expiration_date=JUNE),)),
            Line("GLUE", Decimal(4), "WH2", tracking=(rename("L1", 4, new_expiration_date=JUNE),)),
        ),
    )

    posted = documents.create(uow, draft, user=CLERK, post=True, today=TODAY, now=now())

    redated = card(uow, Dimension.LOT, "GLUE", "L1")
    assert (redated.on_hand, redated.expiration_date, redated.status) == (14, JUNE, TrackingStatus.AVAILABLE)
    assert redated.history[-1].document == posted.number
    assert redated.renamed_to == ()
    found = availability.availability(uow, "GLUE", lot="L1", today=date(2027, 5, 15))
    assert found.available == 14  # past the old date, before the new one
    assert ledger.check(uow).ok


def test_re_dating_part_of_a_lot_is_refused_with_what_is_left_out(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10, MAY))
    receive(uow, "GLUE", lot("L1", 4), at="WH2")

    with pytest.raises(PostingRejected) as caught:
        reclassify(uow, "GLUE", rename("L1", 10, new_expiration_date=JUNE))

    [violation] = caught.value.violations
    assert (violation.line, violation.tracking, violation.code) == (1, "L1", ErrorCode.RECLASS_RULE)
    assert "4 at WH2" in violation.detail


def test_renaming_a_package(uow):
    given_world(uow)
    masterdata.create_tracking_code(uow, TrackingCode("PKG", package=SPECIFIC))
    masterdata.create_item(uow, Item("BOX", "Box", tracking_code="PKG"))
    receive(uow, "BOX", TrackingLine(package="P1", quantity=Decimal(6)))

    reclassify(uow, "BOX", TrackingLine(package="P1", quantity=Decimal(6), new_package="P2"))

    assert card(uow, Dimension.PACKAGE, None, "P2").on_hand == 6
    assert card(uow, Dimension.PACKAGE, None, "P1").status is TrackingStatus.RENAMED
    assert ledger.check(uow).ok


def test_a_new_serial_in_stock_is_refused_as_serial_exists(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))

    assert refused(uow, "DRILL", TrackingLine(serial="SN-1", new_serial="SN-2")) == [
        (1, "SN-2", ErrorCode.SERIAL_EXISTS)
    ]


def test_the_old_number_must_be_there_and_free(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 3, MAY))
    info_cards.update(uow, Dimension.LOT, "GLUE", "L1", blocked=True, today=TODAY)

    assert refused(uow, "GLUE", rename("L1", 5, new_lot="L2")) == [
        (1, "L1", ErrorCode.TRACKING_BLOCKED),
        (1, "L1", ErrorCode.INSUFFICIENT_QUANTITY),
    ]


def test_a_lot_reserved_by_an_open_shipment_is_not_renamed(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 3, MAY))
    draft = Document(
        DocumentType.SHIPMENT, (Line("GLUE", Decimal(3), "WH1", tracking=(lot("L1", 3),)),), partner="ACME"
    )
    documents.create(uow, draft, user=CLERK, today=TODAY, now=now())

    assert refused(uow, "GLUE", rename("L1", 3, new_lot="L2")) == [(1, "L1", ErrorCode.RESERVED)]


def test_a_refused_reclassification_writes_nothing(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 3, MAY))
    before = (ledger_rows(uow), document_rows(uow), count_rows(uow, ReclassLinkRow))

    refused(uow, "GLUE", rename("L1", 3, new_lot="L2"), rename("L1", 1, new_lot="L3"), quantity=4)

    assert (ledger_rows(uow), document_rows(uow), count_rows(uow, ReclassLinkRow)) == before


def test_a_recall_of_the_old_lot_reaches_customers_of_the_new_one_and_back(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10, MAY))
    ship(uow, "GLUE", lot("L1", 2), to="BETA")
    reclassify(uow, "GLUE", rename("L1", 8, new_lot="L2"))
    ship(uow, "GLUE", lot("L2", 3), to="ACME")

    for start in ("L1", "L2"):
        report = tracing.recall(uow, "GLUE", lot=start, user=CLERK, now=now())
        assert sorted((d.partner, d.lot, d.quantity, d.contains) for d in report.customers) == [
            ("ACME", "L2", 3, False),
            ("BETA", "L1", 2, False),
        ], start
        assert [(h.location, h.lot, h.quantity) for h in report.on_hand] == [("WH1", "L2", 5)]


def test_trace_crosses_a_rename_forward_and_backward(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10, MAY))
    posted = reclassify(uow, "GLUE", rename("L1", 10, new_lot="L2"))
    ship(uow, "GLUE", lot("L2", 3), to="ACME")

    forward = tracing.trace(uow, "GLUE", lot="L1", direction=TraceDirection.FORWARD)
    backward = tracing.trace(uow, "GLUE", lot="L2", direction=TraceDirection.BACKWARD)

    for graph in (forward, backward):
        renames = [
            (e.source, e.target, e.kind, e.document)
            for e in graph.edges
            if e.type == "reclassification" and e.kind == "renamed_to"
        ]
        assert renames == [("GLUE/lot:L1", "GLUE/lot:L2", "renamed_to", posted.number)]
    assert "partner:ACME" in {e.target for e in forward.edges}
    assert {"GLUE/lot:L1", "GLUE/lot:L2"} <= {n.id for n in backward.nodes}


def test_the_serial_list_shows_a_renamed_serial_as_renamed(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2"))
    reclassify(uow, "DRILL", TrackingLine(serial="SN-1", new_serial="SN-9"))

    serials = info_cards.list_serials(uow, ListFilter(item="DRILL"), today=TODAY)

    assert [(s.number, s.status) for s in serials] == [
        ("SN-1", TrackingStatus.RENAMED),
        ("SN-2", TrackingStatus.AVAILABLE),
        ("SN-9", TrackingStatus.AVAILABLE),
    ]
    renamed = info_cards.list_serials(uow, ListFilter(status=TrackingStatus.RENAMED), today=TODAY)
    assert [s.number for s in renamed] == ["SN-1"]


def test_the_lot_list_shows_a_lot_renamed_away_as_renamed(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10, MAY), lot("L3", 2, MAY))
    reclassify(uow, "GLUE", rename("L1", 10, new_lot="L2"), rename("L3", 1, new_lot="L4"))

    lots = info_cards.list_lots(uow, ListFilter(item="GLUE"), today=TODAY)
    renamed = info_cards.list_lots(uow, ListFilter(status=TrackingStatus.RENAMED), today=TODAY)

    assert [(x.number, x.status) for x in lots] == [
        ("L1", TrackingStatus.RENAMED),
        ("L2", TrackingStatus.AVAILABLE),
        ("L3", TrackingStatus.AVAILABLE),
        ("L4", TrackingStatus.AVAILABLE),
    ]
    assert [x.number for x in renamed] == ["L1"]


def test_re_dating_a_serial_keeps_its_number_and_shows_the_new_date(uow):
    given_world(uow)
    receive(uow, "DRILL", TrackingLine(serial="SN-1", expiration_date=MAY))

    posted = reclassify(uow, "DRILL", TrackingLine(serial="SN-1", new_expiration_date=JUNE))

    redated = card(uow, Dimension.SERIAL, "DRILL", "SN-1")
    assert (redated.status, redated.location, redated.expiration_date) == (
        TrackingStatus.AVAILABLE,
        "WH1",
        JUNE,
    )
    assert [h.document for h in redated.history][-2:] == [posted.number, posted.number]
    assert (redated.renamed_to, redated.renamed_from) == ((), ())
    assert ledger.check(uow).ok
