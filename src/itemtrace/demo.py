"""Demo data created through the services, like a user would: master data, then movements.

Dates are relative to `today` so the demo always looks current: receipts two months ago, a
shipment a month ago, a lot that expires in three weeks, a return last week.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from itemtrace.domain.documents import Assign, Document, DocumentType, Line, StoredDocument, TrackingLine
from itemtrace.domain.masterdata import Item, Location, NumberSeries, Partner, PartnerKind
from itemtrace.domain.tracking import Dimension, DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM, User
from itemtrace.services import documents, info_cards, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork

ProgressCallback = Callable[[str, int, int], None]  # (what is being done, steps done, steps in all)

SPECIFIC = DimensionPolicy(specific=True)

TRACKING_CODES = [
    TrackingCode("SN", "Serial specific, 2-year warranty", serial=SPECIFIC, warranty_formula="2Y"),
    TrackingCode(
        "LOT",
        "Lot specific with strict expiration dates",
        lot=SPECIFIC,
        use_expiration_dates=True,
        strict_expiration=True,
    ),
    TrackingCode(
        "SNLOT",
        "Serial and lot specific, 1-year warranty",
        serial=SPECIFIC,
        lot=SPECIFIC,
        warranty_formula="1Y",
    ),
    TrackingCode("PKG", "Package number on receipt", package=DimensionPolicy(inbound=True)),
]
SERIES = [
    NumberSeries("SN", "SN-{YY}-{seq:5}"),
    NumberSeries("LOT", "L{YYYY}{MM}-{seq:3}"),
]
ITEMS = [
    Item("DRILL-X", "Cordless drill X18", gtin="4006381333931", tracking_code="SN", serial_series="SN"),
    Item("GLUE-500", "Construction adhesive 500 ml", tracking_code="LOT", lot_series="LOT", shelf_life="18M"),
    Item("MODULE-7", "Control module 7", tracking_code="SNLOT", serial_series="SN", lot_series="LOT"),
    Item("CABLE-25", "Cable drum 25 m", unit="m", tracking_code="PKG"),
    Item("SCREW-M6", "Screw M6x40"),
]
LOCATIONS = [
    Location("WH1", "Main warehouse"),
    Location("WH2", "Second warehouse"),
    Location("WH1-A", "Main warehouse, aisle A", parent="WH1"),
]
PARTNERS = [
    Partner("ACME-SUPPLY", "Acme Supply Co.", PartnerKind.VENDOR),
    Partner("CUST-01", "Northwind Builders", PartnerKind.CUSTOMER),
    Partner("CUST-02", "Contoso Renovations", PartnerKind.CUSTOMER),
]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    items: int
    documents: int


@dataclass
class _Run:
    """The state the movements share: who posts, when, and what earlier steps produced."""

    uow: UnitOfWork
    today: date
    now: datetime
    user: User = SYSTEM
    posted: int = 0
    numbers: dict[str, list[str]] = field(default_factory=dict)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def post(self, document: Document, *, days_ago: int) -> StoredDocument:
        dated = Document(
            type=document.type,
            lines=document.lines,
            partner=document.partner,
            reference=document.reference,
            posting_date=self.day(-days_ago),
            in_transit=document.in_transit,
        )
        posted = documents.create(
            self.uow, dated, user=self.user, post=True, today=self.day(-days_ago), now=self.now
        )
        self.posted += 1
        return posted


def load_demo(
    uow: UnitOfWork,
    *,
    today: date,
    now: datetime,
    if_empty: bool = False,
    progress: ProgressCallback | None = None,
) -> DemoSummary | None:
    """Create the demo's master data and post its documents; None when `if_empty` and items exist."""
    if if_empty and masterdata.list_items(uow, limit=1):
        return None
    run = _Run(uow, today, now)
    steps: list[tuple[str, Callable[[_Run], None]]] = [
        ("tracking codes and number series", _setup_policies),
        ("items, locations, partners", _setup_masterdata),
        ("receipts", _receipts),
        ("shipments", _shipments),
        ("transfer in transit", _transfer),
        ("adjustment and scrap", _adjust_and_scrap),
        ("customer return", _return),
    ]
    for done, (label, step) in enumerate(steps):
        if progress is not None:
            progress(label, done, len(steps))
        step(run)
    if progress is not None:
        progress("done", len(steps), len(steps))
    return DemoSummary(items=len(ITEMS), documents=run.posted)


def _setup_policies(run: _Run) -> None:
    for code in TRACKING_CODES:
        masterdata.create_tracking_code(run.uow, code)
    for series in SERIES:
        masterdata.create_series(run.uow, series)


def _setup_masterdata(run: _Run) -> None:
    for item in ITEMS:
        masterdata.create_item(run.uow, item)
    for location in LOCATIONS:
        masterdata.create_location(run.uow, location)
    for partner in PARTNERS:
        masterdata.create_partner(run.uow, partner)


def _serials(document: Document) -> list[str]:
    return [t.serial for line in document.lines for t in line.tracking if t.serial]


def _lots(document: Document) -> list[str]:
    return list(dict.fromkeys(t.lot for line in document.lines for t in line.tracking if t.lot))


