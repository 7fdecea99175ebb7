"""`itemtrace export …`: the ledger for other systems (`export epcis`: GS1 EPCIS 2.0 JSON-LD)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import JsonFlag, parse_date
from itemtrace.cli.present import say

export = Typer(help="Exports: stock or the ledger as CSV or XLSX, the ledger as GS1 EPCIS 2.0 events.")


def register(app: typer.Typer) -> None:
    app.add_typer(export, name="export", rich_help_panel="Bulk")


@export.command("epcis")
def export_epcis(
    ctx: typer.Context,
    from_date: Annotated[
        date | None,
        typer.Option(
            "--from", parser=parse_date, metavar="YYYY-MM-DD", help="First posting date (included)."
        ),
    ] = None,
    to_date: Annotated[
        date | None,
        typer.Option("--to", parser=parse_date, metavar="YYYY-MM-DD", help="Last posting date (included)."),
    ] = None,
    item: Annotated[str | None, typer.Option("--item", help="Only this item's movements.")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the document to this file (default: standard output)."),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """The ledger as a GS1 EPCIS 2.0 JSON-LD document (an EPCISDocument) for trading partners:
    receipts, shipments, transfers, counts, scrap, assemblies and packages as EPCIS events."""
    from itemtrace.services import epcis

    cli = Cli.of(ctx)
    chunks = epcis.export(
        cli.uow(),
        from_date=from_date,
        to_date=to_date,
        item=item,
        identifier_base=cli.settings.identifier_base,
        now=cli.now(),
    )
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    # Written beside the target and renamed at the end: a failure leaves no half document.
    partial = output.with_name(output.name + ".part")
    events = 0
    try:
        with partial.open("w", encoding="utf-8") as file:
            for chunk in chunks:
                events += chunk.startswith((",\n{", "\n{"))  # the service writes one event a chunk
                file.write(chunk)
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    say(cli, f"{events} EPCIS events written to {output}", {"file": str(output), "events": events})
