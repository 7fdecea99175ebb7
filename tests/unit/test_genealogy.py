"""Genealogy links and trace graphs built from facts, without a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from itemtrace.domain.documents import Document, DocumentType, Line, Role
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.genealogy import Link, check_assembly, links
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracing import (
    LinkFact,
    MoveFact,
    TraceDirection,
    build_graph,
    check_limits,
    node_id,
)
from itemtrace.domain.tracking import TrackingKey

D = date(2026, 11, 23)
L1 = TrackingKey("GLUE", lot="L1")
BOLTS = TrackingKey("BOLT")
FG1 = TrackingKey("DRILL", serial="FG-1")
FG2 = TrackingKey("DRILL", serial="FG-2")


def assembly(*roles: Role) -> Document:
    return Document(
        DocumentType.ASSEMBLY, tuple(Line("X", Decimal(1), role=r, line_no=i) for i, r in enumerate(roles, 1))
    )


def entry(key: TrackingKey, line_no: int, quantity: int = 1) -> LedgerEntry:
    return LedgerEntry(key, Decimal(quantity), "WH1", "PRODUCTION", line_no=line_no)


def move(
    key, entry_id, kind_from, kind_to, type_="receipt", partner=None, qty=1, src=None, dst=None
) -> MoveFact:
    """A movement; places are named after their kind unless named (a place has one kind)."""
    src, dst = src or kind_from.value.upper(), dst or kind_to.value.upper()
    return MoveFact(
        key, entry_id, Decimal(qty), f"DOC-{entry_id}", type_, D, src, kind_from, dst, kind_to, partner
    )


def test_every_output_is_linked_to_every_consumed_unit_with_the_quantity_consumed():
    document = assembly(Role.CONSUME, Role.CONSUME, Role.OUTPUT)
    entries = [entry(L1, 1, 2), entry(BOLTS, 2, 4), entry(FG1, 3), entry(FG2, 3)]

    found = links(document, entries)

    assert found == [
        Link(L1, FG1, Decimal(2)),
        Link(BOLTS, FG1, Decimal(4)),
        Link(L1, FG2, Decimal(2)),
        Link(BOLTS, FG2, Decimal(4)),
    ]


def test_documents_other_than_assemblies_record_no_genealogy():
    receipt = Document(DocumentType.RECEIPT, (Line("GLUE", Decimal(1), line_no=1),))

    assert links(receipt, [entry(L1, 1)]) == []


@pytest.mark.parametrize("roles", [(Role.CONSUME,), (Role.OUTPUT,), (Role.OUTPUT, Role.OUTPUT)])
def test_an_assembly_without_both_sides_is_invalid(roles):
    with pytest.raises(ValidationFailed):
        check_assembly(assembly(*roles))


def test_node_ids_name_the_item_and_its_numbers():
    assert node_id(FG1) == "DRILL/serial:FG-1"
    assert node_id(TrackingKey("X", serial="S", lot="L")) == "X/serial:S/lot:L"
    assert node_id(BOLTS) == "BOLT"


def test_a_graph_derives_each_nodes_status_holder_and_location_from_its_movements():
    facts = [LinkFact(L1, FG1, Decimal(2), "ASM-1", D), LinkFact(L1, FG2, Decimal(2), "ASM-1", D)]
    moves = [
        move(
            L1,
            1,
            LocationKind.SUPPLIER,
            LocationKind.INTERNAL,
            partner="VEND",
            qty=10,
            src="SUPPLIER",
            dst="WH1",
        ),
        move(FG1, 2, LocationKind.PRODUCTION, LocationKind.INTERNAL, "assembly", src="PRODUCTION", dst="WH1"),
        move(FG2, 3, LocationKind.PRODUCTION, LocationKind.INTERNAL, "assembly", src="PRODUCTION", dst="WH1"),
        move(
            FG1,
            4,
            LocationKind.INTERNAL,
            LocationKind.CUSTOMER,
            "shipment",
            partner="ACME",
            src="WH1",
            dst="CUSTOMER",
        ),
    ]

    graph = build_graph(TraceDirection.FORWARD, L1, facts, moves, blocked=[FG2])

    states = {n.id: (n.status, n.location, n.holder, n.start) for n in graph.nodes}
    assert states == {
        "GLUE/lot:L1": (TrackingStatus.AVAILABLE, "WH1", None, True),
        "DRILL/serial:FG-1": (TrackingStatus.DELIVERED, None, "ACME", False),
        "DRILL/serial:FG-2": (TrackingStatus.BLOCKED, "WH1", None, False),
    }
    assert graph.nodes[0].id == "GLUE/lot:L1"  # the start comes first
    kinds = sorted((e.kind, e.source, e.target) for e in graph.edges)
    assert kinds == [
        ("consumed_into", "GLUE/lot:L1", "DRILL/serial:FG-1"),
        ("consumed_into", "GLUE/lot:L1", "DRILL/serial:FG-2"),
        ("received_from", "partner:VEND", "GLUE/lot:L1"),
        ("shipped_to", "DRILL/serial:FG-1", "partner:ACME"),
    ]
    assert graph.partners == ("ACME", "VEND")


def test_returns_are_edges_from_the_customer_and_to_the_vendor():
    moves = [
        move(FG1, 1, LocationKind.CUSTOMER, LocationKind.INTERNAL, "return_receipt", partner="ACME"),
        move(FG1, 2, LocationKind.INTERNAL, LocationKind.SUPPLIER, "return_shipment", partner="VEND"),
    ]

    graph = build_graph(TraceDirection.FORWARD, FG1, [], moves)

    assert [(e.kind, e.source, e.target) for e in graph.edges] == [
        ("returned_by", "partner:ACME", "DRILL/serial:FG-1"),
        ("returned_to", "DRILL/serial:FG-1", "partner:VEND"),
    ]
    [node] = graph.nodes
    assert node.status is TrackingStatus.RETURNED_TO_VENDOR


@pytest.mark.parametrize(("depth", "max_nodes"), [(0, 10), (1001, 10), (5, 0), (5, 1_000_001)])
def test_trace_limits_outside_their_range_are_invalid(depth, max_nodes):
    with pytest.raises(ValidationFailed):
        check_limits(depth, max_nodes)
