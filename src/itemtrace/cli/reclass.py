"""`itemtrace reclass`: rename a serial, lot or package, re-date a lot or serial, split or merge
lots (a reclassification document of one line, or one line per location for a whole lot)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.documents import show_document
from itemtrace.cli.options import JsonFlag, Lot, Package, PostingDate, QuantityOpt, Reference, parse_date
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine

Item = Annotated[str, typer.Argument(metavar="ITEM", help="The item's SKU.")]
Location = Annotated[
    str | None,
    typer.Option(
        "--location",
        "--from",
        help="The internal location the stock is at. Without it, a --lot is taken whole from every "
        "location it is on hand at (re-dating needs all of it).",
    ),
]
To = Annotated[str | None, typer.Option("--to", help="Move it to this internal location as well.")]
Serial = Annotated[str | None, typer.Option("--serial", "-s", help="The serial number to reclassify.")]
NewSerial = Annotated[str | None, typer.Option("--new-serial", help="The serial's new number.")]
NewLot = Annotated[str | None, typer.Option("--new-lot", help="The new lot number (an existing lot merges).")]
NewPackage = Annotated[str | None, typer.Option("--new-package", help="The new package number.")]
NewExpiration = Annotated[
    date | None,
    typer.Option(
        "--new-expiration-date",
        parser=parse_date,
        metavar="YYYY-MM-DD",
        help="The new expiration date (default: the date it has).",
    ),
]
CopyInfo = Annotated[
    bool,
    typer.Option("--copy-info/--no-copy-info", help="Copy the old number's card to the new number."),
]
Post = Annotated[bool, typer.Option("--post", help="Post it at once (else a draft is stored).")]


def register(app: typer.Typer) -> None:
    app.command("reclass", rich_help_panel="Posting")(reclass)


def reclass(
    ctx: typer.Context,
    item: Item,
    location: Location = None,
    to: To = None,
    serial: Serial = None,
    lot: Lot = None,
    package: Package = None,
    new_serial: NewSerial = None,
    new_lot: NewLot = None,
    new_package: NewPackage = None,
    new_expiration_date: NewExpiration = None,
    quantity: QuantityOpt = None,
    copy_info: CopyInfo = True,
    post: Post = False,
    reference: Reference = None,
    posting_date: PostingDate = None,
    json_output: JsonFlag = False,
) -> None:
    """Reclassify: rename a serial, lot or package, give a lot a new expiration date, split part
    of a lot into a new lot (--quantity), or merge it into another (--new-lot). Stores a draft,
    or posts it with --post."""
    from itemtrace.services import documents
    from itemtrace.services import reclass as reclass_service

    cli = Cli.of(ctx)
    change = TrackingLine(
        serial=serial,
        lot=lot,
        package=package,
        quantity=Decimal(1) if serial else (quantity or Decimal(0)),
        new_serial=new_serial,
        new_lot=new_lot,
        new_package=new_package,
        new_expiration_date=new_expiration_date,
        copy_info=copy_info,
    )
    if not (serial or lot or package):
        raise typer.BadParameter("name what to reclassify: --serial, --lot or --package")
    if serial or quantity is not None:
        if location is None:
            raise typer.BadParameter("give --location: where the stock is")
        lines: tuple[Line, ...] = (Line(item, change.quantity, location, to, tracking=(change,)),)
    elif lot:
        lines = reclass_service.whole_lot_lines(cli.uow(), item, lot, change, today=cli.today())
        if location is not None:
            lines = tuple(line for line in lines if line.from_location == location)
            if not lines:
                raise typer.BadParameter(f"lot {lot} of {item} is not on hand at {location}")
        if to is not None:
            lines = tuple(Line(ln.item, ln.quantity, ln.from_location, to, ln.tracking) for ln in lines)
    else:
        raise typer.BadParameter("give --quantity: how much of the package to reclassify")
    draft = Document(DocumentType.RECLASSIFICATION, lines, reference=reference, posting_date=posting_date)
    created = documents.create(cli.uow(), draft, user=cli.user, post=post, today=cli.today(), now=cli.now())
    show_document(cli, created)
