"""Document commands: `documents create/post/receive/cancel/show/list`, and posting shortcuts.

`documents create` takes the API's JSON body (`DocumentIn`), so a file that works with
`POST /api/v1/documents` works here. The shortcuts (`receive`, `ship`, `transfer`, `adjust`,
`scrap`, `return-receipt`, `return-shipment`) build a one-line document from flags and post it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import (
    ExpirationDate,
    JsonFlag,
    Limit,
    Lot,
    Package,
    Partner,
    PostingDate,
    QuantityArg,
    QuantityOpt,
    Reference,
    Serials,
    WarrantyDate,
)
from itemtrace.cli.present import show, show_list
from itemtrace.domain.documents import (
    Assign,
    Document,
    DocumentType,
    Line,
    Status,
    StoredDocument,
    TrackingLine,
)
from itemtrace.domain.errors import ItemtraceError, PostingRejected

# The services (storage) and the API's schemas are imported in the commands that use them:
# building the command tree (`itemtrace --help`) must not load SQLAlchemy or pydantic.

group = Typer(help="Documents: create from JSON, post, receive in-transit transfers, cancel, show.")

DocumentRef = Annotated[
    str, typer.Argument(metavar="DOCUMENT", help="The document's id or number (RCPT-000001).")
]
Item = Annotated[str, typer.Argument(metavar="ITEM", help="The item's SKU.")]
ItemOrPackage = Annotated[
    str | None,
    typer.Argument(metavar="[ITEM]", help="The item's SKU; leave it out to move a whole --package."),
]
From = Annotated[str, typer.Option("--from", help="The internal location the stock leaves.")]
To = Annotated[str, typer.Option("--to", help="The internal location the stock enters.")]
PartnerRequired = Annotated[str, typer.Option("--partner", "-p", help="Vendor or customer code.")]


PartLines = Annotated[
    list[str] | None,
    typer.Option("--line", metavar="N=Q", help="Post only quantity Q of draft line N now (repeatable)."),
]
PartSerials = Annotated[
    list[str] | None, typer.Option("--serial", help="With one --line: the serials that part posts.")
]
PartLot = Annotated[str | None, typer.Option("--lot", help="With one --line: the lot that part posts.")]


def register(app: typer.Typer) -> None:
    from itemtrace.cli import corrections  # noqa: F401 - registers `documents reverse` and `return`

    app.add_typer(group, name="documents")
    for name, command in (
        ("receive", receive),
        ("ship", ship),
        ("transfer", transfer),
        ("adjust", adjust),
        ("scrap", scrap),
        ("return-receipt", return_receipt),
        ("return-shipment", return_shipment),
    ):
        app.command(name, rich_help_panel="Posting")(command)


def show_document(cli: Cli, document: StoredDocument) -> None:
    from itemtrace.schemas.documents import DocumentOut

    show(
        cli,
        DocumentOut.from_domain(document),
        title=f"{document.type.value} {document.number} ({document.status.value})",
    )


def document_id(cli: Cli, ref: str) -> int:
    """Documents are named by id (`7`) or number (`RCPT-000007`)."""
    from itemtrace.services import documents

    if ref.isdigit():
        return int(ref)
    return documents.get_by_number(cli.uow(), ref).id


# -- documents … -------------------------------------------------------------------------------


@group.command("create")
def create(
    ctx: typer.Context,
    file: Annotated[
        typer.FileText,
        typer.Argument(metavar="FILE|-", help="The document as JSON (the API's body); - reads stdin."),
    ],
    post: Annotated[bool, typer.Option("--post", help="Post it at once (all lines or none).")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Create a draft document from JSON, and post it with --post."""
    from itemtrace.schemas.documents import DocumentIn
    from itemtrace.services import documents

    cli = Cli.of(ctx)
    draft = DocumentIn.model_validate_json(file.read()).to_domain()
    created = documents.create(cli.uow(), draft, user=cli.user, post=post, today=cli.today(), now=cli.now())
    show_document(cli, created)


