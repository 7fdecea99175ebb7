"""Information card rows: tracking info, comments, the service log."""

from __future__ import annotations

from datetime import date, datetime
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
from itemtrace.storage.tables.base import Base, Number, UTCDateTime


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
