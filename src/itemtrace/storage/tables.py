"""SQLAlchemy 2 row classes. Names: singular snake_case tables, `_at` timestamps, `_date` dates.

Tracking numbers are stored as '' when absent (never NULL) so that keys compare, index and
upsert simply; quantities are exact integers of thousandths (`Quantity`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, aliased, mapped_column
from sqlalchemy.types import TypeDecorator

from itemtrace.domain import limits

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SCALE = 1000  # quantities are stored in thousandths


class Quantity(TypeDecorator[Decimal]):
    """A Decimal with up to 3 places, stored exactly as a BIGINT of thousandths."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Any) -> int | None:
        if value is None:
            return None
        return int(Decimal(value) * SCALE)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)) / SCALE


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps in UTC on both backends (SQLite would hand them back naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given: pass an aware one (datetime.now(UTC))")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_units(value: Decimal) -> int:
    return int(value * SCALE)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


Number = String(limits.NUMBER)


class TrackingCodeRow(Base):
    __tablename__ = "tracking_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(limits.TRACKING_CODE), unique=True)
    description: Mapped[str] = mapped_column(String(limits.TRACKING_CODE_DESCRIPTION), default="")
    serial_specific: Mapped[bool] = mapped_column(Boolean, default=False)
    serial_inbound: Mapped[bool] = mapped_column(Boolean, default=False)
    serial_outbound: Mapped[bool] = mapped_column(Boolean, default=False)
    lot_specific: Mapped[bool] = mapped_column(Boolean, default=False)
    lot_inbound: Mapped[bool] = mapped_column(Boolean, default=False)
    lot_outbound: Mapped[bool] = mapped_column(Boolean, default=False)
    package_specific: Mapped[bool] = mapped_column(Boolean, default=False)
    package_inbound: Mapped[bool] = mapped_column(Boolean, default=False)
    package_outbound: Mapped[bool] = mapped_column(Boolean, default=False)
    serial_unique: Mapped[str] = mapped_column(String(10), default="item")
    use_expiration_dates: Mapped[bool] = mapped_column(Boolean, default=False)
    require_expiration_date: Mapped[bool] = mapped_column(Boolean, default=False)
    strict_expiration: Mapped[bool] = mapped_column(Boolean, default=False)
    warranty_formula: Mapped[str | None] = mapped_column(String(limits.FORMULA))
    require_warranty_date: Mapped[bool] = mapped_column(Boolean, default=False)


class NumberSeriesRow(Base):
    __tablename__ = "number_series"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(limits.SERIES_CODE), unique=True)
    pattern: Mapped[str] = mapped_column(String(limits.SERIES_PATTERN))
    start: Mapped[int] = mapped_column(BigInteger, default=1)
    increment: Mapped[int] = mapped_column(Integer, default=1)
    next_value: Mapped[int] = mapped_column(BigInteger)


class ItemRow(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(limits.SKU), unique=True)
    name: Mapped[str] = mapped_column(String(limits.ITEM_NAME))
    unit: Mapped[str] = mapped_column(String(limits.UNIT), default="pcs")
    gtin: Mapped[str | None] = mapped_column(String(limits.GTIN), index=True)
    tracking_code_id: Mapped[int | None] = mapped_column(ForeignKey("tracking_code.id"))
    serial_series_id: Mapped[int | None] = mapped_column(ForeignKey("number_series.id"))
    lot_series_id: Mapped[int | None] = mapped_column(ForeignKey("number_series.id"))
    package_series_id: Mapped[int | None] = mapped_column(ForeignKey("number_series.id"))
    shelf_life: Mapped[str | None] = mapped_column(String(limits.FORMULA))


class LocationRow(Base):
    __tablename__ = "location"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(limits.LOCATION_CODE), unique=True)
    name: Mapped[str] = mapped_column(String(limits.LOCATION_NAME))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class PartnerRow(Base):
    __tablename__ = "partner"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(limits.PARTNER_CODE), unique=True)
    name: Mapped[str] = mapped_column(String(limits.PARTNER_NAME))
    kind: Mapped[str] = mapped_column(String(20))


