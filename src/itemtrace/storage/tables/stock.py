"""The ledger and its projection: ledger entries, balances, and the indexes reads rely on."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column

from itemtrace.domain import limits
from itemtrace.storage.tables.base import Base, Number, Quantity, UTCDateTime
from itemtrace.storage.tables.masterdata import LocationRow

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
        # A key's balances at every place (`itemtrace check --since-checkpoint`); built concurrently.
        Index("ix_balance_tracking_key", "item_id", "serial", "lot", "package"),
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


class CheckCheckpointRow(Base):
    """One `itemtrace check` that found nothing: every ledger entry up to `last_entry_id` was
    committed and agreed with the projection then. The next incremental check starts after it."""

    __tablename__ = "check_checkpoint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_entry_id: Mapped[int] = mapped_column(BigInteger)
    mode: Mapped[str] = mapped_column(String(12))  # full | incremental
    entries: Mapped[int] = mapped_column(BigInteger)  # ledger entries this check covered
    keys: Mapped[int] = mapped_column(BigInteger)  # (item, serial, lot, package) keys recomputed
    user_name: Mapped[str | None] = mapped_column(String(limits.USER_NAME))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The two ends of a movement, aliased once: an aliased entity made per call costs more to adapt
# than the query takes to run.
SOURCE = aliased(LocationRow, name="source")
TARGET = aliased(LocationRow, name="target")
