"""`itemtrace count LOCATION --item SKU …`: count one item at a location (or the whole location),
see what is expected beside what was counted, and post the differences with --post."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.options import JsonFlag, PostingDate, Reference, Serials
from itemtrace.cli.present import show
from itemtrace.domain.documents import CountScope, Document, DocumentType, Line, StoredDocument, TrackingLine

if TYPE_CHECKING:
    from itemtrace.domain.counting import Difference, Expectation


def register(app: typer.Typer) -> None:
    app.command("count", rich_help_panel="Posting")(count)


def _counted(value: str) -> Decimal:
    try:
        quantity = Decimal(value)
    except InvalidOperation:
        raise typer.BadParameter(f"{value!r} is not a number") from None
    if not quantity.is_finite() or quantity < 0:
        raise typer.BadParameter(f"{value!r} is not a quantity (0 or more)")
    return quantity


def _numbered(values: list[str] | None, option: str) -> list[tuple[str, Decimal]]:
    """`L1=5` → ("L1", 5); a number without `=QTY` counts 1."""
    found = []
    for value in values or []:
        number, sep, quantity = value.rpartition("=")
        if not sep:
            number, quantity = value, "1"
        if not number:
            raise typer.BadParameter(f"{option} {value!r}: write NUMBER=QUANTITY, e.g. L-0001=5")
        found.append((number, _counted(quantity)))
    return found


def count(
    ctx: typer.Context,
    location: Annotated[str, typer.Argument(metavar="LOCATION", help="The internal location counted.")],
    item: Annotated[
        str | None,
        typer.Option(
            "--item", "-i", help="The item counted (its SKU); without it, one --package found whole."
        ),
    ] = None,
    serial: Serials = None,
    lot: Annotated[
        list[str] | None, typer.Option("--lot", "-l", metavar="LOT=QTY", help="A lot found and its quantity.")
    ] = None,
    package: Annotated[
        list[str] | None,
        typer.Option("--package", metavar="PACKAGE=QTY", help="A package found and its quantity."),
    ] = None,
    quantity: Annotated[
        str | None, typer.Option("--quantity", "-q", help="Untracked quantity found (0: none).")
    ] = None,
    whole_location: Annotated[
        bool,
        typer.Option(
            "--whole-location", help="Count the whole location: items on hand there not counted go to 0."
        ),
    ] = False,
    post: Annotated[bool, typer.Option("--post", help="Post the differences now.")] = False,
    reference: Reference = None,
    posting_date: PostingDate = None,
    json_output: JsonFlag = False,
) -> None:
    """Count an item at a location: a draft shows what is expected beside what was counted;
    --post adjusts the differences (missing → ADJUSTMENT, found → back in)."""
    from itemtrace.services import counts, documents

    cli = Cli.of(ctx)
    if item is None:
        line = _whole_package(location, serial, lot, package, quantity)
    else:
        line = _item_line(location, item, serial, lot, package, quantity)
    draft = Document(
        DocumentType.COUNT,
        (line,),
        reference=reference,
        posting_date=posting_date,
        count_scope=CountScope.LOCATION if whole_location else CountScope.ITEM,
    )
    created = documents.create(cli.uow(), draft, user=cli.user, post=post, today=cli.today(), now=cli.now())
    if post:
        show_posted_count(cli, created, documents.entries(cli.uow(), created.id))
    else:
        show_count(cli, created, counts.read(cli.uow(), created.id).expected)


def _whole_package(
    location: str,
    serial: list[str] | None,
    lot: list[str] | None,
    package: list[str] | None,
    quantity: str | None,
) -> Line:
    if len(package or []) != 1 or serial or lot or quantity is not None:
        raise typer.BadParameter("give --item, or exactly one --package (found whole) and nothing else")
    assert package is not None
    return Line("", Decimal(0), None, location, (TrackingLine(package=package[0], quantity=Decimal(0)),))


def _item_line(
    location: str,
    item: str,
    serial: list[str] | None,
    lot: list[str] | None,
    package: list[str] | None,
    quantity: str | None,
) -> Line:
    tracking = [TrackingLine(serial=s) for s in serial or []]
    tracking += [TrackingLine(lot=n, quantity=q) for n, q in _numbered(lot, "--lot") if q > 0]
    tracking += [TrackingLine(package=n, quantity=q) for n, q in _numbered(package, "--package") if q > 0]
    untracked = _counted(quantity) if quantity is not None else Decimal(0)
    total = sum((t.quantity for t in tracking), untracked)
    return Line(item, total, None, location, tuple(tracking))


def show_count(cli: Cli, document: StoredDocument, expected: list[Expectation]) -> None:
    """A count draft: JSON as `GET /documents/{id}`; for people, one row per counted place."""
    from itemtrace.schemas.documents import DocumentOut

    out = DocumentOut.from_domain(document, expected)
    if cli.json:
        show(cli, out)
        return
    header = {k: v for k, v in out.model_dump(mode="json").items() if k not in ("lines", "not_listed")}
    show(cli, {**header, "counted": [_row(e) for e in expected]}, title=_title(document))


def show_posted_count(cli: Cli, document: StoredDocument, entries: list[Any]) -> None:
    """A posted count: the document (JSON: with its `entries`), and the adjustments it wrote."""
    from itemtrace.schemas.documents import DocumentOut, EntryOut

    out = DocumentOut.from_domain(document).model_dump(mode="json")
    adjusted = [EntryOut.from_domain(e).model_dump(mode="json") for e in entries]
    if cli.json:
        show(cli, {**out, "entries": adjusted})
        return
    header = {k: v for k, v in out.items() if k != "lines"}
    rows = [
        {
            k: e[k]
            for k in ("line", "item", "serial", "lot", "package", "quantity", "from_location", "to_location")
        }
        for e in adjusted
    ]
    show(
        cli,
        {**header, "adjusted": rows} if rows else {**header, "adjusted": "nothing: the count matched"},
        title=_title(document),
    )


def _title(document: Document) -> str:
    return f"count {document.number} ({document.status.value})"


def _row(e: Expectation) -> dict[str, Any]:
    return {
        "line": e.line_no or "",
        "location": e.location,
        "item": e.item,
        "expected": _n(e.expected),
        "counted": _n(e.counted),
        "difference": _n(e.difference),
        "missing": ", ".join(_label(d) for d in e.missing),
        "found": ", ".join(_label(d) for d in e.found),
    }


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _label(d: Difference) -> str:
    name = d.key.label() or "untracked"
    return name if d.key.serial else f"{name} {_n(d.quantity)}"
