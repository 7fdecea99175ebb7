"""Read side: information cards with history, search lists with keyset cursors, the check."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Date, and_, bindparam, case, func, literal, or_, select, tuple_, type_coerce
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.availability import Amount
from itemtrace.domain.cards import Card, Comment, HistoryEntry, Listed, LocationQuantity, PartnerQuantity
from itemtrace.domain.errors import NotFound
from itemtrace.domain.masterdata import PROJECTED_KINDS, LocationKind
from itemtrace.domain.status import KIND_OF_STATUS, TrackingStatus, is_expired, status_at
from itemtrace.domain.tracking import Dimension, SerialUnique, TrackingKey
from itemtrace.storage.cards import Info
from itemtrace.storage.mapping import unblank
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import (
    BalanceRow,
    DocumentRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
    PartnerRow,
    Quantity,
    ReservationRow,
    TrackingCodeRow,
    TrackingInfoRow,
)

# Where the last of a lot can have gone once none is on our shelves or on the road.
_GONE_KINDS = (LocationKind.CUSTOMER, LocationKind.PRODUCTION, LocationKind.SCRAP, LocationKind.ADJUSTMENT)

Source = aliased(LocationRow, name="source")
Target = aliased(LocationRow, name="target")
ZERO = Decimal(0)


class _Place(NamedTuple):
    """A balance of a lot or package card: where, what, how much, and the stock's date."""

    code: str
    kind: str
    key: TrackingKey
    quantity: Decimal
    expiration_date: date | None


@dataclass(frozen=True, slots=True)
class _Move:
    """One history entry with what the cards derive from: dates and the kinds of both ends."""

    entry: HistoryEntry
    expiration_date: date | None
    warranty_date: date | None
    from_kind: str
    to_kind: str


