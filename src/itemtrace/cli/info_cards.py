"""Information card commands: serial, lot and package cards, history, search, block, comment."""

# No `from __future__ import annotations` here: the card groups are built by a factory, and
# Typer must see the closure's parameter types as objects, not as strings to resolve.

from collections.abc import Sequence
from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import Children, JsonFlag, Limit
from itemtrace.cli.present import as_json, show, show_list
from itemtrace.domain.cards import Card, ListFilter
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension

# The services (storage) and the API's response models are imported in the commands that use
# them: building the command tree (`itemtrace --help`) must not load SQLAlchemy or pydantic.

HISTORY_COLUMNS = [
    "posting_date",
    "document",
    "type",
    "from",
    "to",
    "partner",
    "user",
    "quantity",
    "serial",
    "lot",
    "reverses",
]

Item = Annotated[str, typer.Argument(metavar="ITEM", help="The item's SKU.")]
PackageNumber = Annotated[str, typer.Argument(metavar="PACKAGE", help="The package number.")]
Text = Annotated[str, typer.Argument(metavar="TEXT", help="The text.")]


def register(app: typer.Typer) -> None:
    app.add_typer(numbered_group(Dimension.SERIAL), name="serial", rich_help_panel="Tracking")
    app.add_typer(numbered_group(Dimension.LOT), name="lot", rich_help_panel="Tracking")
    app.add_typer(package, name="package", rich_help_panel="Tracking")
    app.command("history", rich_help_panel="Tracking")(history)
    app.add_typer(serials, name="serials", rich_help_panel="Tracking")
    app.add_typer(lots, name="lots", rich_help_panel="Tracking")


def show_card(cli: Cli, card: Card) -> None:
    """The card's fields (status, location, holder, dates, blocked…), then its history as a table."""
    from itemtrace.schemas.cards import LotCardOut, PackageCardOut, SerialCardOut

    model: SerialCardOut
    if card.kind == Dimension.SERIAL.value:
        model = SerialCardOut.from_domain(card)
    elif card.kind == Dimension.LOT.value:
        model = LotCardOut.from_domain(card)
    else:
        model = PackageCardOut.from_domain(card)
    if cli.json:
        show(cli, model)
        return
    # For people, the genealogy becomes two tables of its own under the history.
    data = as_json(model)
    genealogy = data.pop("genealogy", {})
    data.update(went_into=genealogy.get("went_into", []), made_from=genealogy.get("made_from", []))
    show(cli, data, title=f"{card.kind} {card.number}", columns={"history": HISTORY_COLUMNS})


def numbered_group(kind: Dimension) -> typer.Typer:
    """`serial …` or `lot …`: the commands on one item's serial or lot card."""
    group = Typer(help=f"One item's {kind.value} card: show, block, unblock, comment.")
    Number = Annotated[str, typer.Argument(metavar=kind.value.upper(), help=f"The {kind.value} number.")]

    @group.command("show")
    def show_(ctx: typer.Context, item: Item, number: Number, json_output: JsonFlag = False) -> None:
        """Show status, location, holder, dates, blocked, comments and history."""
        from itemtrace.services import info_cards

        cli = Cli.of(ctx)
        card = info_cards.card(cli.uow(), kind, item, number, today=cli.today())
        show_card(cli, card)

    @group.command("block")
    def block(ctx: typer.Context, item: Item, number: Number, json_output: JsonFlag = False) -> None:
        """Block it: it cannot be shipped, moved or consumed until unblocked."""
        from itemtrace.services import info_cards

        cli = Cli.of(ctx)
        card = info_cards.update(cli.uow(), kind, item, number, blocked=True, today=cli.today())
        show_card(cli, card)

    @group.command("unblock")
    def unblock(ctx: typer.Context, item: Item, number: Number, json_output: JsonFlag = False) -> None:
        """Unblock it."""
        from itemtrace.services import info_cards

        cli = Cli.of(ctx)
        card = info_cards.update(cli.uow(), kind, item, number, blocked=False, today=cli.today())
        show_card(cli, card)

    @group.command("describe")
    def describe(
        ctx: typer.Context, item: Item, number: Number, text: Text, json_output: JsonFlag = False
    ) -> None:
        """Set the card's description."""
        from itemtrace.services import info_cards

        cli = Cli.of(ctx)
        card = info_cards.update(cli.uow(), kind, item, number, description=text, today=cli.today())
        show_card(cli, card)

    @group.command("comment")
    def comment(
        ctx: typer.Context, item: Item, number: Number, text: Text, json_output: JsonFlag = False
    ) -> None:
        """Add a comment (kept with your user name and the time)."""
        from itemtrace.services import info_cards

        cli = Cli.of(ctx)
        card = info_cards.comment(
            cli.uow(), kind, item, number, text, user=cli.user, now=cli.now(), today=cli.today()
        )
        show_card(cli, card)

    return group


package = Typer(help="A package's card: show, block, unblock, comment.")


