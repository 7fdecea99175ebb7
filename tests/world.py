"""A small world for service-level tests: master data made through the services, helpers to post."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from itemtrace.domain.documents import Assign, Document, DocumentType, Line, StoredDocument, TrackingLine
from itemtrace.domain.masterdata import Item, Location, NumberSeries, Partner, PartnerKind
from itemtrace.domain.tracking import DimensionPolicy, SerialUnique, TrackingCode
from itemtrace.domain.users import Role, User
from itemtrace.services import documents, masterdata
from itemtrace.storage.tables import BalanceRow, DocumentRow, LedgerEntryRow
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import TODAY, now

CLERK = User("clerk", Role.CLERK)
SPECIFIC = DimensionPolicy(specific=True)


def given_world(uow: UnitOfWork) -> None:
    masterdata.create_tracking_code(uow, TrackingCode("SN", serial=SPECIFIC, warranty_formula="2Y"))
    masterdata.create_tracking_code(
        uow, TrackingCode("SNG", serial=SPECIFIC, serial_unique=SerialUnique.GLOBAL)
    )
    masterdata.create_tracking_code(uow, TrackingCode("LOT", lot=SPECIFIC, use_expiration_dates=True))
    masterdata.create_series(uow, NumberSeries("SER", "SN-{YY}-{seq:5}"))
    masterdata.create_series(uow, NumberSeries("LOTS", "L{YYYY}{MM}-{seq:3}"))
    masterdata.create_item(uow, Item("DRILL", "Cordless drill", tracking_code="SN", serial_series="SER"))
    masterdata.create_item(uow, Item("SAW", "Circular saw", tracking_code="SNG"))
    masterdata.create_item(uow, Item("PHONE", "Phone", tracking_code="SNG"))
    masterdata.create_item(
        uow, Item("GLUE", "Adhesive", unit="kg", tracking_code="LOT", lot_series="LOTS", shelf_life="12M")
    )
    masterdata.create_item(uow, Item("BOLT", "Bolt M8"))
    masterdata.create_location(uow, Location("WH1", "Main warehouse"))
    masterdata.create_location(uow, Location("WH2", "Second warehouse"))
    masterdata.create_partner(uow, Partner("VEND", "Vendor", PartnerKind.VENDOR))
    masterdata.create_partner(uow, Partner("ACME", "Acme Ltd", PartnerKind.CUSTOMER))
    masterdata.create_partner(uow, Partner("BETA", "Beta GmbH", PartnerKind.CUSTOMER))


def sn(*serials: str) -> tuple[TrackingLine, ...]:
    return tuple(TrackingLine(serial=s) for s in serials)


def lot(number: str, quantity: float | int, expiration: date | None = None) -> TrackingLine:
    return TrackingLine(lot=number, quantity=Decimal(str(quantity)), expiration_date=expiration)


def post(
    uow: UnitOfWork,
    type: DocumentType,
    item: str,
    quantity: float | int,
    tracking: Sequence[TrackingLine] = (),
    *,
    source: str | None = None,
    target: str | None = None,
    partner: str | None = None,
    assign: Assign | None = None,
    in_transit: bool = False,
    posting_date: date | None = None,
    today: date = TODAY,
) -> StoredDocument:
    line = Line(item, Decimal(str(quantity)), source, target, tuple(tracking), assign)
    draft = Document(type, (line,), partner=partner, in_transit=in_transit, posting_date=posting_date)
    return documents.create(uow, draft, user=CLERK, post=True, today=today, now=now())


def receive(
    uow: UnitOfWork, item: str, *tracking: TrackingLine, at: str = "WH1", quantity: float | None = None
) -> StoredDocument:
    total = quantity if quantity is not None else float(sum(t.quantity for t in tracking))
    return post(uow, DocumentType.RECEIPT, item, total, tracking, target=at, partner="VEND")


def ship(
    uow: UnitOfWork,
    item: str,
    *tracking: TrackingLine,
    at: str = "WH1",
    to: str = "ACME",
    quantity: float | None = None,
) -> StoredDocument:
    total = quantity if quantity is not None else float(sum(t.quantity for t in tracking))
    return post(uow, DocumentType.SHIPMENT, item, total, tracking, source=at, partner=to)


def count_rows(uow: UnitOfWork, table: type) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(table)) or 0)


def ledger_rows(uow: UnitOfWork) -> int:
    return count_rows(uow, LedgerEntryRow)


def document_rows(uow: UnitOfWork) -> int:
    return count_rows(uow, DocumentRow)


def balance_rows(uow: UnitOfWork) -> int:
    return count_rows(uow, BalanceRow)
