"""The trace picture of a card: a trace graph as DOT text, drawn to SVG by Graphviz's `dot`, and the
same graph as a nested list (what the card shows without `dot`, and for screen readers always).

Pure except `draw()`, which runs `dot -Tsvg` with a timeout. Every unit node links to its card
(`URL`, `target="_top"` so a click inside an <object> opens the card in the whole window); the
card's own node is drawn bold and filled and says "this card"; partners are ellipses. Movements
between our own places are summed on their node ("moved 3 times"), not drawn one by one. A graph of
more than `limit` nodes keeps those nearest the card's own and says how many were left out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from itemtrace.domain.masterdata import Partner
from itemtrace.domain.tracing import Edge, Graph, Node, TraceDirection
from itemtrace.domain.tracking import TrackingKey
from itemtrace.schemas.common import quantity_text
from itemtrace.web import urls

DRAW_TIMEOUT = 10.0  # seconds: a picture that takes longer is refused, the list still shows
MOVED = "moved"
_VERBS = {
    "received_from": "received from",
    "shipped_to": "shipped to",
    "returned_by": "returned by",
    "returned_to": "returned to",
    "consumed_into": "went into",
    "renamed_to": "renamed to",
    "correction": "correction",
    MOVED: "moved",
}


class PictureFailed(Exception):
    """`dot` is missing, failed, or took longer than `DRAW_TIMEOUT`."""


def key_url(key: TrackingKey) -> str:
    """The card of a node: its serial, else its lot, else its package, else its item."""
    if key.serial:
        return urls.serial_url(key.item, key.serial)
    if key.lot:
        return urls.lot_url(key.item, key.lot)
    if key.package:
        return urls.package_url(key.package)
    return urls.item_url(key.item)


def key_words(key: TrackingKey) -> str:
    """`DRILL serial SN-1`, `GLUE lot L1 package P1`, `BOLT`."""
    parts = [key.item]
    for name in ("serial", "lot", "package"):
        value = getattr(key, name)
        if value:
            parts.append(f"{name} {value}")
    return " ".join(parts)


def edge_words(edge: Edge) -> str:
    """`shipment SHIP-3 on 2026-11-23, 1`."""
    return f"{edge.type} {edge.document} on {edge.date.isoformat()}, {quantity_text(edge.quantity)}"


@dataclass(frozen=True, slots=True)
class Shown:
    """The part of a graph a picture shows: at most `limit` nodes, those nearest the start."""

    nodes: tuple[Node, ...]
    partners: tuple[str, ...]  # partner ids (`partner:CODE`) kept
    edges: tuple[Edge, ...]  # between kept nodes, movements within our places left out
    moves: Mapping[str, int]  # node id → how many movements within our places it had
    total: int  # nodes and partners in the whole graph

    @property
    def left_out(self) -> int:
        return self.total - len(self.nodes) - len(self.partners)


def shown(graph: Graph, limit: int) -> Shown:
    """The nodes and partners nearest the start (breadth first over every edge, both ways), at
    most `limit` of them, and the edges between them."""
    moves: dict[str, int] = {}
    drawn: list[Edge] = []
    near: dict[str, list[str]] = {}
    for edge in graph.edges:
        if edge.kind == MOVED:
            moves[edge.source] = moves.get(edge.source, 0) + 1
            continue
        drawn.append(edge)
        near.setdefault(edge.source, []).append(edge.target)
        near.setdefault(edge.target, []).append(edge.source)
    everything = [n.id for n in graph.nodes] + [f"partner:{p}" for p in graph.partners]
    order: list[str] = []
    seen: set[str] = set()
    queue = deque(n.id for n in graph.nodes if n.start)
    pending = deque(everything)  # unconnected nodes come last, in the graph's order
    while len(order) < limit and (queue or pending):
        current = queue.popleft() if queue else pending.popleft()
        if current in seen:
            continue
        seen.add(current)
        order.append(current)
        queue.extend(n for n in near.get(current, ()) if n not in seen)
    kept = set(order)
    return Shown(
        nodes=tuple(n for n in graph.nodes if n.id in kept),
        partners=tuple(i for i in order if i.startswith("partner:") and i not in {n.id for n in graph.nodes}),
        edges=tuple(e for e in drawn if e.source in kept and e.target in kept),
        moves=moves,
        total=len(set(everything)),
    )


def quoted(text: str) -> str:
    """A DOT quoted string showing `text` as it is: backslashes and quotes escaped, line breaks as
    DOT's centred line break (so `\\N`, `\\G` … in a number are never expanded)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"\r\n|\r|\n", r"\\n", escaped)
    return f'"{escaped}"'


