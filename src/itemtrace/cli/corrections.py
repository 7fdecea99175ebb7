"""Correction commands: `documents reverse`, `documents return`, and the part a
`documents post --line N=Q` posts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.documents import DocumentRef, document_id, group, show_document
from itemtrace.cli.options import JsonFlag
from itemtrace.domain.documents import TrackingLine


@group.command("reverse")
def reverse(ctx: typer.Context, ref: DocumentRef, json_output: JsonFlag = False) -> None:
    """Reverse a posted document: post one of the same type moving exactly the same units back."""
    from itemtrace.services import corrections

    cli = Cli.of(ctx)
    reversal = corrections.reverse(
        cli.uow(), document_id(cli, ref), user=cli.user, today=cli.today(), now=cli.now()
    )
    show_document(cli, reversal)


@group.command("return")
def return_(
    ctx: typer.Context,
    ref: DocumentRef,
    to: Annotated[
        str | None,
        typer.Option("--to", help="Where the goods go (default: where the shipment took them from)."),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Build a return_receipt draft from a posted shipment: what its customer has not returned yet."""
    from itemtrace.services import corrections

    cli = Cli.of(ctx)
    draft = corrections.return_from_shipment(
        cli.uow(), document_id(cli, ref), user=cli.user, to_location=to, today=cli.today(), now=cli.now()
    )
    show_document(cli, draft)


def post_part(cli: Cli, draft_id: int, lines: list[str], serials: list[str] | None, lot: str | None) -> None:
    """Post the parts `N=Q` of a draft now; --serial/--lot name the numbers of a single part."""
    from itemtrace.domain.corrections import PartRequest
    from itemtrace.services import corrections

    if (serials or lot) and len(lines) != 1:
        raise typer.BadParameter("--serial and --lot go with exactly one --line N=Q")
    requests = []
    for spec in lines:
        number, _, amount = spec.partition("=")
        try:
            line_no, quantity = int(number), Decimal(amount)
        except (ValueError, InvalidOperation):
            raise typer.BadParameter(f"--line {spec}: write it as LINE=QUANTITY, like 1=2") from None
        tracking: tuple[TrackingLine, ...] = ()
        if serials:
            tracking = tuple(TrackingLine(serial=s, lot=lot) for s in serials)
        elif lot:
            tracking = (TrackingLine(lot=lot, quantity=quantity),)
        requests.append(PartRequest(line_no, quantity, tracking))
    part = corrections.post_part(
        cli.uow(), draft_id, requests, user=cli.user, today=cli.today(), now=cli.now()
    )
    show_document(cli, part)
