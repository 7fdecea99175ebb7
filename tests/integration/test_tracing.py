"""Genealogy, trace and recall through the services on SQLite and PostgreSQL.

The world: glue lot L1 goes into sub-assembly lot S1, which goes into finished drills FG-1
(shipped to ACME) and FG-2 (on the shelf).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from itemtrace.domain.documents import Document, DocumentType, Line, Role
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.masterdata import Item
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracing import TraceDirection, TraceTooLarge
from itemtrace.domain.tracking import Dimension
from itemtrace.services import documents, info_cards, masterdata, tracing
from tests.conftest import TODAY, now
from tests.world import CLERK, given_world, lot, post, receive, ship, sn


def assemble(uow, consumed, output_item, output_tracking, quantity=1):
    lines = [
        Line(item, Decimal(str(qty)), "WH1", None, tuple(tr), role=Role.CONSUME) for item, qty, tr in consumed
    ]
    lines.append(
        Line(output_item, Decimal(str(quantity)), None, "WH1", tuple(output_tracking), role=Role.OUTPUT)
    )
    draft = Document(DocumentType.ASSEMBLY, tuple(lines))
    return documents.create(uow, draft, user=CLERK, post=True, today=TODAY, now=now())


def given_genealogy(uow):
    given_world(uow)
    masterdata.create_item(uow, Item("SUB", "Sub-assembly", tracking_code="LOT"))
    receive(uow, "GLUE", lot("L1", 10))
    assemble(uow, [("GLUE", 2, [lot("L1", 2)])], "SUB", [lot("S1", 2)], quantity=2)
    assemble(uow, [("SUB", 1, [lot("S1", 1)])], "DRILL", sn("FG-1"))
    assemble(uow, [("SUB", 1, [lot("S1", 1)])], "DRILL", sn("FG-2"))
    ship(uow, "DRILL", *sn("FG-1"), to="ACME")


def ids(graph):
    return sorted(n.id for n in graph.nodes)


def test_an_assembly_consumes_its_components_and_outputs_linked_units(uow):
    given_genealogy(uow)

    card = info_cards.card(uow, Dimension.LOT, "SUB", "S1", today=TODAY)

    assert card.status is TrackingStatus.CONSUMED
    assert [(h.type, h.from_location, h.to_location) for h in card.history] == [
        ("assembly", "PRODUCTION", "WH1"),
        ("assembly", "WH1", "PRODUCTION"),
        ("assembly", "WH1", "PRODUCTION"),
    ]


def test_an_assembly_needs_both_consumed_and_output_lines(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 10))
    draft = Document(
        DocumentType.ASSEMBLY, (Line("GLUE", Decimal(1), "WH1", None, (lot("L1", 1),), role=Role.CONSUME),)
    )

    with pytest.raises(ValidationFailed):
        documents.create(uow, draft, user=CLERK, post=True, today=TODAY, now=now())


def test_forward_trace_from_a_raw_lot_reaches_every_finished_unit_and_customer(uow):
    given_genealogy(uow)

    graph = tracing.trace(uow, "GLUE", lot="L1", direction=TraceDirection.FORWARD)

    assert ids(graph) == ["DRILL/serial:FG-1", "DRILL/serial:FG-2", "GLUE/lot:L1", "SUB/lot:S1"]
    consumed = sorted((e.source, e.target) for e in graph.edges if e.kind == "consumed_into")
    assert consumed == [
        ("GLUE/lot:L1", "SUB/lot:S1"),
        ("SUB/lot:S1", "DRILL/serial:FG-1"),
        ("SUB/lot:S1", "DRILL/serial:FG-2"),
    ]
    [shipped] = [e for e in graph.edges if e.kind == "shipped_to"]
    assert (shipped.source, shipped.target) == ("DRILL/serial:FG-1", "partner:ACME")
    states = {n.id: (n.status, n.location, n.holder) for n in graph.nodes}
    assert states["DRILL/serial:FG-1"] == (TrackingStatus.DELIVERED, None, "ACME")
    assert states["DRILL/serial:FG-2"] == (TrackingStatus.AVAILABLE, "WH1", None)
    assert graph.partners == ("ACME", "VEND")
    assert graph.depth == 2


def test_a_trace_with_its_partners_reads_them_in_the_same_single_transaction(uow, monkeypatch):
    given_genealogy(uow)
    begun = []
    begin = uow._begin

    def counted(**kw):
        begun.append(kw)
        return begin(**kw)

    monkeypatch.setattr(uow, "_begin", counted)

    traced = tracing.trace_with_partners(uow, "GLUE", lot="L1")

    assert len(begun) == 1
    assert traced.graph == tracing.trace(uow, "GLUE", lot="L1")
    assert [p.code for p in traced.partners] == ["ACME", "VEND"]


def test_backward_trace_from_a_finished_serial_reaches_its_component_lots_and_vendor(uow):
    given_genealogy(uow)

    graph = tracing.trace(uow, "DRILL", serial="FG-1", direction=TraceDirection.BACKWARD)

    assert ids(graph) == ["DRILL/serial:FG-1", "GLUE/lot:L1", "SUB/lot:S1"]
    [received] = [e for e in graph.edges if e.kind == "received_from"]
    assert (received.source, received.target) == ("partner:VEND", "GLUE/lot:L1")


def test_trace_follows_transfers_and_stops_at_the_depth_asked(uow):
    given_genealogy(uow)
    post(uow, DocumentType.TRANSFER, "GLUE", 3, (lot("L1", 3),), source="WH1", target="WH2")

    graph = tracing.trace(uow, "GLUE", lot="L1", depth=1)

    assert ids(graph) == ["GLUE/lot:L1", "SUB/lot:S1"]
    [moved] = [e for e in graph.edges if e.kind == "moved"]
    assert (moved.from_location, moved.to_location, moved.quantity) == ("WH1", "WH2", Decimal(3))


def test_a_trace_larger_than_max_nodes_is_refused_with_a_clear_code(uow):
    given_genealogy(uow)

    with pytest.raises(TraceTooLarge) as refused:
        tracing.trace(uow, "GLUE", lot="L1", max_nodes=2)

    assert refused.value.code is ErrorCode.TRACE_TOO_LARGE
    assert "max_nodes" in refused.value.detail


def test_disassembly_links_the_parts_back_to_the_unit_they_came_out_of(uow):
    given_genealogy(uow)
    assemble(uow, [("DRILL", 1, sn("FG-2"))], "SUB", [lot("S9", 1)])

    forward = tracing.trace(uow, "GLUE", lot="L1")
    backward = tracing.trace(uow, "SUB", lot="S9", direction=TraceDirection.BACKWARD)

    assert "SUB/lot:S9" in ids(forward)
    assert ids(backward) == ["DRILL/serial:FG-2", "GLUE/lot:L1", "SUB/lot:S1", "SUB/lot:S9"]


def test_recall_of_a_raw_lot_lists_customers_finished_goods_and_stock_on_hand(uow):
    given_genealogy(uow)

    report = tracing.recall(uow, "GLUE", lot="L1", reason="contaminated", user=CLERK, now=now())

    assert [(d.partner, d.item, d.serial, d.contains) for d in report.customers] == [
        ("ACME", "DRILL", "FG-1", True)
    ]
    assert sorted((f.item, f.serial, f.lot, f.status, f.holder) for f in report.finished_goods) == [
        ("DRILL", "FG-1", None, TrackingStatus.DELIVERED, "ACME"),
        ("DRILL", "FG-2", None, TrackingStatus.AVAILABLE, None),
        ("SUB", None, "S1", TrackingStatus.CONSUMED, None),
    ]
    assert [(o.location, o.item, o.serial, o.lot, o.quantity) for o in report.on_hand] == [
        ("WH1", "DRILL", "FG-2", None, Decimal(1)),
        ("WH1", "GLUE", None, "L1", Decimal(8)),
    ]
    assert report.blocked == 0
    assert tracing.get_recall(uow, report.id).customers == report.customers


def test_a_blocking_recall_blocks_everything_still_on_hand_in_one_go(uow):
    given_genealogy(uow)

    report = tracing.recall(uow, "GLUE", lot="L1", block=True, reason="contaminated", user=CLERK, now=now())

    with pytest.raises(PostingRejected) as refused:
        ship(uow, "DRILL", *sn("FG-2"))
    assert [v.code for v in refused.value.violations] == [ErrorCode.TRACKING_BLOCKED]
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L1", today=TODAY).status is TrackingStatus.BLOCKED
    assert report.blocked == 2
    fg2 = next(f for f in report.finished_goods if f.serial == "FG-2")
    assert fg2.status is TrackingStatus.BLOCKED
    [listed] = tracing.list_recalls(uow)
    assert (listed.id, listed.reason, listed.block, listed.created_by) == (
        report.id,
        "contaminated",
        True,
        "clerk",
    )


def test_recall_of_an_unknown_lot_is_not_found(uow):
    given_world(uow)

    from itemtrace.domain.errors import NotFound

    with pytest.raises(NotFound):
        tracing.recall(uow, "GLUE", lot="NOPE", user=CLERK, now=now())


def test_cards_show_what_a_unit_went_into_and_what_it_was_made_from(uow):
    given_genealogy(uow)

    glue = info_cards.card(uow, Dimension.LOT, "GLUE", "L1", today=TODAY).genealogy
    sub = info_cards.card(uow, Dimension.LOT, "SUB", "S1", today=TODAY).genealogy
    drill = info_cards.card(uow, Dimension.SERIAL, "DRILL", "FG-1", today=TODAY).genealogy

    assert [(g.item, g.lot, g.quantity) for g in glue.went_into] == [("SUB", "S1", Decimal(2))]
    assert glue.made_from == ()
    assert [(g.item, g.lot) for g in sub.made_from] == [("GLUE", "L1")]
    assert [(g.item, g.serial, g.quantity) for g in sub.went_into] == [
        ("DRILL", "FG-1", Decimal(1)),
        ("DRILL", "FG-2", Decimal(1)),
    ]
    assert [(g.item, g.lot, g.posting_date) for g in drill.made_from] == [("SUB", "S1", TODAY)]
    assert drill.went_into == ()


def test_a_recall_exports_one_row_per_customer_delivery_before_the_rest(uow):
    given_genealogy(uow)
    report = tracing.recall(uow, "GLUE", lot="L1", reason="contaminated", user=CLERK, now=now())

    from itemtrace.adapters.spreadsheets import SheetFormat

    content = tracing.export_recall(uow, report.id, SheetFormat.CSV).decode()

    header, *rows = [line.split(",") for line in content.splitlines()]
    assert header == list(tracing.RECALL_COLUMNS)
    assert [r[0] for r in rows] == [
        "customer",
        "finished_good",
        "finished_good",
        "finished_good",
        "on_hand",
        "on_hand",
    ]
    assert rows[0][6:10] == ["ACME", "Acme Ltd", "DRILL", "FG-1"]


def test_a_recall_preview_reports_what_the_recall_would_and_records_nothing(uow):
    given_genealogy(uow)

    preview = tracing.preview_recall(uow, "GLUE", lot="L1", reason="contaminated", user=CLERK, now=now())
    recorded = tracing.recall(uow, "GLUE", lot="L1", reason="contaminated", user=CLERK, now=now())

    assert (preview.customers, preview.finished_goods, preview.on_hand) == (
        recorded.customers,
        recorded.finished_goods,
        recorded.on_hand,
    )
    assert [r.id for r in tracing.list_recalls(uow)] == [recorded.id]


def test_blocking_a_recorded_recall_blocks_the_unit_and_everything_affected_on_hand(uow):
    given_genealogy(uow)
    report = tracing.recall(uow, "GLUE", lot="L1", reason="contaminated", user=CLERK, now=now())

    blocked = tracing.block_recalled(uow, report.id)

    assert blocked == 2
    with pytest.raises(PostingRejected) as refused:
        ship(uow, "DRILL", *sn("FG-2"))
    assert [v.code for v in refused.value.violations] == [ErrorCode.TRACKING_BLOCKED]
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L1", today=TODAY).status is TrackingStatus.BLOCKED
    assert tracing.get_recall(uow, report.id).blocked == 0  # the recorded report stays as it was run


def test_blocking_an_unknown_recall_is_not_found(uow):
    given_world(uow)

    from itemtrace.domain.errors import NotFound

    with pytest.raises(NotFound):
        tracing.block_recalled(uow, 999)