@group.command("post")
def post(
    ctx: typer.Context,
    ref: DocumentRef,
    line: PartLines = None,
    serial: PartSerials = None,
    lot: PartLot = None,
    json_output: JsonFlag = False,
) -> None:
    """Post a draft: every line or none; a refusal names the line, number and rule.

    With --line N=Q only that part is posted now, as a new document; the draft keeps the rest.
    """
    from itemtrace.services import documents

    cli = Cli.of(ctx)
    if line:
        from itemtrace.cli.corrections import post_part

        post_part(cli, document_id(cli, ref), line, serial, lot)
        return
    if serial or lot:
        raise typer.BadParameter("--serial and --lot name what a --line N=Q part posts: add --line")
    posted = documents.post(cli.uow(), document_id(cli, ref), user=cli.user, today=cli.today(), now=cli.now())
    show_document(cli, posted)


@group.command("receive")
def receive_transfer(
    ctx: typer.Context,
    ref: DocumentRef,
    file: Annotated[
        typer.FileText | None,
        typer.Argument(
            metavar="FILE|-", help='What arrived, as JSON {"lines": [...]}; default: what was shipped.'
        ),
    ] = None,
    item: Annotated[str | None, typer.Option("--item", help="Receive only this item now (a part).")] = None,
    quantity: QuantityOpt = None,
    serial: Serials = None,
    lot: Lot = None,
    json_output: JsonFlag = False,
) -> None:
    """Receive an in-transit transfer at its destination: all of it, or a part (the rest stays in
    transit) named in FILE or with --item and --serial/--lot/--quantity."""
    from itemtrace.schemas.documents import ReceiveIn
    from itemtrace.services import documents

    cli = Cli.of(ctx)
    received = ReceiveIn.model_validate_json(file.read()).to_domain() if file is not None else None
    if item is not None:
        amount = line_quantity(quantity, serial)
        received = [
            *(received or []),
            *(
                (item, t)
                for t in tracking_lines(amount, serial, lot, None) or (TrackingLine(quantity=amount),)
            ),
        ]
    document = documents.receive(
        cli.uow(), document_id(cli, ref), received, user=cli.user, today=cli.today(), now=cli.now()
    )
    show_document(cli, document)


@group.command("cancel")
def cancel(ctx: typer.Context, ref: DocumentRef, json_output: JsonFlag = False) -> None:
    """Cancel a draft (posted documents never change: post a correcting document)."""
    from itemtrace.services import documents

    cli = Cli.of(ctx)
    cancelled = documents.cancel(cli.uow(), document_id(cli, ref), user=cli.user)
    show_document(cli, cancelled)


@group.command("show")
def show_(ctx: typer.Context, ref: DocumentRef, json_output: JsonFlag = False) -> None:
    """Show a document and its lines (a count draft: what is expected beside what was counted)."""
    from itemtrace.cli.counts import show_count
    from itemtrace.services import counts

    cli = Cli.of(ctx)
    found = counts.read(cli.uow(), document_id(cli, ref))
    if found.expected:
        show_count(cli, found.document, found.expected)
    else:
        show_document(cli, found.document)


@group.command("entries")
def entries_(ctx: typer.Context, ref: DocumentRef, json_output: JsonFlag = False) -> None:
    """The ledger entries a posted document wrote: what moved, with every number taken (a line
    whose lots or serials were picked for it shows them here)."""
    from itemtrace.schemas.documents import EntryOut
    from itemtrace.services import documents

    cli = Cli.of(ctx)
    found = documents.entries(cli.uow(), document_id(cli, ref))
    columns = ["line", "item", "serial", "lot", "package", "quantity", "from_location", "to_location"]
    show_list(cli, [EntryOut.from_domain(e) for e in found], title="entries", columns=columns)


