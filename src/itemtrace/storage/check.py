"""`itemtrace check`'s questions to the database: the projection against the ledger, negative
balances, serials in stock twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVarTuple

from sqlalchemy import Select, and_, func, literal, or_, select, true, type_coerce
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.masterdata import PROJECTED_KINDS
from itemtrace.domain.tracking import SerialUnique, TrackingKey
from itemtrace.storage.mapping import unblank
from itemtrace.storage.tables import (
    BalanceRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
    Quantity,
    TrackingCodeRow,
)

Ts = TypeVarTuple("Ts")
_LAST_ID = 2**63 - 1  # the largest BIGINT (and SQLite rowid)
_DIFFERENCE, _KEYS = 0, 1  # the kinds of rows of the comparison statement
# (item id, location id, serial, lot, package, projected, recomputed), quantities in thousandths
_Differing = tuple[int, int, str, str, str, int, int]


def _only_moved(
    query: Select[*Ts], table: type[LedgerEntryRow] | type[BalanceRow], since: int | None
) -> Select[*Ts]:
    """`query` kept to the rows of the keys (item, serial, lot, package) that ledger entries
    after `since` moved (unchanged when None): joined to those keys, read from a range of the
    primary key, so each key's rows are found by an index on the whole key. (SQLite, without
    statistics, reads `id > since` by scanning the whole key index, in the order DISTINCT wants;
    a range closed on both sides sends it to the rowid range. And it searches a row-value IN by
    its first column only, hence the join.)"""
    if since is None:
        return query
    e = aliased(LedgerEntryRow, name="moved_entry")
    moved = (
        select(e.item_id, e.serial, e.lot, e.package)
        .where(e.id.between(since + 1, _LAST_ID))
        .distinct()
        .subquery("moved")
    )
    on = and_(
        table.item_id == moved.c.item_id,
        table.serial == moved.c.serial,
        table.lot == moved.c.lot,
        table.package == moved.c.package,
    )
    return query.join(moved, on)


class Check:
    """`uow.check`: what `services/ledger.py` verifies."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def entries_after(self, entry_id: int) -> int:
        e = LedgerEntryRow
        return int(
            self.session.scalar(
                select(func.count()).select_from(e).where(e.id.between(entry_id + 1, _LAST_ID))
            )
            or 0
        )

    def projection_differences(
        self, since: int | None = None
    ) -> tuple[list[tuple[str, str, TrackingKey, Decimal, Decimal]], int]:
        """Compare the balance projection with balances recomputed from the whole ledger: of every
        key, or (`since`) of the keys entries after that id moved, each from its whole history.

        A full check compares in the database, which returns only the differences and the number
        of keys: 100 million entries hold tens of millions of balances, far more than the checking
        process should hold. An incremental check reads the few moved keys' balances, both ways,
        and compares them here: two statements the planner reads key by key through the indexes
        (joined in one statement, it misjudges how many keys moved and compares every pair).
        Returns (item, location, key, projected, recomputed) for every difference, and how many
        (item, serial, lot, package) keys were recomputed.
        """
        e = LedgerEntryRow
        quantity = type_coerce(e.quantity, Quantity.impl)
        moves = (
            _only_moved(
                select(
                    e.item_id.label("item_id"),
                    e.from_location_id.label("location_id"),
                    e.serial.label("serial"),
                    e.lot.label("lot"),
                    e.package.label("package"),
                    (-quantity).label("units"),
                ),
                e,
                since,
            )
            .union_all(
                _only_moved(
                    select(e.item_id, e.to_location_id, e.serial, e.lot, e.package, quantity), e, since
                )
            )
            .subquery("moves")
        )
        recomputed = select(
            moves.c.item_id,
            moves.c.location_id,
            moves.c.serial,
            moves.c.lot,
            moves.c.package,
            func.sum(moves.c.units).label("units"),
        ).group_by(moves.c.item_id, moves.c.location_id, moves.c.serial, moves.c.lot, moves.c.package)
        raw = BalanceRow.__table__.c
        projected = _only_moved(
            select(
                raw.item_id,
                raw.location_id,
                raw.serial,
                raw.lot,
                raw.package,
                type_coerce(raw.quantity, Quantity.impl).label("quantity"),
            ),
            BalanceRow,
            since,
        )
        # The few places without a balance (supplier, production, …), not the many with one.
        unprojected = set(
            self.session.scalars(
                select(LocationRow.id).where(LocationRow.kind.not_in([k.value for k in PROJECTED_KINDS]))
            )
        )
        if since is None:
            differing, examined = self._compared_in_database(recomputed, projected, unprojected)
        else:
            differing, examined = self._compared_here(recomputed, projected, unprojected)
        # Names of the differing keys' items and places only (a ledger may have 50,000 customers).
        skus: dict[int, str] = dict(
            self.session.execute(
                select(ItemRow.id, ItemRow.sku).where(ItemRow.id.in_({k[0] for k in differing}))
            ).all()
        )
        codes: dict[int, str] = dict(
            self.session.execute(
                select(LocationRow.id, LocationRow.code).where(LocationRow.id.in_({k[1] for k in differing}))
            ).all()
        )
        diffs = [
            (
                skus[item_id],
                codes[location_id],
                TrackingKey(skus[item_id], unblank(serial), unblank(lot_no), unblank(package)),
                Decimal(have) / 1000,
                Decimal(want) / 1000,
            )
            for item_id, location_id, serial, lot_no, package, have, want in differing
        ]
        return diffs, examined

    def _compared_here(
        self, recomputed: Select[Any], projected: Select[Any], unprojected: set[int]
    ) -> tuple[list[_Differing], int]:
        expected: dict[tuple[int, int, str, str, str], int] = {}
        examined: set[tuple[int, str, str, str]] = set()
        for r in self.session.execute(recomputed):
            examined.add((r.item_id, r.serial, r.lot, r.package))
            if r.location_id not in unprojected:
                expected[(r.item_id, r.location_id, r.serial, r.lot, r.package)] = int(r.units)
        held = {
            (r.item_id, r.location_id, r.serial, r.lot, r.package): int(r.quantity)
            for r in self.session.execute(projected)
        }
        differing = [
            (*key, held.get(key, 0), expected.get(key, 0))
            for key in sorted(set(expected) | set(held))
            if expected.get(key, 0) != held.get(key, 0)
        ]
        return differing, len(examined)

    def _compared_in_database(
        self, recomputed_query: Select[Any], projected_query: Select[Any], unprojected: set[int]
    ) -> tuple[list[_Differing], int]:
        recomputed = recomputed_query.cte("recomputed")
        projected = projected_query.subquery("projected")  # not a CTE: joined through its own index
        same_key = and_(
            *(
                projected.c[name] == recomputed.c[name]
                for name in ("item_id", "location_id", "serial", "lot", "package")
            )
        )
        have = func.coalesce(projected.c.quantity, 0)
        keys = select(
            recomputed.c.item_id, recomputed.c.serial, recomputed.c.lot, recomputed.c.package
        ).distinct()
        rows = self.session.execute(
            select(
                literal(_DIFFERENCE).label("kind"),
                recomputed.c.item_id,
                recomputed.c.location_id,
                recomputed.c.serial,
                recomputed.c.lot,
                recomputed.c.package,
                have.label("have"),
                recomputed.c.units.label("want"),
            )
            .select_from(recomputed.outerjoin(projected, same_key))
            .where(recomputed.c.location_id.not_in(unprojected), have != recomputed.c.units)
            .union_all(
                select(
                    literal(_DIFFERENCE),
                    projected.c.item_id,
                    projected.c.location_id,
                    projected.c.serial,
                    projected.c.lot,
                    projected.c.package,
                    projected.c.quantity,
                    literal(0),
                )
                .select_from(projected.outerjoin(recomputed, same_key))
                .where(
                    or_(recomputed.c.item_id.is_(None), projected.c.location_id.in_(unprojected)),
                    projected.c.quantity != 0,
                ),
                select(
                    literal(_KEYS),
                    literal(None),
                    literal(None),
                    literal(None),
                    literal(None),
                    literal(None),
                    literal(None),
                    select(func.count()).select_from(keys.subquery()).scalar_subquery(),
                ),
            )
        ).all()
        differing = sorted(
            (r.item_id, r.location_id, r.serial, r.lot, r.package, int(r.have), int(r.want))
            for r in rows
            if r.kind == _DIFFERENCE
        )
        return differing, sum(int(r.want) for r in rows if r.kind == _KEYS)

    def negative_balances(self, since: int | None = None) -> list[tuple[str, TrackingKey, Decimal]]:
        """(location, key, quantity) of every balance below zero (of the keys moved after `since`,
        if given): at our places, on the road or at a customer (a return that took back more than
        was delivered)."""
        b = BalanceRow
        rows = self.session.execute(
            _only_moved(
                select(LocationRow.code, ItemRow.sku, b.serial, b.lot, b.package, b.quantity), b, since
            )
            .join(LocationRow, LocationRow.id == b.location_id)
            .join(ItemRow, ItemRow.id == b.item_id)
            .where(type_coerce(b.quantity, Quantity.impl) < 0)
            .order_by(ItemRow.sku, LocationRow.code, b.serial, b.lot, b.package)
        )
        return [
            (loc, TrackingKey(sku, unblank(serial), unblank(lot_no), unblank(package)), qty)
            for loc, sku, serial, lot_no, package, qty in rows
        ]

    def serials_in_stock_twice(self, since: int | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
        """(serial, [(item, location), ...]) for each serial (moved after `since`, if given) in
        stock more than once: twice for one item, or on two items with globally unique serials."""
        b = BalanceRow
        e = aliased(LedgerEntryRow)
        # IN removes the repeats itself (DISTINCT would lead SQLite to scan the key index).
        only = (
            true()
            if since is None
            else b.serial.in_(select(e.serial).where(e.id.between(since + 1, _LAST_ID)))
        )
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
            .where(b.in_stock, b.serial != "", type_coerce(b.quantity, Quantity.impl) > 0, only)
        )
        repeated = (
            select(b.serial)
            .where(b.in_stock, b.serial != "", type_coerce(b.quantity, Quantity.impl) > 0, only)
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


__all__: Sequence[str] = ["Check"]
