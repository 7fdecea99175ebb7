"""Stock a posting touches: balances, reservations, blocked numbers, what partners hold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import Session

from itemtrace.domain.documents import Status
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.stock import (
    BlockedKey,
    Bucket,
    CustomerMove,
    Named,
    Reservation,
    StockNeeds,
    StockView,
    held_by_partner,
)
from itemtrace.domain.tracking import Dimension, TrackingKey
from itemtrace.storage import dialect, mapping
from itemtrace.storage.dialect import chunks
from itemtrace.storage.location_tree import location_ids
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import (
    SOURCE,
    TARGET,
    BalanceRow,
    DocumentRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
    PartnerRow,
    ReservationRow,
    TrackingInfoRow,
)


def _merge(a: Named | None, b: Named | None) -> Named | None:
    if a is None or b is None:
        return None
    return (a[0] | b[0], a[1] | b[1], a[2] | b[2])


def _by_first_number(keys: Iterable[TrackingKey], row: Any) -> list[tuple[tuple[str, Any], list[str]]]:
    """Keys grouped by item and the first dimension they name (serial, lot, package), as that
    column of `row` and the sorted numbers in it; a key naming none has the column None."""
    grouped: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key in keys:
        name = "serial" if key.serial else "lot" if key.lot else "package" if key.package else ""
        grouped[(key.item, name)].add(mapping.blank(key.number(Dimension(name))) if name else "")
    return [
        ((sku, getattr(row, name) if name else None), sorted(numbers))
        for (sku, name), numbers in sorted(grouped.items())
    ]


class Stock:
    """Loads exactly the stock a posting touches, locking it on PostgreSQL."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def _bucket_query(self) -> Any:
        return (
            select(
                LocationRow.code,
                ItemRow.sku,
                BalanceRow.serial,
                BalanceRow.lot,
                BalanceRow.package,
                BalanceRow.quantity,
                BalanceRow.expiration_date,
                BalanceRow.first_in_date,
            )
            .join(LocationRow, LocationRow.id == BalanceRow.location_id)
            .join(ItemRow, ItemRow.id == BalanceRow.item_id)
            .where(BalanceRow.quantity > 0)
        )

    def load(self, needs: StockNeeds, *, lock: bool = True) -> StockView:
        """The stock `needs` names, its sources and targets locked unless `lock` is False (a
        read that only shows it, such as a count draft beside what is on hand)."""
        buckets: dict[tuple[Any, ...], Bucket] = {}
        locking = lock

        def collect(query: Any, lock: bool = False) -> None:
            if lock and locking:
                query = dialect.for_update(query, self.session, of=BalanceRow)
            for loc, sku, serial, lot, package, qty, exp, first in self.session.execute(query):
                key = mapping.tracking_key(sku, serial, lot, package)
                buckets[(loc, key)] = Bucket(loc, key, qty, exp, first)

        # Sources and the places lines put stock, locked in one order (item, then location): what
        # this posting takes out must not change under it, and two postings never wait for each
        # other's rows in opposite orders.
        places: dict[tuple[str, str], Named | None] = dict(needs.locked)
        for place, named in needs.at_source.items():
            places[place] = _merge(places[place], named) if place in places else named
        for (sku, location), named in sorted(places.items(), key=lambda kv: kv[0]):
            base = self._bucket_query().where(
                BalanceRow.item_id == self.md.item_id(sku),
                BalanceRow.location_id == self.md.location_id(location),
            )
            if named is None:
                collect(base.order_by(BalanceRow.id), lock=True)
                continue
            serials, lots, packages = named
            for column, values in (
                (BalanceRow.serial, serials),
                (BalanceRow.lot, lots),
                (BalanceRow.package, packages),
            ):
                for batch in chunks(sorted(values)):
                    collect(base.where(column.in_(batch)).order_by(BalanceRow.id), lock=True)
        by_item: dict[str, set[str]] = defaultdict(set)
        for sku, serial in needs.serials_of_item:
            by_item[sku].add(serial)
        for sku, serials in by_item.items():
            for among in dialect.one_of(self.session, BalanceRow.serial, sorted(serials)):
                item_id = dialect.by_other_index(self.session, BalanceRow.item_id)
                collect(
                    self._bucket_query().where(
                        item_id == self.md.item_id(sku), among, BalanceRow.serial != ""
                    )
                )
        for among in dialect.one_of(self.session, BalanceRow.serial, sorted(needs.serials_global)):
            collect(self._bucket_query().where(among, BalanceRow.serial != "", BalanceRow.in_stock))
        lots_by_item: dict[str, set[str]] = defaultdict(set)
        for sku, lot in needs.lots_of_item:
            lots_by_item[sku].add(lot)
        for sku, lots in lots_by_item.items():
            for among in dialect.one_of(self.session, BalanceRow.lot, sorted(lots)):
                collect(
                    self._bucket_query().where(
                        BalanceRow.item_id == self.md.item_id(sku),
                        among,
                        BalanceRow.lot != "",
                        BalanceRow.in_stock,
                    )
                )
        # What a return takes back: its balances at the customer's place and where it goes were
        # locked above, so what a partner holds is read after any concurrent return committed.
        returned = {key for _, key in needs.returned}
        return StockView(
            buckets=list(buckets.values()),
            blocked=self._blocked(needs.items),
            delivered=self._delivered(returned),
            reservations=self._reservations(set(needs.at_source), needs.document_id),
        )

    def analyze(self) -> None:
        """Let the database's planner see the balances this transaction wrote so far: an import
        that put 100,000 serials in stock looks the next ones up by serial, not through every
        balance of the item."""
        dialect.analyze(self.session, "balance")

    def on_hand(self, item: str, *, location: str | None = None, include_children: bool = True) -> StockView:
        """Everything of `item` in our places (at `location` and, unless told not to, the places
        under it), with what open documents reserve there and its blocked numbers; read, not locked
        (for suggestions: a posting locks and checks again)."""
        item_id = self.md.item_id(item)
        query = self._bucket_query().where(
            BalanceRow.item_id == item_id, LocationRow.kind == LocationKind.INTERNAL.value
        )
        if location is not None:
            self.md.location_id(location)  # an unknown location is reported as such
            query = query.where(
                BalanceRow.location_id.in_(location_ids(location, include_children=include_children))
            )
        buckets = []
        for loc, sku, serial, lot, package, qty, exp, first in self.session.execute(
            query.order_by(BalanceRow.id)
        ):
            buckets.append(Bucket(loc, mapping.tracking_key(sku, serial, lot, package), qty, exp, first))
        places = {(item, b.location) for b in buckets}
        return StockView(
            buckets=buckets, blocked=self._blocked({item}), reservations=self._reservations(places, None)
        )

    def package_contents(
        self, places: Iterable[tuple[str, str | None]]
    ) -> dict[tuple[str, str | None], list[Bucket]]:
        """What each (package, location) holds: every balance of any item in that package there
        (location None: wherever it is on hand)."""
        found: dict[tuple[str, str | None], list[Bucket]] = defaultdict(list)
        for package, location in sorted(set(places), key=lambda p: (p[0], p[1] or "")):
            where = (
                BalanceRow.location_id == self.md.location_id(location)
                if location is not None
                else BalanceRow.in_stock
            )
            query = self._bucket_query().where(BalanceRow.package == package, where)
            for loc, sku, serial, lot, pkg, qty, exp, first in self.session.execute(
                query.order_by(BalanceRow.id)
            ):
                found[(package, location)].append(
                    Bucket(loc, mapping.tracking_key(sku, serial, lot, pkg), qty, exp, first)
                )
        return dict(found)

    def items_at(self, locations: Iterable[str]) -> dict[str, set[str]]:
        """The items with stock at each location, in one query (a count of a whole location
        counts every one of them)."""
        ids = {self.md.location_id(code): code for code in locations}
        if not ids:
            return {}
        query = (
            select(BalanceRow.location_id, ItemRow.sku)
            .join(ItemRow, ItemRow.id == BalanceRow.item_id)
            .where(BalanceRow.location_id.in_(list(ids)), BalanceRow.quantity > 0)
            .distinct()
        )
        found: dict[str, set[str]] = defaultdict(set)
        for location_id, sku in self.session.execute(query):
            found[ids[location_id]].add(sku)
        return dict(found)

    def _reservations(self, places: set[tuple[str, str]], document_id: int | None) -> list[Reservation]:
        """What other open documents reserve where this one takes stock from: one query.

        Read after the source balances are locked, so a concurrent draft that reserved the same
        stock has committed (and is seen) or waits behind this transaction.
        """
        if not places:
            return []
        self.md.locations({loc for _, loc in places})  # their ids, in one query
        pairs = sorted((self.md.item_id(sku), self.md.location_id(loc)) for sku, loc in places)
        r = ReservationRow
        result = []
        for batch in chunks(pairs, 500):
            query = (
                select(DocumentRow.number, LocationRow.code, ItemRow.sku, r.serial, r.lot, r.package)
                .add_columns(r.quantity, r.line_no)
                .join(DocumentRow, DocumentRow.id == r.document_id)
                .join(LocationRow, LocationRow.id == r.location_id)
                .join(ItemRow, ItemRow.id == r.item_id)
                .where(tuple_(r.item_id, r.location_id).in_(batch), DocumentRow.status == Status.DRAFT.value)
                .order_by(r.id)
            )
            if document_id is not None:
                query = query.where(r.document_id != document_id)
            for number, loc, sku, serial, lot, package, qty, line_no in self.session.execute(query):
                result.append(
                    Reservation(number, loc, mapping.tracking_key(sku, serial, lot, package), qty, line_no)
                )
        return result

    def _blocked(self, skus: set[str]) -> frozenset[BlockedKey]:
        if not skus:
            return frozenset()
        ids = {self.md.item_id(s): s for s in skus}
        rows = self.session.execute(
            select(TrackingInfoRow.item_id, TrackingInfoRow.kind, TrackingInfoRow.number).where(
                TrackingInfoRow.blocked,
                or_(TrackingInfoRow.item_id.in_(list(ids)), TrackingInfoRow.item_id.is_(None)),
            )
        )
        return frozenset(
            (ids.get(item_id) if item_id else None, Dimension(kind), number) for item_id, kind, number in rows
        )

    def _delivered(self, keys: set[TrackingKey]) -> dict[tuple[str | None, TrackingKey], Decimal]:
        """What each partner holds of each returned key, from the ledger's customer movements:
        one query per item and first named dimension, the numbers in IN lists."""
        if not keys:
            return {}
        customer = LocationKind.CUSTOMER.value
        source, target = SOURCE, TARGET
        moves: list[CustomerMove] = []
        for (sku, column), numbers in _by_first_number(keys, LedgerEntryRow):
            for batch in chunks(sorted(numbers), 500):
                query = (
                    select(
                        PartnerRow.code,
                        LedgerEntryRow.serial,
                        LedgerEntryRow.lot,
                        LedgerEntryRow.package,
                        LedgerEntryRow.quantity,
                        source.kind,
                        target.kind,
                    )
                    .join(source, source.id == LedgerEntryRow.from_location_id)
                    .join(target, target.id == LedgerEntryRow.to_location_id)
                    .outerjoin(PartnerRow, PartnerRow.id == LedgerEntryRow.partner_id)
                    .where(
                        LedgerEntryRow.item_id == self.md.item_id(sku),
                        or_(source.kind == customer, target.kind == customer),
                    )
                )
                if column is not None:
                    query = query.where(column.in_(batch))
                for partner, serial, lot, package, qty, from_kind, to_kind in self.session.execute(query):
                    moves.append(
                        CustomerMove(
                            partner,
                            mapping.tracking_key(sku, serial, lot, package),
                            qty,
                            into_customer=to_kind == customer,
                            out_of_customer=from_kind == customer,
                        )
                    )
        return held_by_partner(moves, keys)