class Queries:
    def __init__(self, session: Session, masterdata: MasterData, info: Info) -> None:
        self.session = session
        self.md = masterdata
        self.info = info

    # -- history -------------------------------------------------------------------------------
    @staticmethod
    def _history_query(*extra: Any) -> Any:
        e = LedgerEntryRow
        return (
            select(
                e.id,
                e.document_id,
                e.serial,
                e.lot,
                e.package,
                e.quantity,
                e.posting_date,
                e.posted_at,
                e.user_name,
                e.expiration_date,
                e.warranty_date,
                ItemRow.sku,
                DocumentRow.number,
                DocumentRow.type,
                Source.code,
                Source.kind,
                Target.code,
                Target.kind,
                PartnerRow.code,
                *extra,
            )
            .join(ItemRow, ItemRow.id == e.item_id)
            .join(DocumentRow, DocumentRow.id == e.document_id)
            .join(Source, Source.id == e.from_location_id)
            .join(Target, Target.id == e.to_location_id)
            .outerjoin(PartnerRow, PartnerRow.id == e.partner_id)
            .order_by(e.id)
        )

    @staticmethod
    @functools.cache
    def _serial_card_query() -> Any:
        """Built once per process, so SQLAlchemy's compiled cache is hit without rebuilding it."""
        serial_info = aliased(TrackingInfoRow, name="serial_info")
        lot_info = aliased(TrackingInfoRow, name="lot_info")
        package_info = aliased(TrackingInfoRow, name="package_info")
        e = LedgerEntryRow
        return (
            Queries._history_query(
                serial_info.id,
                serial_info.blocked,
                serial_info.description,
                serial_info.attributes,
                lot_info.blocked,
                _serial_reserved(),
                package_info.blocked,
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

    def _history(self, rows: Sequence[Any]) -> list[_Move]:
        return [
            _Move(
                HistoryEntry(
                    posted_at=r[7],
                    posting_date=r[6],
                    document=r[12],
                    document_id=r[1],
                    type=r[13],
                    from_location=r[14],
                    to_location=r[16],
                    partner=r[18],
                    user=r[8],
                    quantity=r[5],
                    serial=unblank(r[2]),
                    lot=unblank(r[3]),
                    package=unblank(r[4]),
                    item=r[11],
                ),
                expiration_date=r[9],
                warranty_date=r[10],
                from_kind=r[15],
                to_kind=r[17],
            )
            for r in rows
        ]

    def _info(
        self, item: str | None, kind: Dimension, number: str
    ) -> tuple[bool, str, dict[str, Any], tuple[Comment, ...]]:
        row = self.info.get(item, kind, number)
        if row is None:
            return False, "", {}, ()
        return row.blocked, row.description, dict(row.attributes or {}), self._comments(row.id)

    def _comments(self, info_id: int) -> tuple[Comment, ...]:
        return tuple(Comment(c.text, c.user_name, c.created_at) for c in self.info.comments(info_id))

    # -- cards ---------------------------------------------------------------------------------
    def serial_card(self, item: str, serial: str, *, today: date) -> Card:
        """One query in the common case: the history with the serial's and its lot's cards joined.

        On hand past its expiration date (before `today`), the serial is `expired`.
        """
        rows = self.session.execute(self._serial_card_query(), {"sku": item, "serial": serial}).all()
        if not rows:
            self.md.item_id(item)  # an unknown item is reported as such
            raise NotFound("serial", f"{serial} of item {item}")
        history = self._history(rows)
        info_id, blocked, description, attributes, lot_blocked, reserved, package_blocked = rows[-1][19:26]
        last = history[-1]
        kind = LocationKind(last.to_kind)
        # Blocked when the serial, its lot or its package is: posting refuses any of them.
        held = bool(blocked) or bool(lot_blocked) or bool(package_blocked)
        expiration = next((m.expiration_date for m in reversed(history) if m.expiration_date), None)
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
            location=last.entry.to_location
            if kind in (LocationKind.INTERNAL, LocationKind.TRANSIT)
            else None,
            holder=last.entry.partner if kind is LocationKind.CUSTOMER else None,
            expiration_date=expiration,
            warranty_date=next((m.warranty_date for m in reversed(history) if m.warranty_date), None),
            blocked=bool(blocked),
            description=description or "",
            attributes=dict(attributes or {}),
            comments=self._comments(info_id) if info_id is not None else (),
            history=tuple(m.entry for m in history),
            on_hand=Decimal(1) if kind is LocationKind.INTERNAL else ZERO,
        )

    def lot_card(self, item: str, lot: str, *, today: date) -> Card:
        item_id = self.md.item_id(item)
        history = self._history(
            self.session.execute(
                self._history_query().where(
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
        history = self._history(
            self.session.execute(
                self._history_query().where(LedgerEntryRow.package == package, LedgerEntryRow.package != "")
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
        history: list[_Move],
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
        stock = {
            c: q for c, q in by_location.items() if kinds[c] in (LocationKind.INTERNAL, LocationKind.TRANSIT)
        }
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
        warranty = next((m.warranty_date for m in reversed(history) if m.warranty_date), None)
        contents = tuple(
            LocationQuantity(code, qty, item=key.item, serial=key.serial, lot=key.lot)
            for code, kind, key, qty, _ in places
            if LocationKind(kind) in (LocationKind.INTERNAL, LocationKind.TRANSIT)
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

    # -- lists ---------------------------------------------------------------------------------
    def serials(
        self,
        *,
        item: str | None = None,
        location: str | None = None,
        status: TrackingStatus | None = None,
        lot: str | None = None,
        q: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int = 50,
        today: date,
    ) -> list[Listed]:
        """Serials by (item, serial), each where its last entry put it; `status` filters in SQL."""
        inner = select(func.max(LedgerEntryRow.id).label("id")).where(LedgerEntryRow.serial != "")
        if item:
            inner = inner.where(LedgerEntryRow.item_id == self.md.item_id(item))
        if q:
            inner = inner.where(LedgerEntryRow.serial.contains(q, autoescape=True))
        last = inner.group_by(LedgerEntryRow.item_id, LedgerEntryRow.serial).subquery()
        info = aliased(TrackingInfoRow)
        lot_info = aliased(TrackingInfoRow)
        package_info = aliased(TrackingInfoRow)
        reserved = _serial_reserved()
        # Blocked when the serial, its lot or its package is (as on the card; posting refuses them).
        blocked = or_(
            func.coalesce(info.blocked, False),
            func.coalesce(lot_info.blocked, False),
            func.coalesce(package_info.blocked, False),
        )
        query = (
            select(
                LedgerEntryRow,
                ItemRow.sku,
                Target.code,
                Target.kind,
                PartnerRow.code,
                info.blocked,
                reserved,
                blocked,
            )
            .join(last, last.c.id == LedgerEntryRow.id)
            .join(ItemRow, ItemRow.id == LedgerEntryRow.item_id)
            .join(Target, Target.id == LedgerEntryRow.to_location_id)
            .outerjoin(PartnerRow, PartnerRow.id == LedgerEntryRow.partner_id)
            .outerjoin(
                info,
                and_(
                    info.item_id == LedgerEntryRow.item_id,
                    info.kind == "serial",
                    info.number == LedgerEntryRow.serial,
                ),
            )
            .outerjoin(
                lot_info,
                and_(
                    lot_info.item_id == LedgerEntryRow.item_id,
                    lot_info.kind == "lot",
                    lot_info.number == LedgerEntryRow.lot,
                ),
            )
            .outerjoin(
                package_info,
                and_(
                    package_info.item_id.is_(None),
                    package_info.kind == "package",
                    package_info.number == LedgerEntryRow.package,
                ),
            )
            .order_by(ItemRow.sku, LedgerEntryRow.serial)
            .limit(limit)
        )
        if after:
            query = query.where(
                tuple_(ItemRow.sku, LedgerEntryRow.serial) > tuple_(literal(after[0]), literal(after[1]))
            )
        if location:
            query = query.where(Target.code == location)
        if lot:
            query = query.where(LedgerEntryRow.lot == lot)
        if status is not None:
            expired = _expired(LedgerEntryRow.expiration_date, today)
            query = _status_filter(query, status, Target.kind, blocked, reserved, expired)
        result = []
        for row, sku, dst, dst_kind, partner, own_block, is_reserved, held in self.session.execute(query):
            kind = LocationKind(dst_kind)
            result.append(
                Listed(
                    item=sku,
                    number=row.serial,
                    serial=row.serial,
                    lot=unblank(row.lot),
                    package=unblank(row.package),
                    status=status_at(
                        kind,
                        blocked=bool(held),
                        reserved=bool(is_reserved),
                        expired=is_expired(row.expiration_date, today=today),
                    ),
                    location=dst if kind in (LocationKind.INTERNAL, LocationKind.TRANSIT) else None,
                    holder=partner if kind is LocationKind.CUSTOMER else None,
                    quantity=Decimal(1) if kind is LocationKind.INTERNAL else ZERO,
                    expiration_date=row.expiration_date,
                    blocked=bool(own_block),
                )
            )
        return result

    def lots(
        self,
        *,
        item: str | None = None,
        location: str | None = None,
        status: TrackingStatus | None = None,
        lot: str | None = None,
        q: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int = 50,
        today: date,
    ) -> list[Listed]:
        """Lots by (item, lot) with their status derived in SQL from all their balances."""
        on_hand_units = func.sum(
            func.coalesce(_when(LocationRow.kind == LocationKind.INTERNAL.value, BalanceRow.quantity), 0)
        )
        transit_units = func.sum(
            func.coalesce(_when(LocationRow.kind == LocationKind.TRANSIT.value, BalanceRow.quantity), 0)
        )
        blocked = func.max(_when(TrackingInfoRow.blocked, 1))
        gone_kind = func.max(
            _when(
                and_(LocationRow.kind.notin_(["internal", "transit", "supplier"]), BalanceRow.quantity > 0),
                LocationRow.kind,
            )
        )
        # Stock on our shelves past its date (as the lot card: any of it; a lot on hand has one date).
        expired = _expired(
            func.min(
                _when(
                    and_(LocationRow.kind == LocationKind.INTERNAL.value, BalanceRow.quantity > 0),
                    BalanceRow.expiration_date,
                )
            ),
            today,
        )
        # A lot's status, derived in SQL from all its balances so a status filter pages correctly:
        # stock on our shelves first, then on the road, else where the last of it went. The order
        # of the first cases is `status_at`'s: blocked, then expired, then available.
        derived = case(
            (and_(on_hand_units > 0, blocked == 1), TrackingStatus.BLOCKED.value),
            (and_(on_hand_units > 0, expired), TrackingStatus.EXPIRED.value),
            (on_hand_units > 0, TrackingStatus.AVAILABLE.value),
            (and_(transit_units > 0, blocked == 1), TrackingStatus.BLOCKED.value),
            (transit_units > 0, TrackingStatus.IN_TRANSIT.value),
            *((gone_kind == kind.value, status_at(kind).value) for kind in _GONE_KINDS),
            else_=TrackingStatus.RETURNED_TO_VENDOR.value,
        )
        query = (
            select(
                ItemRow.sku,
                BalanceRow.lot,
                type_coerce(on_hand_units, Quantity).label("on_hand"),
                # The earliest date of the stock on hand; once all is gone, the latest date seen
                # (a lot number reused for a new batch shows the new batch's date, as its card does).
                func.coalesce(
                    func.min(
                        _when(and_(BalanceRow.in_stock, BalanceRow.quantity > 0), BalanceRow.expiration_date)
                    ),
                    func.max(BalanceRow.expiration_date),
                ),
                blocked,
                derived,
                func.min(
                    _when(
                        and_(LocationRow.kind == LocationKind.INTERNAL.value, BalanceRow.quantity > 0),
                        LocationRow.code,
                    )
                ),
                func.max(
                    _when(
                        and_(LocationRow.kind == LocationKind.INTERNAL.value, BalanceRow.quantity > 0),
                        LocationRow.code,
                    )
                ),
            )
            .join(ItemRow, ItemRow.id == BalanceRow.item_id)
            .join(LocationRow, LocationRow.id == BalanceRow.location_id)
            .outerjoin(
                TrackingInfoRow,
                and_(
                    TrackingInfoRow.item_id == BalanceRow.item_id,
                    TrackingInfoRow.kind == "lot",
                    TrackingInfoRow.number == BalanceRow.lot,
                ),
            )
            .where(BalanceRow.lot != "")
            .group_by(ItemRow.sku, BalanceRow.lot)
            .order_by(ItemRow.sku, BalanceRow.lot)
            .limit(limit)
        )
        if item:
            query = query.where(BalanceRow.item_id == self.md.item_id(item))
        if lot:
            query = query.where(BalanceRow.lot == lot)
        if q:
            query = query.where(BalanceRow.lot.contains(q, autoescape=True))
        if after:
            query = query.where(
                tuple_(ItemRow.sku, BalanceRow.lot) > tuple_(literal(after[0]), literal(after[1]))
            )
        if location:
            located = select(BalanceRow.item_id, BalanceRow.lot).join(
                LocationRow, LocationRow.id == BalanceRow.location_id
            )
            located = located.where(LocationRow.code == location, BalanceRow.quantity > 0)
            query = query.where(tuple_(BalanceRow.item_id, BalanceRow.lot).in_(located))
        if status is not None:
            query = query.having(derived == status.value)
        result = []
        for (
            sku,
            lot_no,
            on_hand,
            expiration,
            is_blocked,
            lot_status,
            first_loc,
            last_loc,
        ) in self.session.execute(query):
            result.append(
                Listed(
                    item=sku,
                    number=lot_no,
                    lot=lot_no,
                    status=TrackingStatus(lot_status),
                    location=first_loc if first_loc == last_loc else None,
                    quantity=on_hand or ZERO,
                    expiration_date=expiration,
                    blocked=bool(is_blocked),
                )
            )
        return result

    # -- availability --------------------------------------------------------------------------
    def availability(
        self, item: str, *, location: str | None = None, lot: str | None = None, serial: str | None = None
    ) -> tuple[list[Amount], list[Amount]]:
        """On hand and reserved per (internal location, lot, expiration date): two grouped queries.

        A reservation carries the date of the stock it names (its balance, same key and place);
        whether that is past is the domain's to say. Raises `NotFound` for an unknown item or location.
        """
        item_id = self.md.item_id(item)
        location_id = self.md.location_id(location) if location else None
        b, r = BalanceRow, ReservationRow
        named = and_(
            b.item_id == r.item_id,
            b.location_id == r.location_id,
            b.serial == r.serial,
            b.lot == r.lot,
            b.package == r.package,
            b.quantity > 0,
        )
        found: list[list[Amount]] = []
        for table, query in (
            (
                b,
                select(
                    LocationRow.code, b.lot, b.expiration_date, type_coerce(func.sum(b.quantity), Quantity)
                ),
            ),
            (
                r,
                select(
                    LocationRow.code, r.lot, b.expiration_date, type_coerce(func.sum(r.quantity), Quantity)
                )
                .select_from(r)
                .outerjoin(b, named),
            ),
        ):
            query = (
                query.join(LocationRow, LocationRow.id == table.location_id)
                .where(
                    table.item_id == item_id,
                    table.quantity > 0,
                    LocationRow.kind == LocationKind.INTERNAL.value,
                )
                .group_by(LocationRow.code, table.lot, b.expiration_date)
            )
            if location_id is not None:
                query = query.where(table.location_id == location_id)
            if lot:
                query = query.where(table.lot == lot)
            if serial:
                query = query.where(table.serial == serial)
            found.append(
                [
                    Amount(code, unblank(lot_no), qty, expiration)
                    for code, lot_no, expiration, qty in self.session.execute(query)
                ]
            )
        return found[0], found[1]

    # -- check ---------------------------------------------------------------------------------
    def projection_differences(self) -> list[tuple[str, str, TrackingKey, Decimal, Decimal]]:
        """Compare the balance projection with balances recomputed from the whole ledger.

        Returns (item, location, key, projected, recomputed) for every difference.
        """
        moves = (
            select(
                LedgerEntryRow.item_id.label("item_id"),
                LedgerEntryRow.from_location_id.label("location_id"),
                LedgerEntryRow.serial.label("serial"),
                LedgerEntryRow.lot.label("lot"),
                LedgerEntryRow.package.label("package"),
                (-type_coerce(LedgerEntryRow.quantity, Quantity.impl)).label("units"),
            )
            .union_all(
                select(
                    LedgerEntryRow.item_id,
                    LedgerEntryRow.to_location_id,
                    LedgerEntryRow.serial,
                    LedgerEntryRow.lot,
                    LedgerEntryRow.package,
                    type_coerce(LedgerEntryRow.quantity, Quantity.impl),
                )
            )
            .subquery()
        )
        recomputed = (
            select(
                moves.c.item_id,
                moves.c.location_id,
                moves.c.serial,
                moves.c.lot,
                moves.c.package,
                func.sum(moves.c.units).label("units"),
            )
            .group_by(moves.c.item_id, moves.c.location_id, moves.c.serial, moves.c.lot, moves.c.package)
            .subquery()
        )
        projected_ids = set(
            self.session.scalars(
                select(LocationRow.id).where(LocationRow.kind.in_([k.value for k in PROJECTED_KINDS]))
            )
        )
        expected: dict[tuple[int, int, str, str, str], int] = {
            (r.item_id, r.location_id, r.serial, r.lot, r.package): int(r.units)
            for r in self.session.execute(select(recomputed))
            if r.location_id in projected_ids
        }
        raw = BalanceRow.__table__.c
        projected: dict[tuple[int, int, str, str, str], int] = {
            (r.item_id, r.location_id, r.serial, r.lot, r.package): int(r.quantity)
            for r in self.session.execute(
                select(
                    raw.item_id,
                    raw.location_id,
                    raw.serial,
                    raw.lot,
                    raw.package,
                    type_coerce(raw.quantity, Quantity.impl).label("quantity"),
                )
            )
        }
        diffs = []
        skus: dict[int, str] = {r[0]: r[1] for r in self.session.execute(select(ItemRow.id, ItemRow.sku))}
        codes: dict[int, str] = {
            r[0]: r[1] for r in self.session.execute(select(LocationRow.id, LocationRow.code))
        }
        for key in sorted(set(expected) | set(projected)):
            want, have = expected.get(key, 0), projected.get(key, 0)
            if want != have:
                item_id, location_id, serial, lot_no, package = key
                diffs.append(
                    (
                        skus[item_id],
                        codes[location_id],
                        TrackingKey(skus[item_id], unblank(serial), unblank(lot_no), unblank(package)),
                        Decimal(have) / 1000,
                        Decimal(want) / 1000,
                    )
                )
        return diffs

    def negative_balances(self) -> list[tuple[str, TrackingKey, Decimal]]:
        """(location, key, quantity) of every balance below zero: at our places, on the road or at
        a customer (a return that took back more than was delivered)."""
        b = BalanceRow
        rows = self.session.execute(
            select(LocationRow.code, ItemRow.sku, b.serial, b.lot, b.package, b.quantity)
            .join(LocationRow, LocationRow.id == b.location_id)
            .join(ItemRow, ItemRow.id == b.item_id)
            .where(type_coerce(b.quantity, Quantity.impl) < 0)
            .order_by(ItemRow.sku, LocationRow.code, b.serial, b.lot, b.package)
        )
        return [
            (loc, TrackingKey(sku, unblank(serial), unblank(lot_no), unblank(package)), qty)
            for loc, sku, serial, lot_no, package, qty in rows
        ]

    def serials_in_stock_twice(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(serial, [(item, location), ...]) for each serial in stock more than once: twice for one
        item, or on two items that both have globally unique serials."""
        b = BalanceRow
        # Whether serials are global is read from the tracking code itself, not from the balance's
        # copy of it: check must not trust the denormalised flag it is checking.
        held = (
            select(
                b.serial,
                ItemRow.sku,
                LocationRow.code,
                func.coalesce(TrackingCodeRow.serial_unique == SerialUnique.GLOBAL.value, False),
                b.quantity,
            )
            .join(LocationRow, LocationRow.id == b.location_id)
            .join(ItemRow, ItemRow.id == b.item_id)
            .outerjoin(TrackingCodeRow, TrackingCodeRow.id == ItemRow.tracking_code_id)
            .where(b.in_stock, b.serial != "", type_coerce(b.quantity, Quantity.impl) > 0)
        )
        repeated = (
            select(b.serial)
            .where(b.in_stock, b.serial != "", type_coerce(b.quantity, Quantity.impl) > 0)
            .group_by(b.serial)
            .having(func.count() > 1)
        )
        places: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
        for serial, sku, loc, global_serial, _ in self.session.execute(
            held.where(b.serial.in_(repeated)).order_by(b.serial, ItemRow.sku, LocationRow.code)
        ):
            places[serial].append((sku, loc, bool(global_serial)))
        for serial, sku, loc, global_serial, qty in self.session.execute(
            held.where(type_coerce(b.quantity, Quantity.impl) > 1000)
        ):
            places[serial].extend([(sku, loc, bool(global_serial))] * int(qty))
        twice = []
        for serial, found in sorted(places.items()):
            skus = [sku for sku, _, _ in found]
            if len(set(skus)) < len(skus) or sum(1 for _, _, g in found if g) > 1:
                twice.append((serial, [(sku, loc) for sku, loc, _ in found]))
        return twice

    def ledger_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0)


def _when(condition: Any, value: Any) -> Any:
    from sqlalchemy import case

    return case((condition, value))


def _serial_reserved() -> Any:
    """Whether an open document reserves the serial of this (last) entry where it went: EXISTS."""
    r = ReservationRow
    e = LedgerEntryRow
    return (
        select(r.id)
        .where(r.item_id == e.item_id, r.serial == e.serial, r.location_id == e.to_location_id)
        .exists()
    )


def _expired(expiration_date: Any, today: date) -> Any:
    """`status.is_expired` in SQL, for filters that must page in the database: a date before
    `today` (on the date itself is still good). Never NULL: no date is never expired."""
    return and_(expiration_date.is_not(None), expiration_date < literal(today, Date))


def _status_filter(
    query: Any, status: TrackingStatus, kind_column: Any, blocked: Any, reserved: Any, expired: Any
) -> Any:
    """Blocked wins over expired, expired over reserved, reserved over available (as `status_at`
    decides).

    `blocked` and `expired` are boolean expressions that are never NULL.
    """
    internal = kind_column == LocationKind.INTERNAL.value
    if status is TrackingStatus.BLOCKED:
        return query.where(kind_column.in_(["internal", "transit"]), blocked)
    if status is TrackingStatus.EXPIRED:
        return query.where(internal, ~blocked, expired)
    if status is TrackingStatus.RESERVED:
        return query.where(internal, ~blocked, ~expired, reserved)
    kind = KIND_OF_STATUS[status]
    query = query.where(kind_column == kind.value)
    if kind in (LocationKind.INTERNAL, LocationKind.TRANSIT):
        query = query.where(~blocked)
    if status is TrackingStatus.AVAILABLE:
        query = query.where(~expired, ~reserved)
    return query


__all__: Sequence[str] = ["Queries"]
