"""Master data rows: tracking codes, number series, items, locations, partners, users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from itemtrace.domain import limits
from itemtrace.storage.tables.base import Base, UTCDateTime


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
