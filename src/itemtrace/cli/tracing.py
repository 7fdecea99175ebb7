"""Trace and recall commands: `trace` (tree, Graphviz or JSON), `recall`, `recalls list/show`.

The tree starts at the traced unit; its children are what it went into (forward) or what went
into it (backward), each line with status, location and holder; movements of a unit (shipped to
a customer, received from a vendor, moved between locations) are leaf lines under it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import JsonFlag, Limit, Lot, Package
from itemtrace.cli.present import print_json, show, show_list
from itemtrace.domain.tracing import DEFAULT_DEPTH, DEFAULT_MAX_NODES, TraceDirection

if TYPE_CHECKING:  # imported where used: `itemtrace --help` loads no openpyxl, SQLAlchemy, pydantic
    from itemtrace.adapters.spreadsheets import SheetFormat
    from itemtrace.schemas.tracing import EdgeOut, NodeOut, RecallOut, TraceOut

Item = Annotated[str, typer.Argument(metavar="ITEM", help="The item's SKU.")]
Serial = Annotated[str | None, typer.Option("--serial", "-s", help="The serial number.")]
Export = Annotated[
    Path | None,
    typer.Option(
        "--export", metavar="FILE.csv|FILE.xlsx", help="Also write the report to this CSV or XLSX file."
    ),
]


class GraphFormat(StrEnum):
    TREE = "tree"
    DOT = "dot"


def register(app: typer.Typer) -> None:
    app.command("trace", rich_help_panel="Tracking")(trace)
    app.command("recall", rich_help_panel="Tracking")(recall)
    app.add_typer(recalls, name="recalls", rich_help_panel="Tracking")


def trace(
    ctx: typer.Context,
    item: Item,
    serial: Serial = None,
    lot: Lot = None,
    package: Package = None,
    direction: Annotated[
        TraceDirection,
        typer.Option(help="forward: where it went; backward: where it came from."),
    ] = TraceDirection.FORWARD,
    depth: Annotated[int, typer.Option(min=1, max=1000, help="Assembly levels to follow.")] = DEFAULT_DEPTH,
    max_nodes: Annotated[
        int, typer.Option(min=1, max=1_000_000, help="Refuse (trace_too_large) past this many units.")
    ] = DEFAULT_MAX_NODES,
    format: Annotated[
        GraphFormat, typer.Option("--format", help="tree (indented text) or dot (Graphviz).")
    ] = GraphFormat.TREE,
    json_output: JsonFlag = False,
) -> None:
    """Trace a serial, lot or package forward (what it went into, who got it) or backward (what it
    came from)."""
    from itemtrace.schemas.tracing import TraceOut
    from itemtrace.services import tracing

    cli = Cli.of(ctx)
    traced = tracing.trace_with_partners(
        cli.uow(),
        item,
        serial=serial,
        lot=lot,
        package=package,
        direction=direction,
        depth=depth,
        max_nodes=max_nodes,
    )
    out = TraceOut.from_domain(traced.graph, traced.partners)
    if cli.json:
        print_json(out.model_dump(mode="json", by_alias=True))
    elif format is GraphFormat.DOT:
        typer.echo(render_dot(out))
    else:
        typer.echo("\n".join(render_tree(out)))


def recall(
    ctx: typer.Context,
    item: Item,
    lot: Lot = None,
    serial: Serial = None,
    package: Package = None,
    block: Annotated[
        bool, typer.Option("--block", help="Block the unit and every affected unit still on hand.")
    ] = False,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the recall).")] = "",
    export: Export = None,
    json_output: JsonFlag = False,
) -> None:
    """Run a recall: customers who got it (also inside finished goods), finished goods, stock on hand."""
    from itemtrace.schemas.tracing import RecallOut
    from itemtrace.services import tracing

    cli = Cli.of(ctx)
    format = export_format(export)
    report = tracing.recall(
        cli.uow(),
        item,
        serial=serial,
        lot=lot,
        package=package,
        block=block,
        reason=reason,
        user=cli.user,
        now=cli.now(),
    )
    show_recall(cli, RecallOut.from_domain(report), export, format)


recalls = Typer(help="Recalls that were run: list them, show one, export it.")


@recalls.command("list")
def list_recalls(ctx: typer.Context, limit: Limit = 50, json_output: JsonFlag = False) -> None:
    """Recalls, newest first."""
    from itemtrace.schemas.tracing import RecallRowOut
    from itemtrace.services import tracing

    cli = Cli.of(ctx)
    found = tracing.list_recalls(cli.uow(), limit=limit)
    show_list(cli, [RecallRowOut.from_domain(r) for r in found], title="recalls")


@recalls.command("show")
def show_recall_command(
    ctx: typer.Context,
    recall_id: Annotated[int, typer.Argument(metavar="ID", help="The recall's id.")],
    export: Export = None,
    json_output: JsonFlag = False,
) -> None:
    """Show a recall as it was run, and export it with --export."""
    from itemtrace.schemas.tracing import RecallOut
    from itemtrace.services import tracing

    cli = Cli.of(ctx)
    format = export_format(export)
    show_recall(cli, RecallOut.from_domain(tracing.get_recall(cli.uow(), recall_id)), export, format)


def export_format(path: Path | None) -> SheetFormat | None:
    """The file format the name asks for (checked before anything is run)."""
    from itemtrace.adapters.spreadsheets import SheetFormat

    if path is None:
        return None
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in {f.value for f in SheetFormat}:
        raise typer.BadParameter(f"{path} must end in .csv or .xlsx", param_hint="--export")
    return SheetFormat(suffix)


def show_recall(cli: Cli, report: RecallOut, export: Path | None, format: SheetFormat | None) -> None:
    from itemtrace.services import tracing

    if export is not None and format is not None:
        export.write_bytes(tracing.export_recall(cli.uow(), report.id, format))
    show(cli, report, title=f"recall {report.id}")
    if export is not None and not cli.json:
        typer.echo(f"exported to {export}")


# -- rendering ----------------------------------------------------------------------------------


def _node_line(node: NodeOut) -> str:
    parts = [node.id, node.status.value, f"qty {_qty(node.quantity)}"]
    if node.location:
        parts.append(f"at {node.location}")
    if node.holder:
        parts.append(f"held by {node.holder}")
    return "  ".join(parts)


def _qty(value: Decimal) -> str:
    from itemtrace.schemas.common import quantity_text  # loaded already: the values are schemas'

    return quantity_text(value)


def _partner(endpoint: str, names: dict[str, str]) -> str:
    code = endpoint.removeprefix("partner:")
    return f"{code} ({names[code]})" if code in names else code


def _movement_line(edge: EdgeOut, names: dict[str, str]) -> str:
    if edge.kind == "moved":
        what = f"moved {edge.from_location} -> {edge.to_location}"
    elif edge.to.startswith("partner:"):
        what = f"{edge.kind} {_partner(edge.to, names)}"
    else:
        what = f"{edge.kind} {_partner(edge.from_, names)}"
    return f"{what}  {edge.document} ({edge.type})  {edge.date.isoformat()}  qty {_qty(edge.quantity)}"


def render_tree(graph: TraceOut) -> list[str]:
    """The graph as indented lines: start units at the top, genealogy as children, movements as leaves."""
    forward = graph.direction is TraceDirection.FORWARD
    nodes = {n.id: n for n in graph.nodes}
    names = {p.code: p.name for p in graph.partners}
    children: dict[str, list[EdgeOut]] = defaultdict(list)
    movements: dict[str, list[EdgeOut]] = defaultdict(list)
    for edge in graph.edges:
        if edge.kind == "consumed_into":
            children[edge.from_ if forward else edge.to].append(edge)
        else:
            movements[edge.to if edge.from_.startswith("partner:") else edge.from_].append(edge)
    lines: list[str] = []
    shown: set[str] = set()

    def walk(node_id: str, indent: str, via: EdgeOut | None) -> None:
        node = nodes.get(node_id)
        line = _node_line(node) if node is not None else node_id
        if via is not None:
            line += f"  [{via.type} {via.document} {via.date.isoformat()}, consumed qty {_qty(via.quantity)}]"
        if node_id in shown:
            lines.append(f"{indent}{line}  (see above)")
            return
        shown.add(node_id)
        lines.append(indent + line)
        for edge in movements[node_id]:
            lines.append(f"{indent}  - {_movement_line(edge, names)}")
        for edge in children[node_id]:
            walk(edge.to if forward else edge.from_, indent + "  ", edge)

    for node in graph.nodes:
        if node.start:
            walk(node.id, "", None)
    return lines


def _dot(*parts: str) -> str:
    """A quoted DOT string; the parts become lines of the label."""
    escaped = (p.replace("\\", "\\\\").replace('"', '\\"') for p in parts if p)
    return '"' + "\\n".join(escaped) + '"'


def render_dot(graph: TraceOut) -> str:
    """A Graphviz digraph: units as boxes (the start in bold), partners as ellipses, edges labelled."""
    lines = ["digraph trace {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
    for node in graph.nodes:
        label = _dot(
            node.id,
            f"{node.status.value} qty {_qty(node.quantity)}",
            f"at {node.location}" if node.location else "",
            f"held by {node.holder}" if node.holder else "",
        )
        style = ", style=bold" if node.start else ""
        lines.append(f"  {_dot(node.id)} [label={label}{style}];")
    for partner in graph.partners:
        label = _dot(partner.name, f"({partner.code}, {partner.kind.value})")
        lines.append(f"  {_dot('partner:' + partner.code)} [label={label}, shape=ellipse];")
    for edge in graph.edges:
        moved = f"{edge.from_location} -> {edge.to_location}" if edge.kind == "moved" else ""
        label = _dot(
            edge.kind, f"{edge.document} {edge.date.isoformat()}", f"qty {_qty(edge.quantity)}", moved
        )
        lines.append(f"  {_dot(edge.from_)} -> {_dot(edge.to)} [label={label}];")
    lines.append("}")
    return "\n".join(lines)
