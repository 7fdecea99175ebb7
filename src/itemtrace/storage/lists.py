"""The search lists, `GET /serials` and `GET /lots`: pages by keyset cursor, with a status
filter derived in SQL so that a filtered page is full."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, tuple_, type_coerce
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.cards import Listed, ListFilter
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.status import TrackingStatus, is_expired, status_at
from itemtrace.storage.history import Target
from itemtrace.storage.location_tree import location_ids
from itemtrace.storage.mapping import unblank
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.status_sql import expired as expired_sql
from itemtrace.storage.status_sql import serial_reserved, status_filter, when
from itemtrace.storage.tables import (
    BalanceRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
    PartnerRow,
    Quantity,
    ReclassLinkRow,
    TrackingInfoRow,
)

# Where the last of a lot can have gone once none is on our shelves or on the road.
_GONE_KINDS = (
    LocationKind.CUSTOMER,
    LocationKind.PRODUCTION,
    LocationKind.SCRAP,
    LocationKind.ADJUSTMENT,
    LocationKind.RECLASSIFICATION,
)

ZERO = Decimal(0)


class Lists:
    """`uow.lists`: serials and lots, a page at a time."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def serials(
        self,
        f: ListFilter,
        *,
        today: date,
    ) -> list[Listed]:
        """Serials by (item, serial), each where its last entry put it; `status` filters in SQL."""
        query = self._serial_query(f, today).order_by(ItemRow.sku, LedgerEntryRow.serial).limit(f.limit)
        if f.after:
            query = query.where(
                tuple_(ItemRow.sku, LedgerEntryRow.serial) > tuple_(literal(f.after[0]), literal(f.after[1]))
            )
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
                    location=dst if kind.in_stock else None,
                    holder=partner if kind is LocationKind.CUSTOMER else None,
                    quantity=Decimal(1) if kind is LocationKind.INTERNAL else ZERO,
                    expiration_date=row.expiration_date,
                    blocked=bool(own_block),
                )
            )
        return result

    def serial_status_counts(self, *, today: date) -> dict[TrackingStatus, int]:
        """How many serials have each status today (the dashboard): one query that counts the
        serials by what their status depends on, then `status_at` names each group's status, as
        it does on the list's rows."""
        rows = self._serial_query(ListFilter(), today).subquery()
        expired = expired_sql(rows.c.expiration_date, today)
        query = select(rows.c.target_kind, rows.c.held, rows.c.is_reserved, expired, func.count()).group_by(
            rows.c.target_kind, rows.c.held, rows.c.is_reserved, expired
        )
        counts = dict.fromkeys(TrackingStatus, 0)
        for kind, held, is_reserved, is_expired_, n in self.session.execute(query):
            status = status_at(
                LocationKind(kind), blocked=bool(held), reserved=bool(is_reserved), expired=bool(is_expired_)
            )
            counts[status] += n
        return counts

    def _serial_query(self, f: ListFilter, today: date) -> Any:
        """Each serial's last entry with what its status needs, filtered by `f` but for its page."""
        inner = select(func.max(LedgerEntryRow.id).label("id")).where(LedgerEntryRow.serial != "")
        if f.item:
            inner = inner.where(LedgerEntryRow.item_id == self.md.item_id(f.item))
        if f.q:
            inner = inner.where(LedgerEntryRow.serial.contains(f.q, autoescape=True))
        last = inner.group_by(LedgerEntryRow.item_id, LedgerEntryRow.serial).subquery()
        info = aliased(TrackingInfoRow)
        lot_info = aliased(TrackingInfoRow)
        package_info = aliased(TrackingInfoRow)
        reserved = serial_reserved()
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
                Target.kind.label("target_kind"),
                PartnerRow.code,
                info.blocked,
                reserved.label("is_reserved"),
                blocked.label("held"),
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
        )
        if f.location:
            query = query.where(Target.id.in_(location_ids(f.location, include_children=f.include_children)))
        if f.lot:
            query = query.where(LedgerEntryRow.lot == f.lot)
        if f.status is not None:
            expired = expired_sql(LedgerEntryRow.expiration_date, today)
            query = status_filter(query, f.status, Target.kind, blocked, reserved, expired)
        return query

    def lots(
        self,
        f: ListFilter,
        *,
        today: date,
    ) -> list[Listed]:
        """Lots by (item, lot) with their status derived in SQL from all their balances."""
        on_hand_units = func.sum(
            func.coalesce(when(LocationRow.kind == LocationKind.INTERNAL.value, BalanceRow.quantity), 0)
        )
        transit_units = func.sum(
            func.coalesce(when(LocationRow.kind == LocationKind.TRANSIT.value, BalanceRow.quantity), 0)
        )
        blocked = func.max(when(TrackingInfoRow.blocked, 1))
        gone_kind = func.max(
            when(
                and_(LocationRow.kind.in_([k.value for k in _GONE_KINDS]), BalanceRow.quantity > 0),
                LocationRow.kind,
            )
        )
        # Stock on our shelves past its date (as the lot card: any of it; a lot on hand has one date).
        expired = expired_sql(
            func.min(
                when(
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
            # Nothing held anywhere and a reclassification renamed it: `renamed`.
            (
                select(ReclassLinkRow.id)
                .where(ReclassLinkRow.item_id == ItemRow.id, ReclassLinkRow.old_lot == BalanceRow.lot)
                .exists(),
                TrackingStatus.RENAMED.value,
            ),
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
                        when(and_(BalanceRow.in_stock, BalanceRow.quantity > 0), BalanceRow.expiration_date)
                    ),
                    func.max(BalanceRow.expiration_date),
                ),
                blocked,
                derived,
                func.min(
                    when(
                        and_(LocationRow.kind == LocationKind.INTERNAL.value, BalanceRow.quantity > 0),
                        LocationRow.code,
                    )
                ),
                func.max(
                    when(
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
            .group_by(ItemRow.sku, BalanceRow.lot, ItemRow.id)  # sku is unique: the id adds no group
            .order_by(ItemRow.sku, BalanceRow.lot)
            .limit(f.limit)
        )
        if f.item:
            query = query.where(BalanceRow.item_id == self.md.item_id(f.item))
        if f.lot:
            query = query.where(BalanceRow.lot == f.lot)
        if f.q:
            query = query.where(BalanceRow.lot.contains(f.q, autoescape=True))
        if f.after:
            query = query.where(
                tuple_(ItemRow.sku, BalanceRow.lot) > tuple_(literal(f.after[0]), literal(f.after[1]))
            )
        if f.location:
            located = select(BalanceRow.item_id, BalanceRow.lot).where(
                BalanceRow.location_id.in_(location_ids(f.location, include_children=f.include_children)),
                BalanceRow.quantity > 0,
            )
            query = query.where(tuple_(BalanceRow.item_id, BalanceRow.lot).in_(located))
        if f.status is not None:
            query = query.having(derived == f.status.value)
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


__all__: Sequence[str] = ["Lists"]
