"""Master data commands: tracking codes, items, locations, partners, number series.

Input goes through the API's request schemas, so the CLI and the API accept exactly the same
values; output uses the API's response models, so `--json` has the API's shape.
"""

from __future__ import annotations

from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import JsonFlag, Limit
from itemtrace.cli.present import print_json, show, show_list
from itemtrace.domain.masterdata import LocationKind, PartnerKind
from itemtrace.domain.tracking import SerialUnique

# The service (storage) and the API's schemas are imported in the commands that use them:
# building the command tree (`itemtrace --help`) must not load SQLAlchemy or pydantic.

tracking_codes = Typer(help="Tracking codes: when serial, lot and package numbers are required.")
items = Typer(help="Items (stock-keeping units) and how they are tracked.")
locations = Typer(help="Locations: warehouses and bins (internal) and the virtual ones.")
partners = Typer(help="Vendors and customers named on documents.")
number_series = Typer(help="Number series for serials, lots and documents.")


def register(app: typer.Typer) -> None:
    for group, name in (
        (tracking_codes, "tracking-codes"),
        (items, "items"),
        (locations, "locations"),
        (partners, "partners"),
        (number_series, "number-series"),
    ):
        app.add_typer(group, name=name)


# -- tracking codes -----------------------------------------------------------------------------


