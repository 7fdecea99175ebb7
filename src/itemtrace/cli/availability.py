"""`itemtrace availability ITEM`: on hand, expired, reserved by open documents, and available, by lot."""

from __future__ import annotations

from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.options import Children, JsonFlag, Lot
from itemtrace.cli.present import show

Item = Annotated[str, typer.Argument(metavar="ITEM", help="The item's SKU.")]
Location = Annotated[str | None, typer.Option("--location", help="Only this internal location.")]
Serial = Annotated[str | None, typer.Option("--serial", "-s", help="Only this serial number.")]


def register(app: typer.Typer) -> None:
    app.command("availability", rich_help_panel="Tracking")(availability)


def availability(
    ctx: typer.Context,
    item: Item,
    location: Location = None,
    lot: Lot = None,
    serial: Serial = None,
    children: Children = True,
    json_output: JsonFlag = False,
) -> None:
    """On hand in internal locations, expired (past its date), reserved by open (draft) documents,
    and available, by lot. --location counts the locations under it (a warehouse's bins) too,
    unless --no-children."""
    from itemtrace.schemas.availability import AvailabilityOut
    from itemtrace.services import availability as service

    cli = Cli.of(ctx)
    found = service.availability(
        cli.uow(),
        item,
        location=location,
        lot=lot,
        serial=serial,
        include_children=children,
        today=cli.today(),
    )
    show(cli, AvailabilityOut.from_domain(found), title=f"availability of {item}")
