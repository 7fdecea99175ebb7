"""`itemtrace scan DATA`: what a barcode says and what is known of it; `itemtrace labels`:
printable labels for serials, lots, packages or a whole document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.options import JsonFlag
from itemtrace.cli.present import say, show

# A shell cannot easily pass the GS character: these stand for it on the command line.
GS_SPELLINGS = ("\\x1d", "\\u001d", "<GS>")


def register(app: typer.Typer) -> None:
    app.command("scan", rich_help_panel="Tracking")(scan)
    app.command("labels", rich_help_panel="Tracking")(labels)


def scan(
    ctx: typer.Context,
    data: Annotated[
        str,
        typer.Argument(
            metavar="DATA",
            help="The barcode's data as the scanner sends it: ']d2010950…', '(01)0950…(21)SN1', a GS1 "
            "Digital Link URI, or a plain number; write GS (FNC1) as \\x1d or <GS>; '-' reads stdin.",
        ),
    ],
    json_output: JsonFlag = False,
) -> None:
    """Parse a scan (GS1 element strings, the (01)… form, GS1 Digital Link URIs, plain numbers) and
    show what is known: the item by GTIN, the serial, lot or package (SSCC) card, or that the unit
    is new. A wrong check digit or malformed GS1 data is refused (bad_barcode)."""
    import sys

    from itemtrace.schemas.scanning import ScanIn, ScanOut
    from itemtrace.services import scanning

    cli = Cli.of(ctx)
    raw = sys.stdin.read().rstrip("\r\n") if data == "-" else data
    for spelling in GS_SPELLINGS:
        raw = raw.replace(spelling, "\x1d")
    body = ScanIn(data=raw)
    answer = ScanOut.from_domain(scanning.scan(cli.uow(), body.data, today=cli.today()))
    if cli.json:
        show(cli, answer)
        return
    found = answer.model_dump(exclude={"card", "matches", "elements", "item"}, exclude_none=True)
    found["data"] = found["data"].replace("\x1d", "<GS>")
    if answer.item is not None:
        found["item"] = f"{answer.item.sku} ({answer.item.name})"
    if answer.card is not None:
        found["status"] = answer.card.status
        found["location"] = answer.card.location
        found["holder"] = answer.card.holder
    fields = {k: v for k, v in found.items() if v is not None}
    if len(answer.matches) > 1:
        fields["matches"] = [m.model_dump() for m in answer.matches]
    show(cli, fields, title=answer.message)


def labels(
    ctx: typer.Context,
    item: Annotated[str | None, typer.Option("--item", help="The item's SKU (for serials and lots).")] = None,
    serial: Annotated[
        list[str] | None, typer.Option("--serial", "-s", help="A serial number (repeat it).")
    ] = None,
    lot: Annotated[list[str] | None, typer.Option("--lot", help="A lot number (repeat it).")] = None,
    package: Annotated[
        list[str] | None, typer.Option("--package", help="A package number (repeat it).")
    ] = None,
    document: Annotated[
        str | None,
        typer.Option("--document", help="A document number: one label per serial, lot and package on it."),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write: .pdf, .png or .svg (by its suffix).")
    ] = Path("labels.pdf"),
    size: Annotated[
        str | None, typer.Option("--size", help="Label size in mm, such as 50x25 (one label per PDF page).")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="A sheet of labels, such as a4-3x8 (PDF).")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Print labels: GS1-128 and GS1 DataMatrix when the item has a GTIN (SSCC packages: AI 00),
    Code 128 and QR otherwise, with the item, its name, the number and the expiry in words; a
    GS1 Digital Link QR code when ITEMTRACE_DIGITAL_LINK_BASE is set."""
    from itemtrace.domain.errors import ValidationFailed
    from itemtrace.domain.labels import paper
    from itemtrace.services import labels as service

    cli = Cli.of(ctx)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "png", "svg"):
        raise ValidationFailed(f"--output {output} must end in .pdf, .png or .svg")
    wanted = service.LabelRequest(
        item=item, serials=serial or (), lots=lot or (), packages=package or (), document=document
    )
    found = service.labels(cli.uow(), wanted)
    content = service.draw(found, paper(size, sheet), fmt, digital_link_base=cli.settings.digital_link_base)
    output.write_bytes(content)
    say(
        cli,
        f"{len(found)} label(s) written to {output}",
        {"output": str(output), "labels": len(found), "format": fmt},
    )