@group.command("list")
def list_(
    ctx: typer.Context,
    type: Annotated[DocumentType | None, typer.Option("--type", help="Only this type.")] = None,
    status: Annotated[Status | None, typer.Option(help="Only this status.")] = None,
    before: Annotated[int | None, typer.Option(help="Only ids below this one (next page).")] = None,
    limit: Limit = 50,
    json_output: JsonFlag = False,
) -> None:
    """List documents, newest first."""
    from itemtrace.schemas.documents import DocumentOut
    from itemtrace.services import documents

    cli = Cli.of(ctx)
    found = documents.list_documents(
        cli.uow(),
        after=before,
        limit=limit,
        type=type.value if type else None,
        status=status.value if status else None,
    )
    show_list(
        cli,
        [DocumentOut.from_domain(d) for d in found],
        title="documents",
        columns=["id", "number", "type", "status", "partner", "reference", "posting_date", "posted_by"],
    )


# -- shortcuts ---------------------------------------------------------------------------------


def receive(
    ctx: typer.Context,
    item: Item,
    quantity: QuantityArg,
    to: To,
    serial: Serials = None,
    lot: Lot = None,
    package: Package = None,
    expiration_date: ExpirationDate = None,
    assign_serials: Annotated[
        bool, typer.Option("--assign-serials", help="New serials from the item's series.")
    ] = False,
    assign_lot: Annotated[
        bool, typer.Option("--assign-lot", help="A new lot from the item's series.")
    ] = False,
    start: Annotated[
        str | None, typer.Option(help="Customised serial run starting here, e.g. S/N-Vend0001.")
    ] = None,
    increment: Annotated[int, typer.Option(min=1, help="Step of the customised run.")] = 1,
    new_lot: Annotated[
        bool, typer.Option("--new-lot", help="Put the assigned serials in one new lot.")
    ] = False,
    partner: Partner = None,
    reference: Reference = None,
    posting_date: PostingDate = None,
    json_output: JsonFlag = False,
) -> None:
    """Receive stock from a vendor into an internal location (a receipt), and post it."""
    cli = Cli.of(ctx)
    assign = None
    if assign_serials or assign_lot or start or new_lot:
        assign = Assign(
            serial=assign_serials, lot=assign_lot, start=start, increment=increment, new_lot=new_lot
        )
    line = Line(
        item,
        quantity,
        to_location=to,
        tracking=tracking_lines(quantity, serial, lot, package, expiration_date=expiration_date),
        assign=assign,
    )
    _post(cli, DocumentType.RECEIPT, line, partner=partner, reference=reference, posting_date=posting_date)


def ship(
    ctx: typer.Context,
    from_: From,
    partner: PartnerRequired,
    item: ItemOrPackage = None,
    serial: Serials = None,
    lot: Lot = None,
    package: Package = None,
    quantity: QuantityOpt = None,
    warranty_date: WarrantyDate = None,
    assign_serials: Annotated[
        bool,
        typer.Option(
            "--assign-serials", help="New serials from the series (numbers given on outbound only)."
        ),
    ] = False,
    assign_lot: Annotated[
        bool, typer.Option("--assign-lot", help="A new lot from the series (numbers given on outbound only).")
    ] = False,
    start: Annotated[
        str | None, typer.Option(help="New serials in a customised run from here (outbound-only numbers).")
    ] = None,
    reference: Reference = None,
    posting_date: PostingDate = None,
    json_output: JsonFlag = False,
) -> None:
    """Ship stock to a customer (a shipment), and post it; without ITEM, a whole --package. For an
    item whose tracking code requires numbers on outbound postings only, --serial/--lot may name
    new numbers (taken from the untracked stock), or --assign-serials, --assign-lot, --start draw
    them."""
    cli = Cli.of(ctx)
    if item is None:
        line = whole_package(package, serial, lot, quantity, from_location=from_)
    else:
        qty = line_quantity(quantity, serial)
        assign = None
        if assign_serials or assign_lot or start:
            assign = Assign(serial=assign_serials, lot=assign_lot, start=start)
        line = Line(
            item,
            qty,
            from_location=from_,
            tracking=tracking_lines(qty, serial, lot, package, warranty_date=warranty_date),
            assign=assign,
        )
    _post(cli, DocumentType.SHIPMENT, line, partner=partner, reference=reference, posting_date=posting_date)


