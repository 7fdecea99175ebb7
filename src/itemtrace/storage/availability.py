"""What of an item is on hand and reserved, per internal location, lot and expiration date."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, select, type_coerce
from sqlalchemy.orm import Session

from itemtrace.domain.availability import Amount
from itemtrace.domain.masterdata import LocationKind
from itemtrace.storage.location_tree import location_ids
from itemtrace.storage.mapping import unblank
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import BalanceRow, LocationRow, Quantity, ReservationRow


class Availability:
    """`uow.availability`: on hand and reserved, for `GET /availability`."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def availability(
        self,
        item: str,
        *,
        location: str | None = None,
        lot: str | None = None,
        serial: str | None = None,
        include_children: bool = True,
    ) -> tuple[list[Amount], list[Amount]]:
        """On hand and reserved per (internal location, lot, expiration date): two grouped queries.

        A reservation carries the date of the stock it names (its balance, same key and place);
        whether that is past is the domain's to say. `location` counts the locations under it too
        (a warehouse's bins, at any depth), unless `include_children` is false. Raises `NotFound`
        for an unknown item or location.
        """
        item_id = self.md.item_id(item)
        places = None
        if location:
            self.md.location_id(location)  # NotFound for an unknown one
            places = location_ids(location, include_children=include_children)
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
            if places is not None:
                query = query.where(table.location_id.in_(places))
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


__all__: Sequence[str] = ["Availability"]
