"""Document rows: headers, lines, idempotency keys, reservations of open drafts, import jobs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from itemtrace.domain import limits
from itemtrace.storage.tables.base import Base, Number, Quantity, UTCDateTime


class DocumentRow(Base):
    __tablename__ = "document"
    __table_args__ = (
        # Reversals only: the few documents that reverse another (migration 0020).
        Index(
            "uq_document_reverses_id",
            "reverses_id",
            unique=True,
            sqlite_where=text("reverses_id IS NOT NULL"),
            postgresql_where=text("reverses_id IS NOT NULL"),
        ),
    )
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


class ImportJobRow(Base):
    """One file import (`POST /imports`, `itemtrace import`): what was read and how it ended."""

    __tablename__ = "import_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(limits.FILE_NAME))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))  # running | posted | rejected | failed
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    user_name: Mapped[str | None] = mapped_column(String(limits.USER_NAME))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None while running
    detail: Mapped[str | None] = mapped_column(Text)  # why a `failed` import stopped
