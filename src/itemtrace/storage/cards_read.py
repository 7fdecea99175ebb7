"""Information cards of serials, lots and packages: history, where the stock is, who holds it,
and the status the domain derives from that."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.cards import Card, Comment, LocationQuantity, PartnerQuantity
from itemtrace.domain.errors import NotFound
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.status import TrackingStatus, is_expired, status_at
from itemtrace.domain.tracking import Dimension, TrackingKey
from itemtrace.domain.warranty import warranty_on
from itemtrace.storage.cards import Info
from itemtrace.storage.history import EXTRA, Move, history_query, moves, standing
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


class _Place(NamedTuple):
    """A balance of a lot or package card: where, what, how much, and the stock's date."""

    code: str
    kind: str
    key: TrackingKey
    quantity: Decimal
    expiration_date: date | None


class CardReads:
    """`uow.card_reads`: the serial, lot and package cards."""

    def __init__(self, session: Session, masterdata: MasterData, info: Info) -> None:
        self.session = session
        self.md = masterdata
        self.info = info

    def _info(
        self, item: str | None, kind: Dimension, number: str
    ) -> tuple[bool, str, dict[str, Any], tuple[Comment, ...]]:
        row = self.info.get(item, kind, number)
        if row is None:
            return False, "", {}, ()
        return row.blocked, row.description, dict(row.attributes or {}), self._comments(row.id)

    def _comments(self, info_id: int) -> tuple[Comment, ...]:
        return tuple(Comment(c.text, c.user_name, c.created_at) for c in self.info.comments(info_id))

    def serial_card(self, item: str, serial: str, *, today: date) -> Card:
        """One query in the common case: the history with the serial's and its lot's cards joined.

        On hand past its expiration date (before `today`), the serial is `expired`.
        """
        rows = self.session.execute(_serial_card_query(), {"sku": item, "serial": serial}).all()
        if not rows:
            self.md.item_id(item)  # an unknown item is reported as such
            raise NotFound("serial", f"{serial} of item {item}")
        history = moves(rows)
        info_id, blocked, description, attributes, lot_blocked, reserved, package_blocked, replaces = rows[
            -1
        ][EXTRA : EXTRA + 8]
        last = history[-1]
        kind = LocationKind(last.to_kind)
        # Blocked when the serial, its lot or its package is: posting refuses any of them.
        held = bool(blocked) or bool(lot_blocked) or bool(package_blocked)
        expiration = next((m.expiration_date for m in reversed(history) if m.expiration_date), None)
        warranty = next((m.warranty_date for m in reversed(standing(history)) if m.warranty_date), None)
        if warranty is None and replaces is not None:  # a replacement keeps the replaced unit's warranty
            warranty = self.info.warranty_date(item, replaces)
        return Card(
            kind="serial",
            item=item,
            number=serial,
            serial=serial,
            lot=last.entry.lot,
            package=last.entry.package,
            status=status_at(
                kind, blocked=held, reserved=bool(reserved), expired=is_expired(expiration, today=today)
            ),
            location=last.entry.to_location if kind.in_stock else None,
            holder=last.entry.partner if kind is LocationKind.CUSTOMER else None,
            expiration_date=expiration,
            warranty_date=warranty,
            blocked=bool(blocked),
            description=description or "",
            attributes=dict(attributes or {}),
            comments=self._comments(info_id) if info_id is not None else (),
            history=tuple(m.entry for m in history),
            on_hand=Decimal(1) if kind is LocationKind.INTERNAL else ZERO,
            warranty=warranty_on(warranty, today),
            service_log=self.info.service_log(info_id) if info_id is not None else (),
            replaces=replaces,
        )

    def lot_card(self, item: str, lot: str, *, today: date) -> Card:
        item_id = self.md.item_id(item)
        history = moves(
            self.session.execute(
                history_query().where(
                    LedgerEntryRow.item_id == item_id, LedgerEntryRow.lot == lot, LedgerEntryRow.lot != ""
                )
            ).all()
        )
        if not history:
            raise NotFound("lot", f"{lot} of item {item}")
        blocked, description, attributes, comments = self._info(item, Dimension.LOT, lot)
        places = self._places(
            and_(BalanceRow.item_id == item_id, BalanceRow.lot == lot, BalanceRow.lot != "")
        )
        card = self._group_card(
            "lot", item, lot, history, places, blocked, description, attributes, comments, today=today
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
        if not rows:
            return card
        there = {q.location: q.quantity for q in card.locations}
        reserved = sum((min(qty, there.get(code, ZERO)) for code, qty in rows), ZERO)
        status = card.status
        if status is TrackingStatus.AVAILABLE and reserved >= card.on_hand > 0:
            status = TrackingStatus.RESERVED
        return replace(card, reserved=reserved, status=status)

    def package_card(self, package: str, *, today: date) -> Card:
        history = moves(
            self.session.execute(
                history_query().where(LedgerEntryRow.package == package, LedgerEntryRow.package != "")
            ).all()
        )
        if not history:
            raise NotFound("package", package)
        blocked, description, attributes, comments = self._info(None, Dimension.PACKAGE, package)
        places = self._places(and_(BalanceRow.package == package, BalanceRow.package != ""))
        return self._group_card(
            "package", None, package, history, places, blocked, description, attributes, comments, today=today
        )

    def _places(self, where: Any) -> list[_Place]:
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
            _Place(
                code, kind, TrackingKey(sku, unblank(serial), unblank(lot), unblank(package)), qty, expiration
            )
            for code, kind, sku, serial, lot, package, qty, expiration in rows
        ]

    def _group_card(
        self,
        kind_name: str,
        item: str | None,
        number: str,
        history: list[Move],
        places: list[_Place],
        blocked: bool,
        description: str,
        attributes: dict[str, Any],
        comments: tuple[Comment, ...],
        *,
        today: date,
    ) -> Card:
        """A lot's or package's card from its history and balances. It is `expired` when stock of
        it on hand is past its date (a lot on hand has one date: `expiration_date_mismatch`)."""
        by_location: dict[str, Decimal] = defaultdict(Decimal)
        kinds: dict[str, LocationKind] = {}
        expired = False
        for code, kind, _, qty, expiration in places:
            by_location[code] += qty
            kinds[code] = LocationKind(kind)
            if kinds[code] is LocationKind.INTERNAL and is_expired(expiration, today=today):
                expired = True
        stock = {c: q for c, q in by_location.items() if kinds[c].in_stock}
        on_hand = sum((q for c, q in stock.items() if kinds[c] is LocationKind.INTERNAL), ZERO)
        holders: dict[str | None, Decimal] = defaultdict(Decimal)
        customer = LocationKind.CUSTOMER.value
        for move in history:
            if move.to_kind == customer:
                holders[move.entry.partner] += move.entry.quantity
            if move.from_kind == customer:
                holders[move.entry.partner] -= move.entry.quantity
        held = tuple(
            PartnerQuantity(p, q) for p, q in sorted(holders.items(), key=lambda kv: kv[0] or "") if q > 0
        )
        if on_hand > 0:
            status = status_at(LocationKind.INTERNAL, blocked=blocked, expired=expired)
        elif stock:
            status = status_at(LocationKind.TRANSIT, blocked=blocked)
        else:
            status = status_at(LocationKind(history[-1].to_kind), blocked=blocked)
        locations = tuple(LocationQuantity(c, q) for c, q in sorted(stock.items()))
        expiration = next((m.expiration_date for m in reversed(history) if m.expiration_date), None)
        warranty = next((m.warranty_date for m in reversed(standing(history)) if m.warranty_date), None)
        contents = tuple(
            LocationQuantity(code, qty, item=key.item, serial=key.serial, lot=key.lot)
            for code, kind, key, qty, _ in places
            if LocationKind(kind).in_stock
        )
        last = history[-1].entry
        return Card(
            kind=kind_name,
            item=item,
            number=number,
            serial=None,
            lot=number if kind_name == "lot" else last.lot,
            package=number if kind_name == "package" else None,
            status=status,
            location=locations[0].location if len(locations) == 1 else None,
            holder=held[0].partner if len(held) == 1 and not stock else None,
            expiration_date=expiration,
            warranty_date=warranty,
            blocked=blocked,
            description=description,
            attributes=attributes,
            comments=comments,
            history=tuple(m.entry for m in history),
            on_hand=on_hand,
            locations=locations,
            holders=held,
            contents=contents if kind_name == "package" else (),
        )


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
