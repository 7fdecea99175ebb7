"""Links between units and the records of recalls: genealogy, renames, recalls."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from itemtrace.domain import limits
from itemtrace.storage.tables.base import Base, Number, Quantity, UTCDateTime

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
