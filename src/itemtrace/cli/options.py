"""Options and value types the commands share: `--json`, quantities, dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from itemtrace.cli.context import Cli


def _remember_json(ctx: typer.Context, value: bool) -> bool:
    # Recorded on the shared state so errors, too, come out as JSON once the flag is given.
    if value:
        Cli.of(ctx).json = True
    return value


def parse_quantity(value: str) -> Decimal:
    try:
        quantity = Decimal(value)
    except InvalidOperation:
        raise typer.BadParameter(f"{value!r} is not a number") from None
    if not quantity.is_finite() or quantity <= 0:
        raise typer.BadParameter(f"{value!r} is not a positive quantity")
    return quantity


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD") from None


Children = Annotated[
    bool,
    typer.Option("--children/--no-children", help="With --location: include the locations under it (bins)."),
]
JsonFlag = Annotated[
    bool,
    typer.Option("--json", help="Print JSON (for scripts) instead of tables.", callback=_remember_json),
]
QuantityArg = Annotated[
    Decimal, typer.Argument(parser=parse_quantity, metavar="QTY", help="How many (a positive number).")
]
QuantityOpt = Annotated[
    Decimal | None,
    typer.Option("--quantity", "-q", parser=parse_quantity, help="Quantity (default: one per serial)."),
]
Serials = Annotated[
    list[str] | None, typer.Option("--serial", "-s", help="A serial number (repeat for several).")
]
Lot = Annotated[str | None, typer.Option("--lot", "-l", help="The lot number.")]
Package = Annotated[str | None, typer.Option("--package", help="The package number.")]
Partner = Annotated[str | None, typer.Option("--partner", "-p", help="Vendor or customer code.")]
Reference = Annotated[str | None, typer.Option("--reference", help="Your reference (order number…).")]
PostingDate = Annotated[
    date | None,
    typer.Option("--posting-date", parser=parse_date, metavar="YYYY-MM-DD", help="Default: today."),
]
ExpirationDate = Annotated[
    date | None,
    typer.Option("--expiration-date", parser=parse_date, metavar="YYYY-MM-DD", help="Expiration date."),
]
WarrantyDate = Annotated[
    date | None,
    typer.Option("--warranty-date", parser=parse_date, metavar="YYYY-MM-DD", help="Warranty end date."),
]
Limit = Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many rows.")]
