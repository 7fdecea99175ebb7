"""`itemtrace service add`: log an inspection, repair, replacement or warranty claim on a serial."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import JsonFlag, parse_date
from itemtrace.domain.warranty import ServiceKind

service = Typer(help="A serial's service log: what was done to the unit.")

Item = Annotated[str, typer.Argument(metavar="ITEM", help="The item's SKU.")]
Serial = Annotated[str, typer.Argument(metavar="SERIAL", help="The serial number.")]


def register(app: typer.Typer) -> None:
    app.add_typer(service, name="service", rich_help_panel="Tracking")


@service.command("add")
def add(
    ctx: typer.Context,
    item: Item,
    serial: Serial,
    kind: Annotated[ServiceKind, typer.Option("--kind", help="What was done.")],
    note: Annotated[str, typer.Option("--note", help="What was found or done.")] = "",
    on: Annotated[
        date | None, typer.Option("--date", parser=parse_date, metavar="YYYY-MM-DD", help="Default: today.")
    ] = None,
    replacement: Annotated[
        str | None,
        typer.Option("--replacement", help="A replacement: the serial sent instead (it keeps the warranty)."),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Log a service on the serial's card (kept with your user name); shows the card."""
    from itemtrace.cli.info_cards import show_card
    from itemtrace.services import warranty

    cli = Cli.of(ctx)
    card = warranty.log_service(
        cli.uow(),
        item,
        serial,
        kind,
        note,
        on=on,
        replacement=replacement,
        user=cli.user,
        now=cli.now(),
        today=cli.today(),
    )
    show_card(cli, card)