class UserRow(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.USER_NAME), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(limits.PASSWORD_HASH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A disabled user's token and password are refused; the row stays for the names it left.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))


class DocumentRow(Base):
    __tablename__ = "document"
    __table_args__ = (Index("uq_document_reverses_id", "reverses_id", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(limits.DOCUMENT_NUMBER), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    reference: Mapped[str | None] = mapped_column(String(limits.REFERENCE))
    posting_date: Mapped[date | None] = mapped_column(Date)
    in_transit: Mapped[bool] = mapped_column(Boolean, default=False)
    transit_status: Mapped[str | None] = mapped_column(String(12))
    created_by: Mapped[str | None] = mapped_column(String(limits.USER_NAME))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    posted_by: Mapped[str | None] = mapped_column(String(limits.USER_NAME))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    count_scope: Mapped[str | None] = mapped_column(String(10))  # count documents only
    # Corrections (docs/corrections.md): the document this one reverses -- unique, so the database
    # refuses a second reversal of one document even when two race -- and the draft a partial
    # posting was posted from.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    from_draft_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)


class DocumentLineRow(Base):
    __tablename__ = "document_line"
    __table_args__ = (UniqueConstraint("document_id", "line_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    role: Mapped[str | None] = mapped_column(String(10))
    # The tracking lines of a draft, one JSON array: a 10,000-serial line is one row, not 10,000.
    tracking: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    assign: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A count line that counts one package of the item (domain/counting.py), else null.
    count_package: Mapped[str | None] = mapped_column(Number)


LEDGER_KEY_INDEX = (
    "item_id",
    "serial",
    "lot",
    "package",
    "id",
    "from_location_id",
    "to_location_id",
    "quantity",
    "posting_date",
    "document_id",
    "partner_id",
)


class LedgerEntryRow(Base):
    """One movement of one tracked quantity. Never updated or deleted (a trigger refuses it)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="positive_quantity"),
        # Every row under its whole key, then what a trace or recall needs of it: a unit's
        # movements (whatever kind of key it has), their documents and partners, its last place
        # and its stock are read from the index alone, never from the table.
        Index("ix_ledger_entry_key", *LEDGER_KEY_INDEX),
        # Partial: a serial-only row (lot and package '') costs no entry in these.
        # A lot's rows, with their whole keys: SQLite, without statistics, would otherwise
        # prefer the whole-key index above (item alone) for a lot's rows.
        Index(
            "ix_ledger_entry_item_lot",
            "item_id",
            "lot",
            "serial",
            "package",
            "id",
            sqlite_where=text("lot <> ''"),
            postgresql_where=text("lot <> ''"),
        ),
        Index(
            "ix_ledger_entry_package",
            "package",
            "id",
            sqlite_where=text("package <> ''"),
            postgresql_where=text("package <> ''"),
        ),
        Index("ix_ledger_entry_document", "document_id", "line_no"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    serial: Mapped[str] = mapped_column(Number, default="")
    lot: Mapped[str] = mapped_column(Number, default="")
    package: Mapped[str] = mapped_column(Number, default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    to_location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    posting_date: Mapped[date] = mapped_column(Date)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    user_name: Mapped[str | None] = mapped_column(String(limits.USER_NAME))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expiration_date: Mapped[date | None] = mapped_column(Date)
    warranty_date: Mapped[date | None] = mapped_column(Date)


# Stock with a date that is still there. SQLite uses a partial index only when the query repeats its
# condition as written (literal 0, bare boolean), so queries use `DATED_STOCK_SQL` verbatim.
DATED_STOCK = "in_stock AND quantity > 0 AND expiration_date IS NOT NULL"
DATED_STOCK_SQL = "balance.in_stock AND balance.quantity > 0 AND balance.expiration_date IS NOT NULL"


class BalanceRow(Base):
    """The projection: quantity per (item, location, serial, lot, package), kept with the ledger."""

    __tablename__ = "balance"
    __table_args__ = (
        UniqueConstraint("item_id", "location_id", "serial", "lot", "package", name="uq_balance_key"),
        CheckConstraint("NOT in_stock OR quantity >= 0", name="stock_not_negative"),
        CheckConstraint("NOT in_stock OR serial = '' OR quantity <= 1000", name="serial_at_most_one"),
        Index(
            "uq_balance_serial_in_stock",
            "item_id",
            "serial",
            unique=True,
            sqlite_where=text("in_stock AND quantity > 0 AND serial <> ''"),
            postgresql_where=text("in_stock AND quantity > 0 AND serial <> ''"),
        ),
        # The same across items, for items whose serials are unique globally (`serial_unique`).
        Index(
            "uq_balance_global_serial_in_stock",
            "serial",
            unique=True,
            sqlite_where=text("global_serial AND in_stock AND quantity > 0 AND serial <> ''"),
            postgresql_where=text("global_serial AND in_stock AND quantity > 0 AND serial <> ''"),
        ),
        Index(
            "ix_balance_item_lot",
            "item_id",
            "lot",
            sqlite_where=text("lot <> ''"),
            postgresql_where=text("lot <> ''"),
        ),
        Index(
            "ix_balance_serial",
            "serial",
            sqlite_where=text("serial <> ''"),
            postgresql_where=text("serial <> ''"),
        ),
        Index(
            "ix_balance_package",
            "package",
            sqlite_where=text("package <> ''"),
            postgresql_where=text("package <> ''"),
        ),
        Index("ix_balance_location_item", "location_id", "item_id"),
        # The expiring report, by date: only stock with a date that is still there.
        Index(
            "ix_balance_expiring",
            "expiration_date",
            "id",
            sqlite_where=text(DATED_STOCK),
            postgresql_where=text(DATED_STOCK),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    serial: Mapped[str] = mapped_column(Number, default="")
    lot: Mapped[str] = mapped_column(Number, default="")
    package: Mapped[str] = mapped_column(Number, default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    # Denormalised from the location kind (internal or transit) so the constraints above can see it.
    in_stock: Mapped[bool] = mapped_column(Boolean)
    # Denormalised from the item's tracking code (which cannot change once the item has entries).
    global_serial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    expiration_date: Mapped[date | None] = mapped_column(Date)
    first_in_date: Mapped[date | None] = mapped_column(Date)


class TrackingInfoRow(Base):
    """The information card of a serial, lot (per item) or package (item NULL)."""

    __tablename__ = "tracking_info"
    __table_args__ = (
        UniqueConstraint("item_id", "kind", "number", name="uq_tracking_info_key"),
        Index(
            "uq_tracking_info_package",
            "kind",
            "number",
            unique=True,
            sqlite_where=text("item_id IS NULL"),
            postgresql_where=text("item_id IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(Number)
    description: Mapped[str] = mapped_column(Text, default="")
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TrackingCommentRow(Base):
    __tablename__ = "tracking_comment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    info_id: Mapped[int] = mapped_column(ForeignKey("tracking_info.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    user_name: Mapped[str | None] = mapped_column(String(limits.USER_NAME))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ServiceLogRow(Base):
    """What was done to a serial (its card): inspection, repair, replacement, warranty claim."""

    __tablename__ = "service_log"
    __table_args__ = (
        # A replacement's card finds the unit it replaced (and takes its warranty).
        Index(
            "ix_service_log_replacement",
            "replacement_serial",
            sqlite_where=text("replacement_serial IS NOT NULL"),
            postgresql_where=text("replacement_serial IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    info_id: Mapped[int] = mapped_column(ForeignKey("tracking_info.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    service_date: Mapped[date] = mapped_column(Date)
    user_name: Mapped[str | None] = mapped_column(String(limits.USER_NAME))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replacement_serial: Mapped[str | None] = mapped_column(Number)


class IdempotencyKeyRow(Base):
    """A key belongs to the user who sent it: another user's same key is another request."""

    __tablename__ = "idempotency_key"
    user_name: Mapped[str] = mapped_column(String(limits.USER_NAME), primary_key=True)
    key: Mapped[str] = mapped_column(String(limits.IDEMPOTENCY_KEY), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    # NULL while the first request holding the key is still running (the key is claimed first).
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReservationRow(Base):
    """What an open (draft) outbound document names: other documents cannot take it meanwhile."""

    __tablename__ = "reservation"
    __table_args__ = (
        Index(
            "ix_reservation_item_serial",
            "item_id",
            "serial",
            sqlite_where=text("serial <> ''"),
            postgresql_where=text("serial <> ''"),
        ),
        Index("ix_reservation_item_location", "item_id", "location_id"),
        Index("ix_reservation_document", "document_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    serial: Mapped[str] = mapped_column(Number, default="")
    lot: Mapped[str] = mapped_column(Number, default="")
    package: Mapped[str] = mapped_column(Number, default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity)


_LINK_INPUT = ("input_item_id", "input_serial", "input_lot", "input_package")
_LINK_OUTPUT = ("output_item_id", "output_serial", "output_lot", "output_package")


class GenealogyLinkRow(Base):
    """An assembly's genealogy: this input (consumed) unit went into that output unit."""

    __tablename__ = "genealogy_link"
    __table_args__ = (
        # Covering: a trace walks from one side's key to the other's and reads the links it took
        # (document, quantity) from the index alone, never from the table.
        Index("ix_genealogy_link_input", *_LINK_INPUT, *_LINK_OUTPUT, "document_id", "quantity"),
        Index("ix_genealogy_link_output", *_LINK_OUTPUT, *_LINK_INPUT, "document_id", "quantity"),
        Index("ix_genealogy_link_document", "document_id"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    input_item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    input_serial: Mapped[str] = mapped_column(Number, default="")
    input_lot: Mapped[str] = mapped_column(Number, default="")
    input_package: Mapped[str] = mapped_column(Number, default="")
    output_item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    output_serial: Mapped[str] = mapped_column(Number, default="")
    output_lot: Mapped[str] = mapped_column(Number, default="")
    output_package: Mapped[str] = mapped_column(Number, default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity)


class GenealogyItemRow(Base):
    """The items that are on one side (`input` or `output`) of some genealogy link, kept as links
    are written. A walk steps only from units of items linked on the side it leaves from: the
    finished goods that end a forward walk (most of its units) and the raw materials that end a
    backward one cost no probe of the link index."""

    __tablename__ = "genealogy_item"
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    side: Mapped[str] = mapped_column(String(6), primary_key=True)


class ReclassLinkRow(Base):
    """A reclassification renamed `old` into `new` (item, serial, lot, package) on a document: the
    cards' `renamed_to` / `renamed_from`. Trace and recall walk the genealogy link written with it."""

    __tablename__ = "reclass_link"
    __table_args__ = (
        Index("ix_reclass_link_old", "item_id", "old_lot", "old_serial"),
        Index("ix_reclass_link_new", "item_id", "new_lot", "new_serial"),
        Index("ix_reclass_link_old_serial", "item_id", "old_serial"),
        Index("ix_reclass_link_new_serial", "item_id", "new_serial"),
        Index("ix_reclass_link_old_package", "old_package"),
        Index("ix_reclass_link_new_package", "new_package"),
        Index("ix_reclass_link_document", "document_id"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    old_serial: Mapped[str] = mapped_column(Number, default="")
    old_lot: Mapped[str] = mapped_column(Number, default="")
    old_package: Mapped[str] = mapped_column(Number, default="")
    new_serial: Mapped[str] = mapped_column(Number, default="")
    new_lot: Mapped[str] = mapped_column(Number, default="")
    new_package: Mapped[str] = mapped_column(Number, default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity)


class RecallRow(Base):
    """A recall as it was run: who, when, why, whether it blocked, and the report it produced."""

    __tablename__ = "recall"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    serial: Mapped[str] = mapped_column(Number, default="")
    lot: Mapped[str] = mapped_column(Number, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    block: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(limits.USER_NAME))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ImportJobRow(Base):
    """One file import (`POST /imports`, `itemtrace import`): what was read and how it ended."""

    __tablename__ = "import_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(limits.FILE_NAME))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))  # posted | rejected
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    user_name: Mapped[str | None] = mapped_column(String(limits.USER_NAME))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The two ends of a movement, aliased once: an aliased entity made per call costs more to adapt
# than the query takes to run.
SOURCE = aliased(LocationRow, name="source")
TARGET = aliased(LocationRow, name="target")
