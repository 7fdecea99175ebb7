"""`itemtrace availability ITEM`: on hand, expired, reserved by open documents, and available, by lot;
`itemtrace suggest-pick ITEM QTY`: what to take, FEFO or FIFO."""

from __future__ import annotations

from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.options import Children, JsonFlag, Lot, QuantityArg
from itemtrace.cli.present import show
from itemtrace.domain.picking import Strategy

Item = Annotated[str, typer.Argument(metavar="ITEM", help="The item's SKU.")]
Location = Annotated[str | None, typer.Option("--location", help="Only this internal location.")]
Serial = Annotated[str | None, typer.Option("--serial", "-s", help="Only this serial number.")]


def register(app: typer.Typer) -> None:
    app.command("availability", rich_help_panel="Tracking")(availability)
    app.command("suggest-pick", rich_help_panel="Tracking")(suggest_pick)


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


def suggest_pick(
    ctx: typer.Context,
    item: Item,
    quantity: QuantityArg,
    location: Location = None,
    children: Children = True,
    strategy: Annotated[
        Strategy | None,
        typer.Option("--strategy", help="fefo or fifo (default: fefo where the item uses expiration dates)."),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Which lots, serials and packages to take, in picking order: earliest expiry first (FEFO) or
    earliest receipt first (FIFO), never blocked, expired or reserved stock."""
    from itemtrace.schemas.expiry import SuggestionOut
    from itemtrace.services import picking

    cli = Cli.of(ctx)
    found = picking.suggest_pick(
        cli.uow(),
        item,
        quantity,
        location=location,
        include_children=children,
        strategy=strategy,
        today=cli.today(),
    )
    show(
        cli,
        SuggestionOut.from_domain(item, quantity, found),
        title=f"pick {quantity} of {item} ({found.strategy})",
    )