def transfer(
    ctx: typer.Context,
    from_: From,
    to: To,
    item: ItemOrPackage = None,
    serial: Serials = None,
    lot: Lot = None,
    package: Package = None,
    quantity: QuantityOpt = None,
    in_transit: Annotated[
        bool, typer.Option("--in-transit", help="Ship into transit; `documents receive` completes it.")
    ] = False,
    reference: Reference = None,
    posting_date: PostingDate = None,
    json_output: JsonFlag = False,
) -> None:
    """Move stock between internal locations (a transfer), and post it; without ITEM, a whole --package."""
    cli = Cli.of(ctx)
    if item is None:
        line = whole_package(package, serial, lot, quantity, from_location=from_, to_location=to)
    else:
        qty = line_quantity(quantity, serial)
        line = Line(
            item, qty, from_location=from_, to_location=to, tracking=tracking_lines(qty, serial, lot, package)
        )
    _post(
        cli,
        DocumentType.TRANSFER,
        line,
        reference=reference,
        posting_date=posting_date,
        in_transit=in_transit,
    )


def adjust(
    ctx: typer.Context,
    item: Item,
    quantity: QuantityArg,
    to: Annotated[str | None, typer.Option("--to", help="Stock found here (positive adjustment).")] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Stock lost here (negative adjustment).")
    ] = None,
    serial: Serials = None,
    lot: Lot = None,
    package: Package = None,
    expiration_date: ExpirationDate = None,
    reference: Reference = None,
    posting_date: PostingDate = None,
    json_output: JsonFlag = False,
) -> None:
    """Adjust stock up (--to) or down (--from): opening balances, counts; and post it."""
    cli = Cli.of(ctx)
    if (to is None) == (from_ is None):
        raise typer.BadParameter("give either --to (stock found) or --from (stock lost)")
    tracking = tracking_lines(quantity, serial, lot, package, expiration_date=expiration_date)
    line = Line(item, quantity, from_location=from_, to_location=to, tracking=tracking)
    _post(cli, DocumentType.ADJUSTMENT, line, reference=reference, posting_date=posting_date)


def scrap(
    ctx: typer.Context,
    item: Item,
    from_: From,
    serial: Serials = None,
    lot: Lot = None,
    package: Package = None,
    quantity: QuantityOpt = None,
    reference: Reference = None,
    posting_date: PostingDate = None,
    json_output: JsonFlag = False,
) -> None:
    """Scrap stock (expired stock too), and post it."""
    cli = Cli.of(ctx)
    qty = line_quantity(quantity, serial)
    line = Line(item, qty, from_location=from_, tracking=tracking_lines(qty, serial, lot, package))
    _post(cli, DocumentType.SCRAP, line, reference=reference, posting_date=posting_date)


def return_receipt(
    ctx: typer.Context,
    to: To,
    partner: PartnerRequired,
    item: ItemOrPackage = None,
    serial: Serials = None,
    lot: Lot = None,
    package: Package = None,
    quantity: QuantityOpt = None,
    reference: Reference = None,
    posting_date: PostingDate = None,
    json_output: JsonFlag = False,
) -> None:
    """Take back stock a customer returns (a serial only from the customer it was shipped to);
    without ITEM, a whole --package."""
    cli = Cli.of(ctx)
    if item is None:
        line = whole_package(package, serial, lot, quantity, to_location=to)
    else:
        qty = line_quantity(quantity, serial)
        line = Line(item, qty, to_location=to, tracking=tracking_lines(qty, serial, lot, package))
    _post(
        cli,
        DocumentType.RETURN_RECEIPT,
        line,
        partner=partner,
        reference=reference,
        posting_date=posting_date,
    )


def return_shipment(
    ctx: typer.Context,
    item: Item,
    from_: From,
    partner: PartnerRequired,
    serial: Serials = None,
    lot: Lot = None,
    package: Package = None,
    quantity: QuantityOpt = None,
    reference: Reference = None,
    posting_date: PostingDate = None,
    json_output: JsonFlag = False,
) -> None:
    """Send stock back to a vendor, and post it."""
    cli = Cli.of(ctx)
    qty = line_quantity(quantity, serial)
    line = Line(item, qty, from_location=from_, tracking=tracking_lines(qty, serial, lot, package))
    _post(
        cli,
        DocumentType.RETURN_SHIPMENT,
        line,
        partner=partner,
        reference=reference,
        posting_date=posting_date,
    )


