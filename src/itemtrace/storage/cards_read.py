"""Information cards of serials, lots and packages: history, where the stock is, who holds it,
and the status the domain derives from that."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, func, select, text, type_coerce
from sqlalchemy.orm import Session, aliased

from itemtrace.domain import card_rules
from itemtrace.domain.card_rules import Maintained, Place
from itemtrace.domain.cards import Card, Comment
from itemtrace.domain.errors import NotFound
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.tracking import Dimension, TrackingKey
from itemtrace.storage.cards import Info
from itemtrace.storage.history import EXTRA, history_query, moves
from itemtrace.storage.mapping import unblank
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.status_sql import serial_reserved
from itemtrace.storage.tables import (
    BalanceRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
    Quantity,
    ReservationRow,
    ServiceLogRow,
    TrackingInfoRow,
)

ZERO = Decimal(0)


class CardReads:
    """`uow.card_reads`: the serial, lot and package cards."""

    def __init__(self, session: Session, masterdata: MasterData, info: Info) -> None:
        self.session = session
        self.md = masterdata
        self.info = info

    def _in_written_order(self) -> None:
        """PostgreSQL joins the card's statements in the order they are written (for the rest of
        the transaction). A history joins eleven tables: searching their join orders took 2.5 ms
        per card, five times its execution, and on a big ledger the planner keeps re-planning it
        (its estimates make the cached generic plan look dearer). The written order — the unit's
        entries by index, then each entry's document, places, partner and cards — is the plan it
        chose anyway."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SET LOCAL join_collapse_limit = 1"))

    def _info(self, item: str | None, kind: Dimension, number: str) -> Maintained:
        row = self.info.get(item, kind, number)
        if row is None:
            return Maintained()
        return Maintained(row.blocked, row.description, dict(row.attributes or {}), self._comments(row.id))

    def _comments(self, info_id: int) -> tuple[Comment, ...]:
        return tuple(Comment(c.text, c.user_name, c.created_at) for c in self.info.comments(info_id))

    def serial_card(self, item: str, serial: str, *, today: date) -> Card:
        """One query in the common case: the history with the serial's and its lot's cards joined.

        On hand past its expiration date (before `today`), the serial is `expired`.
        """
        self._in_written_order()
        rows = self.session.execute(_serial_card_query(), {"sku": item, "serial": serial}).all()
        if not rows:
            self.md.item_id(item)  # an unknown item is reported as such
            raise NotFound("serial", f"{serial} of item {item}")
        history = moves(rows)
        info_id, blocked, description, attributes, lot_blocked, reserved, package_blocked, replaces = rows[
            -1
        ][EXTRA : EXTRA + 8]
        warranty = card_rules.last_warranty(history)
        if warranty is None and replaces is not None:  # a replacement keeps the replaced unit's warranty
            warranty = self.info.warranty_date(item, replaces)
        maintained = Maintained(
            bool(blocked),
            description or "",
            dict(attributes or {}),
            self._comments(info_id) if info_id is not None else (),
        )
        return card_rules.serial_card(
            item,
            serial,
            history,
            maintained,
            lot_or_package_blocked=bool(lot_blocked) or bool(package_blocked),
            reserved=bool(reserved),
            warranty_date=warranty,
            replaces=replaces,
            service_log=self.info.service_log(info_id) if info_id is not None else (),
            today=today,
        )

    def lot_card(self, item: str, lot: str, *, today: date) -> Card:
        item_id = self.md.item_id(item)
        self._in_written_order()
        history = moves(
            self.session.execute(
                history_query().where(
                    LedgerEntryRow.item_id == item_id, LedgerEntryRow.lot == lot, LedgerEntryRow.lot != ""
                )
            ).all()
        )
        if not history:
            raise NotFound("lot", f"{lot} of item {item}")
        places = self._places(
            and_(BalanceRow.item_id == item_id, BalanceRow.lot == lot, BalanceRow.lot != "")
        )
        card = card_rules.grouped_card(
            "lot", item, lot, history, places, self._info(item, Dimension.LOT, lot), today=today
        )
        return self._with_reserved(card, item_id, lot)

    def _with_reserved(self, card: Card, item_id: int, lot: str) -> Card:
        """What open documents reserve of the lot where it is on hand (never more than is there)."""
        r = ReservationRow
        rows = self.session.execute(
            select(LocationRow.code, type_coerce(func.sum(r.quantity), Quantity))
            .join(LocationRow, LocationRow.id == r.location_id)
            .where(r.item_id == item_id, r.lot == lot, LocationRow.kind == LocationKind.INTERNAL.value)
            .group_by(LocationRow.code)
        ).all()
        return card_rules.with_reserved(card, {row[0]: row[1] for row in rows})

    def package_card(self, package: str, *, today: date) -> Card:
        self._in_written_order()
        history = moves(
            self.session.execute(
                history_query().where(LedgerEntryRow.package == package, LedgerEntryRow.package != "")
            ).all()
        )
        if not history:
            raise NotFound("package", package)
        places = self._places(and_(BalanceRow.package == package, BalanceRow.package != ""))
        return card_rules.grouped_card(
            "package",
            None,
            package,
            history,
            places,
            self._info(None, Dimension.PACKAGE, package),
            today=today,
        )

    def _places(self, where: Any) -> list[Place]:
        rows = self.session.execute(
            select(
                LocationRow.code,
                LocationRow.kind,
                ItemRow.sku,
                BalanceRow.serial,
                BalanceRow.lot,
                BalanceRow.package,
                BalanceRow.quantity,
                BalanceRow.expiration_date,
            )
            .join(LocationRow, LocationRow.id == BalanceRow.location_id)
            .join(ItemRow, ItemRow.id == BalanceRow.item_id)
            .where(where, BalanceRow.quantity > 0)
            .order_by(LocationRow.code, ItemRow.sku, BalanceRow.serial)
        )
        return [
            Place(
                code,
                LocationKind(kind),
                TrackingKey(sku, unblank(serial), unblank(lot), unblank(package)),
                qty,
                expiration,
            )
            for code, kind, sku, serial, lot, package, qty, expiration in rows
        ]


