"""Stock as the posting rules see it: balances (`Bucket`), what open drafts reserve, what
partners hold; `needs()` says which of it a document touches (storage loads exactly that), and
`LiveStock` is the working set the rules take from and put into as they plan a document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from itemtrace.domain.documents import (
    Document,
    DocumentType,
    Line,
    TrackingLine,
    id_if_stored,
    line_direction,
)
from itemtrace.domain.masterdata import Location, LocationKind
from itemtrace.domain.tracking import (
    UNTRACKED,
    Dimension,
    Direction,
    ItemPolicy,
    SerialUnique,
    TrackingKey,
)

ZERO = Decimal(0)
DIMENSIONS = (Dimension.SERIAL, Dimension.LOT, Dimension.PACKAGE)


@dataclass(frozen=True, slots=True)
class Bucket:
    """A balance: the quantity of one tracking key at one location."""

    location: str
    key: TrackingKey
    quantity: Decimal
    expiration_date: date | None = None
    first_in_date: date | None = None


BlockedKey = tuple[str | None, Dimension, str]  # (item, dimension, number); packages have no item


@dataclass(frozen=True, slots=True)
class Reservation:
    """What an open (draft) outbound document names at its source location.

    `key` holds the numbers the tracking line names (a serial is completed with its lot and
    package when it is found there); no numbers at all is a quantity of an untracked item.
    """

    document: str  # the document's number: errors tell the user which one to post or cancel
    location: str
    key: TrackingKey
    quantity: Decimal
    line_no: int = 0


@dataclass(frozen=True, slots=True)
class StockView:
    """What the rules may see of current stock: loaded by storage for exactly the touched numbers."""

    buckets: Sequence[Bucket] = ()
    blocked: frozenset[BlockedKey] = frozenset()
    # (partner, returned key) → what that partner holds of it (delivered minus returned), for
    # the keys a return names (`not_sold_to_partner`).
    delivered: Mapping[tuple[str | None, TrackingKey], Decimal] = field(default_factory=dict)
    # What other open documents reserve at the touched sources (`reserved`).
    reservations: Sequence[Reservation] = ()


Named = tuple[set[str], set[str], set[str]]  # serials, lots, packages named at one place


@dataclass(slots=True)
class StockNeeds:
    """Which stock a document touches: the storage layer loads (and locks) exactly this."""

    serials_of_item: set[tuple[str, str]] = field(default_factory=set)  # (item, serial), anywhere
    serials_global: set[str] = field(default_factory=set)  # serial of any item, anywhere
    lots_of_item: set[tuple[str, str]] = field(default_factory=set)  # (item, lot), anywhere
    # (item, location) → the named numbers to load there, or None for every bucket there.
    at_source: dict[tuple[str, str], Named | None] = field(default_factory=dict)
    # The same for where lines put stock (and a return's customer): locked with the sources, all
    # in one order (item, then location), so two postings moving one lot in opposite directions,
    # or a return and a shipment of it, queue instead of deadlocking.
    locked: dict[tuple[str, str], Named | None] = field(default_factory=dict)
    items: set[str] = field(default_factory=set)  # every item touched: their blocked numbers are loaded
    # (our place it goes to, key as the return names it): what a return takes back. Storage
    # locks those balances there and at every customer place (so two returns of one key queue)
    # and sums what each partner holds of the key; the buckets also give back a lot's date.
    returned: set[tuple[str, TrackingKey]] = field(default_factory=set)
    # The document whose own reservations are not loaded (it may take what it reserved).
    document_id: int | None = None


def is_inbound(document: Document, line: Line, locations: Mapping[str, Location]) -> bool:
    return line_direction(document.type, line, locations) is Direction.INBOUND


def needs(
    document: Document, policies: Mapping[str, ItemPolicy], locations: Mapping[str, Location]
) -> StockNeeds:
    """The stock the rules of `plan()` will look at, for one set-based load."""
    result = StockNeeds(document_id=id_if_stored(document))
    for line in document.lines:
        code = policies[line.item].code if line.item in policies else UNTRACKED
        result.items.add(line.item)
        for t in line.tracking:
            if t.serial:
                if code.serial_unique is SerialUnique.GLOBAL:
                    result.serials_global.add(t.serial)
                result.serials_of_item.add((line.item, t.serial))
            if t.lot:
                result.lots_of_item.add((line.item, t.lot))
            # A reclassification's new numbers: a new serial must not be in stock, a lot merged
            # into must show its date (domain/reclass.py).
            if t.new_serial:
                if code.serial_unique is SerialUnique.GLOBAL:
                    result.serials_global.add(t.new_serial)
                result.serials_of_item.add((line.item, t.new_serial))
            if t.new_lot:
                result.lots_of_item.add((line.item, t.new_lot))
        if line.from_location is None:
            continue
        if is_inbound(document, line, locations):
            if document.type is DocumentType.RETURN_RECEIPT:
                target = line.to_location or ""
                result.returned.update((target, t.key(line.item)) for t in line.tracking)
                if line.tracked_quantity < line.quantity:
                    result.returned.add((target, TrackingKey(line.item)))
                # What the customer holds and where it goes back to, locked in the same order
                # as a shipment's (see `locked`), so returns queue behind each other.
                _name_at(result.locked, (line.item, line.from_location), line)
                _name_at(result.locked, (line.item, target), line)
            continue
        _name_at(result.at_source, (line.item, line.from_location), line)
        if any(code.policy(d).given_on_outbound for d in DIMENSIONS) and any(t.named for t in line.tracking):
            # New numbers are taken from the untracked stock there (`outbound_numbers`).
            result.at_source[(line.item, line.from_location)] = None
        if line.to_location:
            _name_at(result.locked, (line.item, line.to_location), line)
    return result


def _name_at(places: dict[tuple[str, str], Named | None], place: tuple[str, str], line: Line) -> None:
    """Add what `line` names to what is wanted at `place`; None (every bucket there) when the
    line leaves a quantity to pick."""
    if line.tracked_quantity < line.quantity or any(
        not (t.serial or t.lot or t.package) for t in line.tracking
    ):
        places[place] = None  # something left to pick: load every bucket there
        return
    if place in places and places[place] is None:
        return
    named = places.get(place) or (set(), set(), set())
    for t in line.tracking:
        if t.serial:
            named[0].add(t.serial)
        elif t.lot:
            named[1].add(t.lot)
        elif t.package:
            named[2].add(t.package)
    places[place] = named


@dataclass(frozen=True, slots=True)
class CustomerMove:
    """A movement of a returned key into or out of a customer place, for `held_by_partner`."""

    partner: str | None
    key: TrackingKey
    quantity: Decimal
    into_customer: bool
    out_of_customer: bool


def held_by_partner(
    moves: Sequence[CustomerMove], wanted: set[TrackingKey]
) -> dict[tuple[str | None, TrackingKey], Decimal]:
    """What each partner holds of each wanted key: delivered minus returned.

    A wanted key names some numbers; a movement counts for it when it has every number the key
    names (a returned lot counts every delivery of that lot, whatever its serials).
    """
    held: dict[tuple[str | None, TrackingKey], Decimal] = defaultdict(Decimal)
    by_numbers: dict[tuple[str, str | None, str | None, str | None], list[TrackingKey]] = defaultdict(list)
    for key in wanted:
        by_numbers[(key.item, key.serial, key.lot, key.package)].append(key)
    for move in moves:
        sign = int(move.into_customer) - int(move.out_of_customer)
        if not sign:
            continue
        k = move.key
        for serial in {k.serial, None}:
            for lot in {k.lot, None}:
                for package in {k.package, None}:
                    for key in by_numbers.get((k.item, serial, lot, package), ()):
                        held[(move.partner, key)] += sign * move.quantity
    return dict(held)


def describe(key: TrackingKey) -> str:
    """`serial SN-1 lot L1 of DRILL-X`, or `untracked stock of SCREW` in messages."""
    parts = [f"{dim.value} {key.number(dim)}" for dim in DIMENSIONS if key.number(dim)]
    return (" ".join(parts) + f" of {key.item}") if parts else f"untracked stock of {key.item}"


def fmt_quantity(quantity: Decimal) -> str:
    return format(quantity.normalize(), "f")


class LiveStock:
    """The loaded buckets, decremented and incremented as the document's lines are planned."""

    def __init__(self, buckets: Sequence[Bucket], reservations: Sequence[Reservation] = ()) -> None:
        self.qty: dict[tuple[str, TrackingKey], Decimal] = defaultdict(Decimal)
        self.meta: dict[tuple[str, TrackingKey], Bucket] = {}
        self.by_item: dict[str, list[tuple[str, TrackingKey]]] = defaultdict(list)
        self.by_serial: dict[str, list[tuple[str, TrackingKey]]] = defaultdict(list)
        # (item, lot) → its buckets: a document naming 10,000 lots looks each up, not the item's all.
        self.by_lot: dict[tuple[str, str], list[tuple[str, TrackingKey]]] = defaultdict(list)
        # Per bucket: the quantity other open documents reserve, and which documents they are.
        self.held: dict[tuple[str, TrackingKey], Decimal] = defaultdict(Decimal)
        self.holders: dict[tuple[str, TrackingKey], list[str]] = defaultdict(list)
        # What this document's return lines took back so far, per (partner, key).
        self.returned: dict[tuple[str | None, TrackingKey], Decimal] = defaultdict(Decimal)
        for b in buckets:
            place = (b.location, b.key)
            if place not in self.meta:
                self._index(place)
            self.qty[place] += b.quantity
            self.meta[place] = b
        self._reserve(reservations)

    def _reserve(self, reservations: Sequence[Reservation]) -> None:
        """Lay each reservation on the buckets it names, most specific first, in picking order.

        A serial claims its unit before a lot claims what is left of the lot; what a reservation
        names beyond the stock there claims nothing.
        """

        def specific(r: Reservation) -> tuple[int, str, int]:
            return (-sum(1 for _ in numbers_of(r.key)), r.document, r.line_no)

        for r in sorted(reservations, key=specific):
            wanted = r.quantity
            for place in self.matching(r.location, r.key):
                if wanted <= 0:
                    break
                take = min(self.free(place), wanted)
                if take <= 0:
                    continue
                self.held[place] += take
                if r.document not in self.holders[place]:
                    self.holders[place].append(r.document)
                wanted -= take

    def free(self, place: tuple[str, TrackingKey]) -> Decimal:
        """What is at `place` and not reserved by another open document."""
        return max(self.qty[place] - self.held[place], ZERO)

    def _index(self, place: tuple[str, TrackingKey]) -> None:
        self.by_item[place[1].item].append(place)
        if place[1].serial:
            self.by_serial[place[1].serial].append(place)
        if place[1].lot:
            self.by_lot[(place[1].item, place[1].lot)].append(place)

    def move(
        self, source: str, target: str, key: TrackingKey, quantity: Decimal, bucket: Bucket | None
    ) -> None:
        self.qty[(source, key)] -= quantity
        if (target, key) not in self.meta:
            self._index((target, key))
            self.meta[(target, key)] = Bucket(
                target,
                key,
                ZERO,
                bucket.expiration_date if bucket else None,
                bucket.first_in_date if bucket else None,
            )
        self.qty[(target, key)] += quantity

    def where(
        self,
        item: str | None,
        serial: str,
        kinds: AbstractSet[LocationKind],
        locations: Mapping[str, Location],
    ) -> list[tuple[str, TrackingKey]]:
        return [
            place
            for place in self.by_serial.get(serial, [])
            if (item is None or place[1].item == item)
            and self.qty[place] > 0
            and place[0] in locations
            and locations[place[0]].kind in kinds
        ]

    def matching(self, location: str, wanted: TrackingKey) -> list[tuple[str, TrackingKey]]:
        """Buckets with stock at `location` that have every number `wanted` names, FEFO then FIFO."""
        found = []
        # A named serial is found through its index: shipping 10,000 named serials stays linear.
        if wanted.serial:
            pool = self.by_serial.get(wanted.serial, [])
        elif wanted.lot:
            pool = self.by_lot.get((wanted.item, wanted.lot), [])
        else:
            pool = self.by_item.get(wanted.item, [])
        for place in pool:
            loc, key = place
            if loc != location or key.item != wanted.item or self.qty[place] <= 0:
                continue
            if any(wanted.number(d) and wanted.number(d) != key.number(d) for d in DIMENSIONS):
                continue
            found.append(place)
        return sorted(found, key=self._order)

    def _order(self, place: tuple[str, TrackingKey]) -> tuple[date, date, TrackingKey]:
        meta = self.meta[place]
        return (meta.expiration_date or date.max, meta.first_in_date or date.max, place[1])

    def candidates(
        self, location: str, item: str, want: TrackingLine, blocked: frozenset[BlockedKey]
    ) -> list[tuple[str, TrackingKey]]:
        """Buckets at `location` matching the numbers `want` names, in FEFO then FIFO order.

        Blocked numbers are never picked for what the request leaves open (a named blocked
        number is refused by `_check_blocked` instead). A named serial is one unit, nothing is
        picked for it: its blocked lot or package is refused by `_outbound`.
        """
        wanted = want.key(item)
        return [
            place
            for place in self.matching(location, wanted)
            if wanted.serial
            or not any(
                not wanted.number(dim) and is_blocked(item, dim, number, blocked)
                for number, dim in numbers_of(place[1])
            )
        ]


def is_blocked(item: str, dim: Dimension, number: str, blocked: frozenset[BlockedKey]) -> bool:
    return (None if dim is Dimension.PACKAGE else item, dim, number) in blocked


def numbers_of(t: TrackingLine | TrackingKey) -> Iterator[tuple[str, Dimension]]:
    for dim, number in ((Dimension.SERIAL, t.serial), (Dimension.LOT, t.lot), (Dimension.PACKAGE, t.package)):
        if number:
            yield number, dim