# dot expands escapes once more in these (a label's `\\N` stays `\N`, a tooltip's becomes the node's
# name), and writes a URL into the SVG with its '&' as it is (not an XML character reference).
_TWICE = frozenset({"tooltip", "URL"})


def _attributes(values: Mapping[str, str]) -> str:
    return ", ".join(f"{name}={quoted(_prepared(name, value))}" for name, value in values.items())


def _prepared(name: str, value: str) -> str:
    if name == "URL":
        value = value.replace("&", "&amp;")
    if name in _TWICE:
        value = value.replace("\\", "\\\\").replace("\n", " ")
    return value


def title_of(direction: TraceDirection, start: TrackingKey) -> str:
    where = "came from" if direction is TraceDirection.BACKWARD else "went"
    return f"Trace {direction.value}: where {key_words(start)} {where}"


def dot_source(
    graph: Graph,
    partners: Sequence[Partner] = (),
    *,
    limit: int = 40,
    more_url: str | None = None,
) -> str:
    """The graph as DOT text: one box per unit (linked to its card), one ellipse per partner, one
    arrow per movement to or from a partner and per assembly or rename link."""
    part = shown(graph, limit)
    names = {p.code: p.name for p in partners}
    ids: dict[str, str] = {}
    lines = [
        "digraph trace {",
        f"  graph [{_attributes(_graph_attributes(graph, part, more_url))}];",
        '  node [shape=box, style="rounded", fontname="sans-serif", fontsize=11, color="#4a5361"];',
        '  edge [fontname="sans-serif", fontsize=9, color="#4a5361"];',
    ]
    for node in part.nodes:
        ids[node.id] = f"n{len(ids)}"
        lines.append(f"  {ids[node.id]} [{_attributes(_node_attributes(node, part.moves.get(node.id, 0)))}];")
    for partner in part.partners:
        ids[partner] = f"n{len(ids)}"
        code = partner.removeprefix("partner:")
        label = f"{names[code]}\n({code})" if code in names else code
        values = {"label": label, "shape": "ellipse", "style": "dashed", "tooltip": f"partner {code}"}
        lines.append(f"  {ids[partner]} [{_attributes(values)}];")
    for edge in part.edges:
        verb = _VERBS.get(edge.kind, edge.kind.replace("_", " "))
        label = f"{verb}\n{edge.type.replace('_', ' ')} {edge.document}\n{edge.date.isoformat()} · {quantity_text(edge.quantity)}"
        values = {"label": label, "tooltip": f"{verb}: {edge_words(edge)}"}
        if edge.reversed_by:
            values["style"] = "dashed"
            values["label"] += f"\nreversed by {edge.reversed_by}"
        lines.append(f"  {ids[edge.source]} -> {ids[edge.target]} [{_attributes(values)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _graph_attributes(graph: Graph, part: Shown, more_url: str | None) -> dict[str, str]:
    values = {
        "rankdir": "LR",
        "fontname": "sans-serif",
        "fontsize": "10",
        "tooltip": title_of(graph.direction, graph.start),
    }
    if part.left_out:
        values["label"] = (
            f"Showing {len(part.nodes) + len(part.partners)} of {part.total} nodes: "
            f"{part.left_out} further away are left out"
            + (" (show more: follow this note)" if more_url else "")
        )
        values["labelloc"] = "b"
        if more_url:
            values["URL"] = more_url
            values["target"] = "_top"
    return values


def _node_attributes(node: Node, moves: int) -> dict[str, str]:
    key = node.key
    lines = [key.item]
    for name in ("serial", "lot", "package"):
        value = getattr(key, name)
        if value:
            lines.append(f"{name} {value}")
    state = node.status.value.replace("_", " ")
    where = node.location or node.holder
    lines.append(f"{state}{f' · {where}' if where else ''}")
    if moves:
        lines.append(f"moved {moves} times")
    values = {"label": "\n".join(lines), "URL": key_url(key), "target": "_top"}
    values["tooltip"] = f"{key_words(key)}: {state}" + (" (this card)" if node.start else "")
    if node.start:
        lines.insert(0, "▶ this card")
        values["label"] = "\n".join(lines)
        values.update(style="rounded,filled,bold", fillcolor="#fff3c4", penwidth="2.5", color="#1b1f24")
    return values


def dot_available() -> bool:
    return shutil.which("dot") is not None


def draw(source: str, *, title: str, description: str, timeout: float = DRAW_TIMEOUT) -> str:
    """The DOT text drawn as SVG (`dot -Tsvg`), with `title` and `description` as the picture's
    accessible name and description. Raises `PictureFailed`."""
    executable = shutil.which("dot")
    if executable is None:
        raise PictureFailed("Graphviz is not installed here (apt-get install graphviz)")
    try:
        done = subprocess.run(
            [executable, "-Tsvg"], input=source.encode(), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise PictureFailed(f"the picture took longer than {timeout:g} s to draw") from None
    if done.returncode != 0:
        raise PictureFailed(done.stderr.decode(errors="replace").strip() or "dot failed")
    return labelled(done.stdout.decode(), title, description)


def failed_svg(reason: str) -> str:
    """A small picture saying why the trace could not be drawn (the card's list still shows it)."""
    said = _xml(f"The trace picture could not be drawn: {reason}. The card lists the trace as text.")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="40" role="img" '
        f'aria-labelledby="failed-title"><title id="failed-title">{said}</title>'
        f'<text x="4" y="24" font-family="sans-serif" font-size="13">{said}</text></svg>'
    )


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def labelled(svg: str, title: str, description: str) -> str:
    """The SVG without dot's XML prologue and comments, its root named by a <title> and <desc>."""
    start = svg.find("<svg")
    svg = re.sub(r"<!--.*?-->", "", svg[start:], flags=re.S)
    match = _SVG_OPEN.search(svg)
    assert match is not None
    head = (
        match.group(0)[:-1] + ' role="graphics-document document" aria-labelledby="trace-title trace-desc">'
    )
    named = f'<title id="trace-title">{_xml(title)}</title><desc id="trace-desc">{_xml(description)}</desc>'
    return head + named + svg[match.end() :]


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# -- the same graph as a nested list ------------------------------------------------------------


@dataclass
class Branch:
    """One line of the nested list: what happened (`edge`, None for the root) and to what — a unit
    (`node`, with its card link) or a partner (`partner`) — and what followed from there."""

    edge: Edge | None
    node: Node | None = None
    partner: str | None = None
    partner_name: str | None = None
    moves: int = 0
    children: list[Branch] = field(default_factory=list)
    again: bool = False  # a unit already listed above: not expanded twice

    @property
    def url(self) -> str | None:
        return key_url(self.node.key) if self.node else None

    @property
    def verb(self) -> str:
        return _VERBS.get(self.edge.kind, self.edge.kind) if self.edge else ""

    @property
    def words(self) -> str:
        return key_words(self.node.key) if self.node else ""

    @property
    def on(self) -> date | None:
        return self.edge.date if self.edge else None


def tree(graph: Graph, partners: Sequence[Partner] = (), *, limit: int = 200) -> tuple[list[Branch], int]:
    """The graph as trees from the start node(s), following edges in the trace's direction
    (forward: what a unit went to; backward: what it came from); at most `limit` lines, and how
    many were left out."""
    forward = graph.direction is TraceDirection.FORWARD
    nodes = {n.id: n for n in graph.nodes}
    names = {p.code: p.name for p in partners}
    moves: dict[str, int] = {}
    follow: dict[str, list[tuple[Edge, str]]] = {}
    for edge in graph.edges:
        if edge.kind == MOVED:
            moves[edge.source] = moves.get(edge.source, 0) + 1
            continue
        here, there = (edge.source, edge.target) if forward else (edge.target, edge.source)
        follow.setdefault(here, []).append((edge, there))
    listed = 0
    left_out = 0
    expanded: set[str] = set()

    def grow(branch: Branch, node_id: str) -> None:
        nonlocal listed, left_out
        expanded.add(node_id)
        for edge, there in follow.get(node_id, ()):
            if listed >= limit:
                left_out += 1
                continue
            listed += 1
            if there in nodes:
                child = Branch(edge, node=nodes[there], moves=moves.get(there, 0), again=there in expanded)
                branch.children.append(child)
                if not child.again:
                    grow(child, there)
            else:
                code = there.removeprefix("partner:")
                branch.children.append(Branch(edge, partner=code, partner_name=names.get(code)))

    roots = []
    for node in graph.nodes:
        if node.start:
            root = Branch(None, node=node, moves=moves.get(node.id, 0))
            grow(root, node.id)
            roots.append(root)
    return roots, left_out