def _replaced_serial(e: type[LedgerEntryRow]) -> Any:
    """The serial this one was sent to replace (a `replacement` in a service log), if any."""
    replaced = aliased(TrackingInfoRow, name="replaced")
    return (
        select(replaced.number)
        .join(ServiceLogRow, ServiceLogRow.info_id == replaced.id)
        .where(
            ServiceLogRow.replacement_serial == e.serial,
            replaced.item_id == e.item_id,
            replaced.kind == "serial",
        )
        .order_by(ServiceLogRow.id.desc())
        .limit(1)
        .scalar_subquery()
    )


@functools.cache
def _serial_card_query() -> Any:
    """Built once per process, so SQLAlchemy's compiled cache is hit without rebuilding it."""
    serial_info = aliased(TrackingInfoRow, name="serial_info")
    lot_info = aliased(TrackingInfoRow, name="lot_info")
    package_info = aliased(TrackingInfoRow, name="package_info")
    e = LedgerEntryRow
    return (
        history_query(
            serial_info.id,
            serial_info.blocked,
            serial_info.description,
            serial_info.attributes,
            lot_info.blocked,
            serial_reserved(),
            package_info.blocked,
            _replaced_serial(e),
        )
        .outerjoin(
            serial_info,
            and_(
                serial_info.item_id == e.item_id,
                serial_info.kind == "serial",
                serial_info.number == e.serial,
            ),
        )
        .outerjoin(
            lot_info,
            and_(lot_info.item_id == e.item_id, lot_info.kind == "lot", lot_info.number == e.lot),
        )
        .outerjoin(
            package_info,
            and_(
                package_info.item_id.is_(None),
                package_info.kind == "package",
                package_info.number == e.package,
            ),
        )
        .where(ItemRow.sku == bindparam("sku"), e.serial == bindparam("serial"), e.serial != "")
    )


__all__: Sequence[str] = ["CardReads"]