def _receipts(run: _Run) -> None:
    def receipt(*lines: Line, days_ago: int, reference: str) -> StoredDocument:
        return run.post(
            Document(DocumentType.RECEIPT, lines, partner="ACME-SUPPLY", reference=reference),
            days_ago=days_ago,
        )

    drills = receipt(
        Line("DRILL-X", Decimal(5), to_location="WH1", assign=Assign(serial=True)),
        days_ago=60,
        reference="PO-1001",
    )
    # Business Central's "Create Customized SN": the vendor's own numbers, S/N-Vend0001 onwards.
    vendor_drills = receipt(
        Line("DRILL-X", Decimal(3), to_location="WH1", assign=Assign(start="S/N-Vend0001")),
        days_ago=55,
        reference="PO-1002",
    )
    glue = receipt(
        Line("GLUE-500", Decimal(100), to_location="WH1", assign=Assign(lot=True)),
        days_ago=50,
        reference="PO-1003",
    )
    # A lot close to its expiration date, for the expiry report and FEFO picking.
    receipt(
        Line(
            "GLUE-500",
            Decimal(40),
            to_location="WH1-A",
            tracking=(TrackingLine(lot="L-EARLY-01", quantity=Decimal(40), expiration_date=run.day(21)),),
        ),
        days_ago=45,
        reference="PO-1004",
    )
    modules = receipt(
        Line("MODULE-7", Decimal(4), to_location="WH1", assign=Assign(serial=True, new_lot=True)),
        Line(
            "CABLE-25",
            Decimal(50),
            to_location="WH2",
            tracking=(
                TrackingLine(package="PKG-0001", quantity=Decimal(25)),
                TrackingLine(package="PKG-0002", quantity=Decimal(25)),
            ),
        ),
        Line("SCREW-M6", Decimal(500), to_location="WH1-A"),
        days_ago=40,
        reference="PO-1005",
    )
    run.numbers["drills"] = _serials(drills)
    run.numbers["vendor_drills"] = _serials(vendor_drills)
    run.numbers["glue_lots"] = _lots(glue)
    run.numbers["modules"] = _serials(modules)
    run.numbers["module_lot"] = _lots(modules)[:1]


def _shipments(run: _Run) -> None:
    drills, [glue_lot] = run.numbers["drills"], run.numbers["glue_lots"]
    shipped = (TrackingLine(serial=drills[0]), TrackingLine(serial=drills[1]))
    run.post(
        Document(
            DocumentType.SHIPMENT,
            (
                Line("DRILL-X", Decimal(2), from_location="WH1", tracking=shipped),
                Line(
                    "GLUE-500",
                    Decimal(12),
                    from_location="WH1",
                    tracking=(TrackingLine(lot=glue_lot, quantity=Decimal(12)),),
                ),
            ),
            partner="CUST-01",
            reference="SO-2001",
        ),
        days_ago=30,
    )
    run.post(
        Document(
            DocumentType.SHIPMENT,
            (
                Line(
                    "MODULE-7",
                    Decimal(1),
                    from_location="WH1",
                    tracking=(
                        TrackingLine(serial=run.numbers["modules"][0], lot=run.numbers["module_lot"][0]),
                    ),
                ),
            ),
            partner="CUST-02",
            reference="SO-2002",
        ),
        days_ago=25,
    )


def _transfer(run: _Run) -> None:
    [glue_lot] = run.numbers["glue_lots"]
    transfer = run.post(
        Document(
            DocumentType.TRANSFER,
            (
                Line(
                    "DRILL-X",
                    Decimal(1),
                    from_location="WH1",
                    to_location="WH2",
                    tracking=(TrackingLine(serial=run.numbers["vendor_drills"][0]),),
                ),
                Line(
                    "GLUE-500",
                    Decimal(20),
                    from_location="WH1",
                    to_location="WH2",
                    tracking=(TrackingLine(lot=glue_lot, quantity=Decimal(20)),),
                ),
            ),
            reference="TR-3001",
            in_transit=True,
        ),
        days_ago=20,
    )
    documents.receive(run.uow, transfer.id, user=run.user, today=run.day(-18), now=run.now)


def _adjust_and_scrap(run: _Run) -> None:
    run.post(
        Document(
            DocumentType.ADJUSTMENT,
            (Line("SCREW-M6", Decimal(6), from_location="WH1-A"),),
            reference="Cycle count aisle A",
        ),
        days_ago=15,
    )
    run.post(
        Document(
            DocumentType.SCRAP,
            (
                Line(
                    "DRILL-X",
                    Decimal(1),
                    from_location="WH1",
                    tracking=(TrackingLine(serial=run.numbers["drills"][4]),),
                ),
            ),
            reference="Damaged in handling",
        ),
        days_ago=10,
    )


def _return(run: _Run) -> None:
    returned = run.numbers["drills"][1]
    run.post(
        Document(
            DocumentType.RETURN_RECEIPT,
            (Line("DRILL-X", Decimal(1), to_location="WH1", tracking=(TrackingLine(serial=returned),)),),
            partner="CUST-01",
            reference="RMA-4001",
        ),
        days_ago=5,
    )
    info_cards.comment(
        run.uow,
        Dimension.SERIAL,
        "DRILL-X",
        returned,
        "Returned by Northwind Builders: battery contact loose, to be inspected",
        user=run.user,
        now=run.now,
        today=run.today,
    )
