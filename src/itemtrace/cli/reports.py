"""`itemtrace report …`: warranties ending soon."""

from __future__ import annotations

from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import JsonFlag
from itemtrace.cli.present import show_list

report = Typer(help="Reports: warranties ending soon.")


def register(app: typer.Typer) -> None:
    app.add_typer(report, name="report", rich_help_panel="Tracking")


@report.command("warranty")
def warranty_report(
    ctx: typer.Context,
    within_days: Annotated[int, typer.Option("--within-days", min=0, help="From today to N days on.")] = 30,
    item: Annotated[str | None, typer.Option("--item", help="Only this item.")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="Only this customer.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Delivered serials whose warranty ends within N days, by customer, then end date."""
    from itemtrace.schemas.cards import WarrantyLineOut
    from itemtrace.services import warranty

    cli = Cli.of(ctx)
    found = warranty.ending(
        cli.uow(), within_days=within_days, item=item, customer=customer, today=cli.today()
    )
    show_list(cli, [WarrantyLineOut.from_domain(line) for line in found], title="warranties ending")