@package.command("show")
def show_package(ctx: typer.Context, number: PackageNumber, json_output: JsonFlag = False) -> None:
    """Show what the package holds, where, and its history."""
    from itemtrace.services import info_cards

    cli = Cli.of(ctx)
    card = info_cards.card(cli.uow(), Dimension.PACKAGE, None, number, today=cli.today())
    show_card(cli, card)


@package.command("block")
def block_package(ctx: typer.Context, number: PackageNumber, json_output: JsonFlag = False) -> None:
    """Block the package."""
    from itemtrace.services import info_cards

    cli = Cli.of(ctx)
    card = info_cards.update(cli.uow(), Dimension.PACKAGE, None, number, blocked=True, today=cli.today())
    show_card(cli, card)


@package.command("unblock")
def unblock_package(ctx: typer.Context, number: PackageNumber, json_output: JsonFlag = False) -> None:
    """Unblock the package."""
    from itemtrace.services import info_cards

    cli = Cli.of(ctx)
    card = info_cards.update(cli.uow(), Dimension.PACKAGE, None, number, blocked=False, today=cli.today())
    show_card(cli, card)


@package.command("comment")
def comment_package(
    ctx: typer.Context, number: PackageNumber, text: Text, json_output: JsonFlag = False
) -> None:
    """Add a comment to the package's card."""
    from itemtrace.services import info_cards

    cli = Cli.of(ctx)
    card = info_cards.comment(
        cli.uow(), Dimension.PACKAGE, None, number, text, user=cli.user, now=cli.now(), today=cli.today()
    )
    show_card(cli, card)


def history(
    ctx: typer.Context,
    item: Item,
    serial: Annotated[str | None, typer.Option("--serial", "-s", help="The serial number.")] = None,
    lot: Annotated[str | None, typer.Option("--lot", "-l", help="The lot number.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Every movement of a serial or lot, oldest first: date, document, from, to, partner, user."""
    from itemtrace.schemas.cards import HistoryOut
    from itemtrace.services import info_cards

    cli = Cli.of(ctx)
    if (serial is None) == (lot is None):
        raise typer.BadParameter("give either --serial or --lot")
    kind, number = (Dimension.SERIAL, serial) if serial is not None else (Dimension.LOT, lot or "")
    card = info_cards.card(cli.uow(), kind, item, number, today=cli.today())
    show_list(
        cli,
        [HistoryOut.from_domain(h) for h in card.history],
        title=f"history of {kind.value} {number}",
        columns=HISTORY_COLUMNS,
    )


# -- search ------------------------------------------------------------------------------------

serials = Typer(help="Search serial numbers.")
lots = Typer(help="Search lots.")

ItemFilter = Annotated[str | None, typer.Option("--item", help="Only this item.")]
LocationFilter = Annotated[str | None, typer.Option("--location", help="Only at this location.")]
StatusFilter = Annotated[TrackingStatus | None, typer.Option("--status", help="Only this status.")]
LotFilter = Annotated[str | None, typer.Option("--lot", help="Only this lot.")]
Query = Annotated[str | None, typer.Option("--q", help="Numbers containing this text.")]
LIST_COLUMNS: Sequence[str] = [
    "item",
    "serial",
    "lot",
    "package",
    "status",
    "location",
    "holder",
    "quantity",
    "expiration_date",
    "blocked",
]


@serials.command("list")
def list_serials(
    ctx: typer.Context,
    item: ItemFilter = None,
    location: LocationFilter = None,
    status: StatusFilter = None,
    lot: LotFilter = None,
    q: Query = None,
    limit: Limit = 50,
    children: Children = True,
    json_output: JsonFlag = False,
) -> None:
    """List serial numbers with their status, location and holder."""
    from itemtrace.schemas.cards import SerialRowOut
    from itemtrace.services import info_cards

    cli = Cli.of(ctx)
    found = info_cards.list_serials(
        cli.uow(),
        ListFilter(
            item=item,
            location=location,
            status=status,
            lot=lot,
            q=q,
            limit=limit,
            include_children=children,
        ),
        today=cli.today(),
    )
    show_list(cli, [SerialRowOut.from_domain(r) for r in found], title="serials", columns=LIST_COLUMNS)


@lots.command("list")
def list_lots(
    ctx: typer.Context,
    item: ItemFilter = None,
    location: LocationFilter = None,
    status: StatusFilter = None,
    lot: LotFilter = None,
    q: Query = None,
    limit: Limit = 50,
    children: Children = True,
    json_output: JsonFlag = False,
) -> None:
    """List lots with their quantities, location and expiration date."""
    from itemtrace.schemas.cards import LotRowOut
    from itemtrace.services import info_cards

    cli = Cli.of(ctx)
    found = info_cards.list_lots(
        cli.uow(),
        ListFilter(
            item=item,
            location=location,
            status=status,
            lot=lot,
            q=q,
            limit=limit,
            include_children=children,
        ),
        today=cli.today(),
    )
    show_list(cli, [LotRowOut.from_domain(r) for r in found], title="lots", columns=LIST_COLUMNS)
