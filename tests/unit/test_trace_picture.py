"""The trace picture's DOT text: labels shown as they are (quotes, backslashes, DOT escapes),
every unit linked to its card, the card's own node marked, big graphs cut near the start."""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal

import pytest

from itemtrace.domain.masterdata import Partner, PartnerKind
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracing import Edge, Graph, Node, TraceDirection, node_id, partner_id
from itemtrace.domain.tracking import TrackingKey
from itemtrace.web import trace_picture
from itemtrace.web.trace_picture import dot_source, quoted, shown, tree

DAY = date(2026, 11, 23)
ODD = 'S/N "7"\\N'  # a quote, a slash, and what DOT would read as its \N escape


def unit(key: TrackingKey, start: bool = False) -> Node:
    return Node(node_id(key), key, Decimal(1), TrackingStatus.AVAILABLE, "WH1", None, start=start)


def graph(direction: TraceDirection = TraceDirection.FORWARD, fan_out: int = 1) -> Graph:
    """A serial received from VEND, then consumed into `fan_out` kits, each shipped to ACME."""
    serial = TrackingKey("DRILL", serial=ODD)
    kits = [TrackingKey("KIT", serial=f"K{i}") for i in range(fan_out)]
    edges = [Edge(partner_id("VEND"), node_id(serial), "received_from", "RCPT-1", "receipt", DAY, Decimal(1))]
    edges.append(
        Edge(node_id(serial), node_id(serial), "moved", "TRF-1", "transfer", DAY, Decimal(1), "WH1", "WH2")
    )
    for kit in kits:
        edges.append(
            Edge(node_id(serial), node_id(kit), "consumed_into", "ASM-1", "assembly", DAY, Decimal(1))
        )
        edges.append(
            Edge(node_id(kit), partner_id("ACME"), "shipped_to", "SHIP-1", "shipment", DAY, Decimal(1))
        )
    nodes = (unit(serial, start=True), *(unit(k) for k in kits))
    return Graph(direction, serial, nodes, tuple(edges), ("ACME", "VEND"))


PARTNERS = [
    Partner("ACME", 'Acme "Ltd"', PartnerKind.CUSTOMER),
    Partner("VEND", "Vendor", PartnerKind.VENDOR),
]


def test_quoted_keeps_quotes_backslashes_and_line_breaks_literal():
    assert quoted('a "b"\\N') == '"a \\"b\\"\\\\N"'
    assert quoted("one\ntwo") == '"one\\ntwo"'


def test_every_unit_links_to_its_card_and_the_start_is_marked():
    source = dot_source(graph(), PARTNERS)

    assert 'URL="/items/DRILL/serials/S%2FN%20%227%22%5CN"' in source
    assert 'URL="/items/KIT/serials/K0"' in source
    [start] = [line for line in source.splitlines() if "this card" in line and "label=" in line]
    assert "penwidth" in start and "filled" in start
    assert 'label="Acme \\"Ltd\\"\\n(ACME)"' in source  # partners by name, quotes escaped
    assert "moved 1 times" in source and "TRF-1" not in source  # moves summed on their node


def test_a_big_graph_keeps_the_nodes_nearest_the_start_and_says_how_many_are_left_out():
    big = graph(fan_out=30)

    part = shown(big, limit=10)
    source = dot_source(big, PARTNERS, limit=10, more_url="/x/trace.svg?direction=forward&nodes=20")

    assert len(part.nodes) + len(part.partners) == 10
    assert part.left_out == 33 - 10  # 1 serial + 30 kits + 2 partners
    assert any(n.start for n in part.nodes)
    assert "Showing 10 of 33 nodes" in source
    assert 'URL="/x/trace.svg?direction=forward&amp;nodes=20"' in source  # '&' as SVG needs it


def test_the_list_follows_the_direction_of_the_trace():
    [forward] = tree(graph(), PARTNERS)[0]
    [backward] = tree(graph(TraceDirection.BACKWARD), PARTNERS)[0]

    assert [c.verb for c in forward.children] == ["went into"]
    assert forward.children[0].children[0].partner_name == 'Acme "Ltd"'
    assert [(c.verb, c.partner) for c in backward.children] == [("received from", "VEND")]
    assert forward.moves == 1


@pytest.mark.skipif(
    not trace_picture.dot_available() and os.environ.get("CI") != "true", reason="no Graphviz dot"
)
def test_dot_draws_the_labels_as_given_and_names_the_picture():
    svg = trace_picture.draw(
        dot_source(graph(), PARTNERS), title="Trace <forward>", description="Boxes & arrows"
    )

    assert svg.startswith("<svg") and "<!--" not in svg
    assert (
        '<title id="trace-title">Trace &lt;forward&gt;</title><desc id="trace-desc">Boxes &amp; arrows</desc>'
        in svg
    )
    assert "serial S/N &quot;7&quot;\\N" in svg  # not expanded to the node's name
    assert re.search(r'xlink:href="/items/KIT/serials/K0"[^>]*target="_top"', svg)
    assert 'xlink:title="DRILL serial S/N &quot;7&quot;\\N: available (this card)"' in svg