def whole_package(
    package: str | None,
    serials: list[str] | None,
    lot: str | None,
    quantity: Decimal | None,
    *,
    from_location: str | None = None,
    to_location: str | None = None,
) -> Line:
    """A line without an item: the whole package, expanded into its contents when posted."""
    if package is None:
        raise typer.BadParameter("give ITEM, or --package to move a whole package")
    if serials or lot or quantity is not None:
        raise typer.BadParameter(
            "a whole --package moves everything in it: leave out --serial, --lot and --quantity"
        )
    return Line(
        "",
        Decimal(0),
        from_location=from_location,
        to_location=to_location,
        tracking=(TrackingLine(package=package, quantity=Decimal(0)),),
    )


def line_quantity(quantity: Decimal | None, serials: list[str] | None) -> Decimal:
    """The line's quantity: as given, else one per serial."""
    if quantity is not None:
        return quantity
    if serials:
        return Decimal(len(serials))
    raise typer.BadParameter("give --quantity, or name the units with --serial")


def tracking_lines(
    quantity: Decimal,
    serials: list[str] | None,
    lot: str | None,
    package: str | None,
    *,
    expiration_date: date | None = None,
    warranty_date: date | None = None,
) -> tuple[TrackingLine, ...]:
    """One tracking line per serial (in the lot/package given), or one for the whole lot/package."""

    def one(serial: str | None, amount: Decimal) -> TrackingLine:
        return TrackingLine(
            serial=serial,
            lot=lot,
            package=package,
            quantity=amount,
            expiration_date=expiration_date,
            warranty_date=warranty_date,
        )

    if serials:
        return tuple(one(s, Decimal(1)) for s in serials)
    if lot or package:
        return (one(None, quantity),)
    return ()


def _post(
    cli: Cli,
    type: DocumentType,
    line: Line,
    *,
    partner: str | None = None,
    reference: str | None = None,
    posting_date: date | None = None,
    in_transit: bool = False,
) -> None:
    from itemtrace.services import documents

    draft = Document(
        type=type,
        lines=(line,),
        partner=partner,
        reference=reference,
        posting_date=posting_date,
        in_transit=in_transit,
    )
    try:
        posted = documents.create(
            cli.uow(), draft, user=cli.user, post=True, today=cli.today(), now=cli.now()
        )
    except ItemtraceError as refused:  # the same refusal, its advice in the options' names
        refused.detail = in_cli_words(refused.detail)
        if isinstance(refused, PostingRejected):
            refused.violations = [replace(v, detail=in_cli_words(v.detail)) for v in refused.violations]
        raise
    show_document(cli, posted)


# The rules speak of the document's fields (a document sent as JSON has them); a shortcut's user
# typed options: the same advice, in the options' names.
CLI_WORDS = (
    (re.compile(r"add tracking lines with serial numbers"), "name them with --serial"),
    (re.compile(r"add tracking lines with lot numbers"), "name it with --lot"),
    (re.compile(r"add tracking lines with package numbers"), "name it with --package"),
    (re.compile(r"remove tracking lines or raise the quantity"), "name fewer units or raise the quantity"),
    (re.compile(r"tracking lines add up to"), "the units named add up to"),
    (re.compile(r"give expiration_date on the tracking line"), "give --expiration-date"),
    (re.compile(r"give warranty_date on the tracking line"), "give --warranty-date"),
    (re.compile(r"\bexpiration_date\b"), "--expiration-date"),
    (re.compile(r"\bwarranty_date\b"), "--warranty-date"),
    (re.compile(r"\bfrom_location\b"), "--from"),
    (re.compile(r"\bto_location\b"), "--to"),
    (re.compile(r"\bposting_date\b"), "--posting-date"),
)


def in_cli_words(detail: str) -> str:
    """`give expiration_date on the tracking line` → `give --expiration-date` (and the like)."""
    for pattern, words in CLI_WORDS:
        detail = pattern.sub(words, detail)
    return detail
