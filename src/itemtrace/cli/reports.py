"""`itemtrace report …`: what expires soon, warranties ending soon."""

from __future__ import annotations

from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import Children, JsonFlag
from itemtrace.cli.present import say, show_list
from itemtrace.cli.tracing import Export, export_format

report = Typer(help="Reports: what expires soon, warranties ending soon.")


def register(app: typer.Typer) -> None:
    app.add_typer(report, name="report", rich_help_panel="Tracking")


WithinDays = Annotated[int, typer.Option("--within-days", min=0, help="From today to N days on.")]


@report.command("expiring")
def expiring_report(
    ctx: typer.Context,
    within_days: WithinDays = 30,
    item: Annotated[str | None, typer.Option("--item", help="Only this item.")] = None,
    location: Annotated[str | None, typer.Option("--location", help="Only this location.")] = None,
    children: Children = True,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="Rows to show.")] = 50,
    export: Export = None,
    json_output: JsonFlag = False,
) -> None:
    """Stock on hand expiring within N days, the expired first: lot, serial, place, quantity,
    days left (negative: expired that many days ago)."""
    from itemtrace.schemas.expiry import ExpiringOut
    from itemtrace.services import expiry

    cli = Cli.of(ctx)
    format = export_format(export)
    if export is not None and format is not None:
        content = expiry.export_expiring(
            cli.uow(),
            format,
            within_days=within_days,
            item=item,
            location=location,
            include_children=children,
            today=cli.today(),
        )
        export.write_bytes(content)
        say(cli, f"expiring report written to {export}", {"file": str(export)})
        return
    found = expiry.expiring(
        cli.uow(),
        within_days=within_days,
        item=item,
        location=location,
        include_children=children,
        limit=limit,
        today=cli.today(),
    )
    show_list(cli, [ExpiringOut.from_domain(e) for e in found], title="expiring")


@report.command("warranty")
def warranty_report(
    ctx: typer.Context,
    within_days: WithinDays = 30,
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