@tracking_codes.command("create")
def create_tracking_code(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The code, e.g. SN or LOT.")],
    description: Annotated[str, typer.Option(help="What the code is for.")] = "",
    serial_specific: Annotated[
        bool,
        typer.Option(
            "--serial-specific", help="A serial follows the unit for life (outbound must name one in stock)."
        ),
    ] = False,
    serial_inbound: Annotated[
        bool, typer.Option("--serial-inbound", help="Serial required on inbound postings.")
    ] = False,
    serial_outbound: Annotated[
        bool, typer.Option("--serial-outbound", help="Serial required on outbound postings.")
    ] = False,
    lot_specific: Annotated[
        bool, typer.Option("--lot-specific", help="A lot follows the stock for life.")
    ] = False,
    lot_inbound: Annotated[
        bool, typer.Option("--lot-inbound", help="Lot required on inbound postings.")
    ] = False,
    lot_outbound: Annotated[
        bool, typer.Option("--lot-outbound", help="Lot required on outbound postings.")
    ] = False,
    package_specific: Annotated[
        bool, typer.Option("--package-specific", help="A package follows the stock.")
    ] = False,
    package_inbound: Annotated[
        bool, typer.Option("--package-inbound", help="Package required inbound.")
    ] = False,
    package_outbound: Annotated[
        bool, typer.Option("--package-outbound", help="Package required outbound.")
    ] = False,
    serial_unique: Annotated[
        SerialUnique, typer.Option(help="Serials are unique per item, or across all items.")
    ] = SerialUnique.ITEM,
    use_expiration_dates: Annotated[
        bool, typer.Option("--use-expiration-dates", help="Track expiration dates.")
    ] = False,
    require_expiration_date: Annotated[
        bool, typer.Option("--require-expiration-date", help="Inbound postings need an expiration date.")
    ] = False,
    strict_expiration: Annotated[
        bool,
        typer.Option("--strict-expiration", help="Expired stock cannot be shipped, consumed or transferred."),
    ] = False,
    warranty_formula: Annotated[
        str | None, typer.Option(help="Warranty from the shipment date, e.g. 2Y or 1Y+6M.")
    ] = None,
    require_warranty_date: Annotated[
        bool, typer.Option("--require-warranty-date", help="Shipments need a warranty date.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Create a tracking code (Business Central's Item Tracking Code)."""
    from itemtrace.schemas.masterdata import DimensionPolicyIO, TrackingCodeIn, TrackingCodeOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    policy = TrackingCodeIn(
        code=code,
        description=description,
        serial=DimensionPolicyIO(specific=serial_specific, inbound=serial_inbound, outbound=serial_outbound),
        lot=DimensionPolicyIO(specific=lot_specific, inbound=lot_inbound, outbound=lot_outbound),
        package=DimensionPolicyIO(
            specific=package_specific, inbound=package_inbound, outbound=package_outbound
        ),
        serial_unique=serial_unique,
        use_expiration_dates=use_expiration_dates,
        require_expiration_date=require_expiration_date,
        strict_expiration=strict_expiration,
        warranty_formula=warranty_formula,
        require_warranty_date=require_warranty_date,
    ).to_domain()
    created = masterdata.create_tracking_code(cli.uow(), policy)
    show(cli, TrackingCodeOut.from_domain(created), title=f"tracking code {created.code}")


@tracking_codes.command("show")
def show_tracking_code(
    ctx: typer.Context, code: Annotated[str, typer.Argument(metavar="CODE")], json_output: JsonFlag = False
) -> None:
    """Show a tracking code."""
    from itemtrace.schemas.masterdata import TrackingCodeOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    found = masterdata.get_tracking_code(cli.uow(), code)
    show(cli, TrackingCodeOut.from_domain(found), title=f"tracking code {found.code}")


@tracking_codes.command("list")
def list_tracking_codes(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """List the tracking codes."""
    from itemtrace.schemas.masterdata import TrackingCodeOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    found = masterdata.list_tracking_codes(cli.uow())
    show_list(cli, [TrackingCodeOut.from_domain(c) for c in found], title="tracking codes")


# -- items -------------------------------------------------------------------------------------


@items.command("create")
def create_item(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(metavar="SKU", help="The item's code (SKU).")],
    name: Annotated[str, typer.Option(help="The item's name.")],
    unit: Annotated[str, typer.Option(help="Unit of measure: pcs, kg…")] = "pcs",
    gtin: Annotated[str | None, typer.Option(help="GTIN (8, 12, 13 or 14 digits).")] = None,
    tracking_code: Annotated[str | None, typer.Option(help="Tracking code; none: untracked.")] = None,
    serial_series: Annotated[str | None, typer.Option(help="Number series for new serials.")] = None,
    lot_series: Annotated[str | None, typer.Option(help="Number series for new lots.")] = None,
    package_series: Annotated[str | None, typer.Option(help="Number series for new packages.")] = None,
    shelf_life: Annotated[
        str | None, typer.Option(help="Expiration = receipt date + this, e.g. 18M.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Create an item."""
    from itemtrace.schemas.masterdata import ItemIn, ItemOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    item = ItemIn(
        sku=sku,
        name=name,
        unit=unit,
        gtin=gtin,
        tracking_code=tracking_code,
        serial_series=serial_series,
        lot_series=lot_series,
        shelf_life=shelf_life,
        package_series=package_series,
    ).to_domain()
    created = masterdata.create_item(cli.uow(), item)
    show(cli, ItemOut.from_domain(created), title=f"item {created.item.sku}")


@items.command("show")
def show_item(
    ctx: typer.Context, sku: Annotated[str, typer.Argument(metavar="SKU")], json_output: JsonFlag = False
) -> None:
    """Show an item."""
    from itemtrace.schemas.masterdata import ItemOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    found = masterdata.get_item(cli.uow(), sku)
    show(cli, ItemOut.from_domain(found), title=f"item {found.item.sku}")


@items.command("list")
def list_items(
    ctx: typer.Context,
    after: Annotated[str | None, typer.Option(help="Start after this SKU.")] = None,
    limit: Limit = 100,
    json_output: JsonFlag = False,
) -> None:
    """List items by SKU."""
    from itemtrace.schemas.masterdata import ItemOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    found = masterdata.list_items(cli.uow(), after=after, limit=limit)
    show_list(cli, [ItemOut.from_domain(p) for p in found], title="items")


# -- locations ---------------------------------------------------------------------------------


@locations.command("create")
def create_location(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The location's code, e.g. WH1 or WH1-A.")],
    name: Annotated[str, typer.Option(help="The location's name.")],
    kind: Annotated[
        LocationKind, typer.Option(help="internal for warehouses and bins.")
    ] = LocationKind.INTERNAL,
    parent: Annotated[str | None, typer.Option(help="The warehouse a bin belongs to.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Create a location."""
    from itemtrace.schemas.masterdata import LocationIn, LocationOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    location = LocationIn(code=code, name=name, kind=kind, parent=parent).to_domain()
    created = masterdata.create_location(cli.uow(), location)
    show(cli, LocationOut.from_domain(created), title=f"location {created.code}")


@locations.command("list")
def list_locations(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """List the locations, virtual ones included."""
    from itemtrace.schemas.masterdata import LocationOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    found = masterdata.list_locations(cli.uow())
    show_list(cli, [LocationOut.from_domain(loc) for loc in found], title="locations")


# -- partners ----------------------------------------------------------------------------------


@partners.command("create")
def create_partner(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The partner's code.")],
    name: Annotated[str, typer.Option(help="The partner's name.")],
    kind: Annotated[PartnerKind, typer.Option(help="vendor or customer.")],
    json_output: JsonFlag = False,
) -> None:
    """Create a vendor or customer."""
    from itemtrace.schemas.masterdata import PartnerIn, PartnerOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    partner = PartnerIn(code=code, name=name, kind=kind).to_domain()
    created = masterdata.create_partner(cli.uow(), partner)
    show(cli, PartnerOut.from_domain(created), title=f"partner {created.code}")


@partners.command("list")
def list_partners(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """List vendors and customers."""
    from itemtrace.schemas.masterdata import PartnerOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    found = masterdata.list_partners(cli.uow())
    show_list(cli, [PartnerOut.from_domain(p) for p in found], title="partners")


# -- number series -----------------------------------------------------------------------------


@number_series.command("create")
def create_series(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The series' code.")],
    pattern: Annotated[
        str,
        typer.Option(
            help="e.g. SN-{YY}-{seq:5}; tokens {seq:N} {YYYY} {YY} {MM} {DD} {item} {location}; {sscc} alone for GS1 SSCC package numbers."
        ),
    ],
    start: Annotated[int, typer.Option(help="The first counter value.")] = 1,
    increment: Annotated[int, typer.Option(help="Step between counter values.")] = 1,
    json_output: JsonFlag = False,
) -> None:
    """Create a number series."""
    from itemtrace.schemas.masterdata import NumberSeriesIn, NumberSeriesOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    series = NumberSeriesIn(code=code, pattern=pattern, start=start, increment=increment).to_domain()
    created = masterdata.create_series(cli.uow(), series)
    show(cli, NumberSeriesOut.from_domain(created), title=f"number series {created.code}")


@number_series.command("list")
def list_series(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """List the number series."""
    from itemtrace.schemas.masterdata import NumberSeriesOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    found = masterdata.list_series(cli.uow())
    show_list(cli, [NumberSeriesOut.from_domain(s) for s in found], title="number series")


@number_series.command("next")
def next_numbers(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The series' code.")],
    count: Annotated[int, typer.Option(min=1, max=100_000, help="How many numbers.")] = 1,
    item: Annotated[str, typer.Option(help="Value of the {item} token.")] = "",
    location: Annotated[str, typer.Option(help="Value of the {location} token.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Hand out the next numbers of a series (each number is handed out once, ever); one per line."""
    from itemtrace.schemas.masterdata import NumbersOut
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    numbers = masterdata.next_numbers(cli.uow(), code, count, today=cli.today(), item=item, location=location)
    if cli.json:
        print_json(NumbersOut(numbers=numbers).model_dump(mode="json"))
        return
    for number in numbers:
        print(number)


# -- changes (`set`) ---------------------------------------------------------------------------
# Each `set` sends only the options given, as the API's PATCH does; an empty value ("") clears an
# optional field (gtin, a series, shelf life, tracking code, warranty formula).


def _given(**options: object) -> dict[str, object]:
    """The options the user gave (None: left out); '' clears an optional field (null)."""
    return {name: (None if value == "" else value) for name, value in options.items() if value is not None}


@tracking_codes.command("set")
def set_tracking_code(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE")],
    description: Annotated[str | None, typer.Option(help="What the code is for.")] = None,
    serial_specific: Annotated[bool | None, typer.Option("--serial-specific/--no-serial-specific")] = None,
    serial_inbound: Annotated[bool | None, typer.Option("--serial-inbound/--no-serial-inbound")] = None,
    serial_outbound: Annotated[bool | None, typer.Option("--serial-outbound/--no-serial-outbound")] = None,
    lot_specific: Annotated[bool | None, typer.Option("--lot-specific/--no-lot-specific")] = None,
    lot_inbound: Annotated[bool | None, typer.Option("--lot-inbound/--no-lot-inbound")] = None,
    lot_outbound: Annotated[bool | None, typer.Option("--lot-outbound/--no-lot-outbound")] = None,
    package_specific: Annotated[bool | None, typer.Option("--package-specific/--no-package-specific")] = None,
    package_inbound: Annotated[bool | None, typer.Option("--package-inbound/--no-package-inbound")] = None,
    package_outbound: Annotated[bool | None, typer.Option("--package-outbound/--no-package-outbound")] = None,
    serial_unique: Annotated[SerialUnique | None, typer.Option(help="item or global.")] = None,
    use_expiration_dates: Annotated[
        bool | None, typer.Option("--use-expiration-dates/--no-use-expiration-dates")
    ] = None,
    require_expiration_date: Annotated[
        bool | None, typer.Option("--require-expiration-date/--no-require-expiration-date")
    ] = None,
    strict_expiration: Annotated[
        bool | None, typer.Option("--strict-expiration/--no-strict-expiration")
    ] = None,
    warranty_formula: Annotated[
        str | None, typer.Option(help="Warranty from the shipment date, e.g. 2Y; '' removes it.")
    ] = None,
    require_warranty_date: Annotated[
        bool | None, typer.Option("--require-warranty-date/--no-require-warranty-date")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Change a tracking code: only the options given change.

    The serial/lot/package policy and --serial-unique are fixed once an item using the code has
    ledger entries (item_has_entries): create a new tracking code instead.
    """
    from itemtrace.schemas.masterdata import DimensionPolicyIO, TrackingCodeOut, TrackingCodePatch
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    body = _given(
        description=description,
        serial_unique=serial_unique,
        use_expiration_dates=use_expiration_dates,
        require_expiration_date=require_expiration_date,
        strict_expiration=strict_expiration,
        warranty_formula=warranty_formula,
        require_warranty_date=require_warranty_date,
    )
    flags = {
        "serial": (serial_specific, serial_inbound, serial_outbound),
        "lot": (lot_specific, lot_inbound, lot_outbound),
        "package": (package_specific, package_inbound, package_outbound),
    }
    if any(v is not None for values in flags.values() for v in values):
        # A flag changes one field of a dimension's policy: the others stay as they are.
        current = TrackingCodeOut.from_domain(masterdata.get_tracking_code(cli.uow(), code))
        for dim, (specific, inbound, outbound) in flags.items():
            if specific is None and inbound is None and outbound is None:
                continue
            was: DimensionPolicyIO = getattr(current, dim)
            body[dim] = {
                "specific": was.specific if specific is None else specific,
                "inbound": was.inbound if inbound is None else inbound,
                "outbound": was.outbound if outbound is None else outbound,
            }
    patch = TrackingCodePatch.model_validate(body)
    updated = masterdata.update_tracking_code(cli.uow(), code, patch.changes())
    show(cli, TrackingCodeOut.from_domain(updated), title=f"tracking code {updated.code}")


@items.command("set")
def set_item(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(metavar="SKU")],
    name: Annotated[str | None, typer.Option(help="The item's name.")] = None,
    unit: Annotated[
        str | None, typer.Option(help="Unit of measure (only while the item has no entries).")
    ] = None,
    gtin: Annotated[str | None, typer.Option(help="GTIN; '' removes it.")] = None,
    tracking_code: Annotated[
        str | None, typer.Option(help="Tracking code (only while the item has no entries); '' for none.")
    ] = None,
    serial_series: Annotated[
        str | None, typer.Option(help="Number series for new serials; '' for none.")
    ] = None,
    lot_series: Annotated[str | None, typer.Option(help="Number series for new lots; '' for none.")] = None,
    package_series: Annotated[
        str | None, typer.Option(help="Number series for new packages; '' for none.")
    ] = None,
    shelf_life: Annotated[str | None, typer.Option(help="e.g. 18M; '' removes it.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Change an item: only the options given change.

    Its tracking code is fixed once it has ledger entries (item_has_entries): create a new item.
    """
    from itemtrace.schemas.masterdata import ItemOut, ItemPatch
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    patch = ItemPatch.model_validate(
        _given(
            name=name,
            unit=unit,
            gtin=gtin,
            tracking_code=tracking_code,
            serial_series=serial_series,
            lot_series=lot_series,
            package_series=package_series,
            shelf_life=shelf_life,
        )
    )
    updated = masterdata.update_item(cli.uow(), sku, patch.changes())
    show(cli, ItemOut.from_domain(updated), title=f"item {updated.item.sku}")


@locations.command("set")
def set_location(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE")],
    name: Annotated[str | None, typer.Option(help="The location's name.")] = None,
    closed: Annotated[
        bool | None,
        typer.Option(
            "--closed/--open", help="Close it (no new postings; history and stock stay) or open it."
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Rename a location, or close it and open it again."""
    from itemtrace.schemas.masterdata import LocationOut, LocationPatch
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    patch = LocationPatch.model_validate(_given(name=name, closed=closed))
    updated = masterdata.update_location(cli.uow(), code, patch.changes())
    show(cli, LocationOut.from_domain(updated), title=f"location {updated.code}")


@locations.command("delete")
def delete_location(
    ctx: typer.Context, code: Annotated[str, typer.Argument(metavar="CODE")], json_output: JsonFlag = False
) -> None:
    """Delete a location that was never used (no entries, documents or child locations); close a
    used one instead (locations set CODE --closed)."""
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    masterdata.delete_location(cli.uow(), code)
    if cli.json:
        print_json({"deleted": code})
    else:
        print(f"location {code} deleted")


@partners.command("set")
def set_partner(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE")],
    name: Annotated[str | None, typer.Option(help="The partner's name.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Rename a vendor or customer."""
    from itemtrace.schemas.masterdata import PartnerOut, PartnerPatch
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    patch = PartnerPatch.model_validate(_given(name=name))
    updated = masterdata.update_partner(cli.uow(), code, patch.changes())
    show(cli, PartnerOut.from_domain(updated), title=f"partner {updated.code}")


@number_series.command("set")
def set_series(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE")],
    pattern: Annotated[str | None, typer.Option(help="The new pattern, e.g. SN-{YY}-{seq:6}.")] = None,
    start: Annotated[
        int | None, typer.Option(help="The first counter value (moves the counter forward only).")
    ] = None,
    increment: Annotated[int | None, typer.Option(help="Step between counter values.")] = None,
    next_value: Annotated[
        int | None, typer.Option(help="Move the counter forward to this value (never back).")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Change a number series; its counter never goes back, so no number is handed out twice."""
    from itemtrace.schemas.masterdata import NumberSeriesOut, NumberSeriesPatch
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    patch = NumberSeriesPatch.model_validate(
        _given(pattern=pattern, start=start, increment=increment, next_value=next_value)
    )
    updated = masterdata.update_series(cli.uow(), code, patch.changes(), next_value=patch.next_value)
    show(cli, NumberSeriesOut.from_domain(updated), title=f"number series {updated.code}")
