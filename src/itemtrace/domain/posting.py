"""Posting rules: turn a draft document into ledger entries, or refuse it with every violation.

`needs()` says which stock the rules must see; the storage layer loads exactly that (with row
locks) into a `StockView`; `plan()` then runs every rule of SPEC §3 that posting enforces and
either returns the entries or raises one `PostingRejected` listing all violations.

Reservations (rule `reserved`): a draft outbound document reserves what it names at its source
(`reservations()`); other documents' reservations come with the `StockView`, and `plan()` never
takes reserved stock: naming it is refused, auto-picking skips it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from itemtrace.domain import formulas
from itemtrace.domain.documents import (
    Document,
    DocumentType,
    Line,
    Role,
    TrackingLine,
    line_direction,
)
from itemtrace.domain.errors import ErrorCode, PostingRejected, Violation
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import STOCK_KINDS, VIRTUAL_LOCATIONS, Item, Location, LocationKind
from itemtrace.domain.tracking import (
    UNTRACKED,
    Dimension,
    Direction,
    SerialUnique,
    TrackingCode,
    TrackingKey,
)

ZERO = Decimal(0)
DIMENSIONS = (Dimension.SERIAL, Dimension.LOT, Dimension.PACKAGE)
# Stock "in inventory": what serial_exists looks at.
# Outbound movements allowed for expired stock (SPEC §3 lot_expired).
_EXPIRED_ALLOWED = {DocumentType.SCRAP, DocumentType.ADJUSTMENT, DocumentType.RETURN_SHIPMENT}


@dataclass(frozen=True, slots=True)
class ItemPolicy:
    item: Item
    code: TrackingCode = UNTRACKED


def global_serial_items(policies: Mapping[str, ItemPolicy]) -> frozenset[str]:
    """The items whose serial numbers are unique across all items (`serial_unique: global`)."""
    return frozenset(sku for sku, p in policies.items() if p.code.serial_unique is SerialUnique.GLOBAL)


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


@dataclass(slots=True)
class StockNeeds:
    """Which stock a document touches: the storage layer loads (and locks) exactly this."""

    serials_of_item: set[tuple[str, str]] = field(default_factory=set)  # (item, serial), anywhere
    serials_global: set[str] = field(default_factory=set)  # serial of any item, anywhere
    lots_of_item: set[tuple[str, str]] = field(default_factory=set)  # (item, lot), anywhere
    # (item, location) → the named numbers to load there, or None for every bucket there.
    at_source: dict[tuple[str, str], tuple[set[str], set[str], set[str]] | None] = field(default_factory=dict)
    items: set[str] = field(default_factory=set)  # every item touched: their blocked numbers are loaded
    # (our place it goes to, key as the return names it): what a return takes back. Storage
    # locks those balances there and at every customer place (so two returns of one key queue)
    # and sums what each partner holds of the key; the buckets also give back a lot's date.
    returned: set[tuple[str, TrackingKey]] = field(default_factory=set)
    # The document whose own reservations are not loaded (it may take what it reserved).
    document_id: int | None = None


def _is_inbound(document: Document, line: Line, locations: Mapping[str, Location]) -> bool:
    return line_direction(document.type, line, locations) is Direction.INBOUND


def needs(
    document: Document, policies: Mapping[str, ItemPolicy], locations: Mapping[str, Location]
) -> StockNeeds:
    """The stock the rules of `plan()` will look at, for one set-based load."""
    result = StockNeeds(document_id=document.id)
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
        if line.from_location is None:
            continue
        if _is_inbound(document, line, locations):
            if document.type is DocumentType.RETURN_RECEIPT:
                target = line.to_location or ""
                result.returned.update((target, t.key(line.item)) for t in line.tracking)
                if line.tracked_quantity < line.quantity:
                    result.returned.add((target, TrackingKey(line.item)))
            continue
        place = (line.item, line.from_location)
        if line.tracked_quantity < line.quantity or any(
            not (t.serial or t.lot or t.package) for t in line.tracking
        ):
            result.at_source[place] = None  # something left to pick: load every bucket there
        elif place not in result.at_source or result.at_source[place] is not None:
            named = result.at_source.get(place) or (set(), set(), set())
            for t in line.tracking:
                if t.serial:
                    named[0].add(t.serial)
                elif t.lot:
                    named[1].add(t.lot)
                elif t.package:
                    named[2].add(t.package)
            result.at_source[place] = named
    return result


class _Violations:
    def __init__(self) -> None:
        self.items: list[Violation] = []

    def add(self, line: int | None, tracking: str | None, code: ErrorCode, detail: str) -> None:
        self.items.append(Violation(line=line, tracking=tracking, code=code, detail=detail))


def _describe(key: TrackingKey) -> str:
    parts = [f"{dim.value} {key.number(dim)}" for dim in DIMENSIONS if key.number(dim)]
    return (" ".join(parts) + f" of {key.item}") if parts else f"untracked stock of {key.item}"


def _fmt(quantity: Decimal) -> str:
    return format(quantity.normalize(), "f")


class _Stock:
    """The loaded buckets, decremented and incremented as the document's lines are planned."""

    def __init__(self, buckets: Sequence[Bucket], reservations: Sequence[Reservation] = ()) -> None:
        self.qty: dict[tuple[str, TrackingKey], Decimal] = defaultdict(Decimal)
        self.meta: dict[tuple[str, TrackingKey], Bucket] = {}
        self.by_item: dict[str, list[tuple[str, TrackingKey]]] = defaultdict(list)
        self.by_serial: dict[str, list[tuple[str, TrackingKey]]] = defaultdict(list)
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
            return (-sum(1 for _ in _numbers(r.key)), r.document, r.line_no)

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
        pool = self.by_serial.get(wanted.serial, []) if wanted.serial else self.by_item.get(wanted.item, [])
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
                not wanted.number(dim) and _is_blocked(item, dim, number, blocked)
                for number, dim in _numbers(place[1])
            )
        ]


def plan(
    document: Document,
    stock: StockView,
    policies: Mapping[str, ItemPolicy],
    locations: Mapping[str, Location],
    *,
    today: date,
) -> list[LedgerEntry]:
    """Run every posting rule over every line; return the ledger entries or raise `PostingRejected`.

    `document` must have its locations resolved (`documents.resolve_locations`) and its
    `assign` requests expanded into tracking lines.
    """
    posting_date = document.posting_date or today
    violations = _Violations()
    # A document's own reservations never stand in its way (storage leaves them out already).
    others = [r for r in stock.reservations if document.number is None or r.document != document.number]
    live = _Stock(stock.buckets, others)
    entries: list[LedgerEntry] = []
    seen_serials: dict[tuple[str, str], int] = {}
    transit = VIRTUAL_LOCATIONS[LocationKind.TRANSIT]

    for line in document.lines:
        policy = policies[line.item]
        code = policy.code
        direction = line_direction(document.type, line, locations)
        before = len(violations.items)
        _check_shape(line, code, direction, seen_serials, violations)
        if len(violations.items) > before:
            continue  # the deeper rules need a well-formed line
        _check_blocked(line, stock.blocked, violations)
        target = line.to_location or ""
        if document.type is DocumentType.TRANSFER and document.in_transit:
            target = transit
        if direction is Direction.INBOUND:
            entries.extend(
                _inbound(document, line, policy, target, live, stock, locations, posting_date, violations)
            )
        else:
            entries.extend(
                _outbound(
                    document, line, code, stock.blocked, target, live, locations, posting_date, violations
                )
            )

    if violations.items:
        raise PostingRejected(violations.items)
    return entries


def _check_shape(
    line: Line,
    code: TrackingCode,
    direction: Direction,
    seen_serials: dict[tuple[str, str], int],
    violations: _Violations,
) -> None:
    """tracking_not_allowed, serial_quantity, tracking_required and tracking_incomplete."""
    repeats = Counter(t.serial for t in line.tracking if t.serial)
    reported: set[tuple[int, str, str]] = set()
    for t in line.tracking:
        if t.quantity <= 0:
            violations.add(
                line.line_no,
                t.serial or t.lot or t.package,
                ErrorCode.TRACKING_INCOMPLETE,
                f"line {line.line_no}: tracking quantities must be positive, got {_fmt(t.quantity)}",
            )
        for dim in DIMENSIONS:
            number = t.key(line.item).number(dim)
            if number and not code.policy(dim).tracked:
                violations.add(
                    line.line_no,
                    number,
                    ErrorCode.TRACKING_NOT_ALLOWED,
                    f"line {line.line_no}: {line.item} is not tracked by {dim.value} number "
                    f"(tracking code {code.code or 'none'}), so {dim.value} {number} cannot be given: "
                    f"remove it or give the item a tracking code that tracks {dim.value}s",
                )
        if t.serial:
            if t.quantity != 1:
                violations.add(
                    line.line_no,
                    t.serial,
                    ErrorCode.SERIAL_QUANTITY,
                    f"line {line.line_no}: serial {t.serial} has quantity {_fmt(t.quantity)}; "
                    "a serial number is exactly one unit",
                )
            first = seen_serials.setdefault((line.item, t.serial), line.line_no)
            repeated = first != line.line_no or repeats[t.serial] > 1
            if repeated and (line.line_no, line.item, t.serial) not in reported:
                reported.add((line.line_no, line.item, t.serial))
                violations.add(
                    line.line_no,
                    t.serial,
                    ErrorCode.SERIAL_QUANTITY,
                    f"line {line.line_no}: serial {t.serial} of {line.item} appears more than once in "
                    f"this document (first on line {first}); each serial is one unit",
                )
    tracked = line.tracked_quantity
    if tracked > line.quantity:
        violations.add(
            line.line_no,
            None,
            ErrorCode.TRACKING_INCOMPLETE,
            f"line {line.line_no}: tracking lines add up to {_fmt(tracked)} but the line quantity is "
            f"{_fmt(line.quantity)}: remove tracking lines or raise the quantity",
        )
        return
    for dim in DIMENSIONS:
        if not code.policy(dim).required(direction):
            continue
        given = sum((t.quantity for t in line.tracking if t.key(line.item).number(dim)), ZERO)
        if given == 0:
            violations.add(
                line.line_no,
                None,
                ErrorCode.TRACKING_REQUIRED,
                f"line {line.line_no}: {line.item} needs a {dim.value} number on {direction.value} "
                f"postings (tracking code {code.code}): add tracking lines with {dim.value} numbers"
                + (" or assign them from the item's series" if direction is Direction.INBOUND else ""),
            )
        elif given != line.quantity:
            violations.add(
                line.line_no,
                None,
                ErrorCode.TRACKING_INCOMPLETE,
                f"line {line.line_no}: {dim.value} numbers cover {_fmt(given)} of {_fmt(line.quantity)} "
                f"{line.item}; the undefined quantity {_fmt(line.quantity - given)} must be 0",
            )
    if code.policy(Dimension.SERIAL).tracked and line.quantity != line.quantity.to_integral_value():
        violations.add(
            line.line_no,
            None,
            ErrorCode.SERIAL_QUANTITY,
            f"line {line.line_no}: {line.item} is serial-tracked, so its quantity must be whole",
        )


def _check_blocked(line: Line, blocked: frozenset[BlockedKey], violations: _Violations) -> None:
    for t in line.tracking:
        for number, dim in _numbers(t):
            if _is_blocked(line.item, dim, number, blocked):
                violations.add(
                    line.line_no,
                    number,
                    ErrorCode.TRACKING_BLOCKED,
                    f"line {line.line_no}: {dim.value} {number} of {line.item} is blocked: unblock it on its "
                    "card before moving it",
                )


def _is_blocked(item: str, dim: Dimension, number: str, blocked: frozenset[BlockedKey]) -> bool:
    return (None if dim is Dimension.PACKAGE else item, dim, number) in blocked


def _numbers(t: TrackingLine | TrackingKey) -> Iterator[tuple[str, Dimension]]:
    for dim, number in ((Dimension.SERIAL, t.serial), (Dimension.LOT, t.lot), (Dimension.PACKAGE, t.package)):
        if number:
            yield number, dim


def _inbound(
    document: Document,
    line: Line,
    policy: ItemPolicy,
    target: str,
    live: _Stock,
    stock: StockView,
    locations: Mapping[str, Location],
    posting_date: date,
    violations: _Violations,
) -> list[LedgerEntry]:
    code = policy.code
    source = line.from_location or ""
    requests = list(line.tracking)
    rest = line.quantity - line.tracked_quantity
    if rest > 0:
        requests.append(TrackingLine(quantity=rest))
    entries = []
    for t in requests:
        key = t.key(line.item)
        if t.serial:
            owner = None if code.serial_unique is SerialUnique.GLOBAL else line.item
            held = live.where(owner, t.serial, STOCK_KINDS, locations)
            if held:
                loc, other = held[0]
                violations.add(
                    line.line_no,
                    t.serial,
                    ErrorCode.SERIAL_EXISTS,
                    f"line {line.line_no}: serial {t.serial} of {other.item} is already in stock at {loc}: "
                    "a serial can be received only once; check the number or give a new one",
                )
                if document.type is not DocumentType.RETURN_RECEIPT:
                    continue  # a return is also checked against its holder below
        if document.type is DocumentType.RETURN_RECEIPT and not _returnable(
            document, line, t, key, stock, live, violations
        ):
            continue
        expiration = _inbound_expiration(line, t, key, policy, live, locations, posting_date, violations)
        live.move(source, target, key, t.quantity, Bucket(target, key, ZERO, expiration, posting_date))
        entries.append(
            LedgerEntry(
                key=key,
                quantity=t.quantity,
                from_location=source,
                to_location=target,
                line_no=line.line_no,
                expiration_date=expiration,
                warranty_date=t.warranty_date,
            )
        )
    return entries


def _returnable(
    document: Document,
    line: Line,
    t: TrackingLine,
    key: TrackingKey,
    stock: StockView,
    live: _Stock,
    violations: _Violations,
) -> bool:
    """`not_sold_to_partner`: a customer returns no more of a key than it holds (delivered to it
    and not yet returned), counting what earlier lines of this return already took back."""
    partner = document.partner
    holds = stock.delivered.get((partner, key), ZERO) - live.returned[(partner, key)]
    if t.quantity <= holds:
        live.returned[(partner, key)] += t.quantity
        return True
    customer = partner or "(no partner)"
    if key.serial:
        holders = sorted(p or "(no partner)" for (p, k), q in stock.delivered.items() if k == key and q > 0)
        where = f"it is held by {', '.join(holders)}" if holders else "it was not delivered to anyone"
        detail = (
            f"serial {key.serial} of {key.item} was not delivered to {customer} ({where}): a serial comes "
            "back only from its holder"
        )
    elif holds > 0:
        detail = (
            f"{customer} holds {_fmt(holds)} of {_describe(key)}, not {_fmt(t.quantity)}: a customer returns "
            "at most what it was delivered and has not returned yet; lower the quantity"
        )
    else:
        detail = (
            f"{customer} holds none of {_describe(key)} (nothing of it was delivered to {customer}, or all of "
            "it came back already): check the partner and the numbers"
        )
    violations.add(line.line_no, key.label(), ErrorCode.NOT_SOLD_TO_PARTNER, f"line {line.line_no}: {detail}")
    return False


def _inbound_expiration(
    line: Line,
    t: TrackingLine,
    key: TrackingKey,
    policy: ItemPolicy,
    live: _Stock,
    locations: Mapping[str, Location],
    posting_date: date,
    violations: _Violations,
) -> date | None:
    """Given, inherited from the lot already in stock, or posting date + shelf life.

    Only stock on hand (or where the line takes it from, e.g. a customer returning it) fixes a
    lot's date: a lot that has left entirely may come in again with a new one.
    """
    code = policy.code
    if not (key.lot or key.serial):
        return t.expiration_date
    known: date | None = None
    if key.lot:
        for place in live.by_item.get(line.item, []):
            loc, loc_key = place
            here = loc == line.from_location or (loc in locations and locations[loc].kind.in_stock)
            if here and loc_key.lot == key.lot and live.qty[place] > 0 and live.meta[place].expiration_date:
                known = live.meta[place].expiration_date
                break
    if t.expiration_date and known and t.expiration_date != known:
        violations.add(
            line.line_no,
            key.lot,
            ErrorCode.EXPIRATION_DATE_MISMATCH,
            f"line {line.line_no}: lot {key.lot} of {line.item} is in stock with expiration date "
            f"{known.isoformat()}, not {t.expiration_date.isoformat()}: use that date or a new lot number",
        )
        return t.expiration_date
    expiration = t.expiration_date or known or _returning_date(line, key, live)
    if expiration is None and code.use_expiration_dates and policy.item.shelf_life:
        expiration = formulas.apply(policy.item.shelf_life, posting_date)
    if expiration is None and code.require_expiration_date:
        violations.add(
            line.line_no,
            key.label(),
            ErrorCode.EXPIRATION_DATE_REQUIRED,
            f"line {line.line_no}: {_describe(key)} needs an expiration date (tracking code {code.code}): "
            "give expiration_date on the tracking line",
        )
    return expiration


def _returning_date(line: Line, key: TrackingKey, live: _Stock) -> date | None:
    """The date a serial or lot had where the line takes it from (a customer returning it): a
    return brings back the same units, it does not start a new shelf life."""
    pool = live.by_serial.get(key.serial, []) if key.serial else live.by_item.get(line.item, [])
    for place in pool:
        loc, found = place
        if (
            loc == line.from_location
            and found.item == line.item
            and all(found.number(d) == key.number(d) for d in DIMENSIONS if key.number(d))
            and live.qty[place] > 0
            and live.meta[place].expiration_date
        ):
            return live.meta[place].expiration_date
    return None


def _outbound(
    document: Document,
    line: Line,
    code: TrackingCode,
    blocked: frozenset[BlockedKey],
    target: str,
    live: _Stock,
    locations: Mapping[str, Location],
    posting_date: date,
    violations: _Violations,
) -> list[LedgerEntry]:
    source = line.from_location or ""
    requests = list(line.tracking)
    rest = line.quantity - line.tracked_quantity
    if rest > 0:
        requests.append(TrackingLine(quantity=rest))
    entries = []
    strict = (
        code.strict_expiration
        and document.type not in _EXPIRED_ALLOWED
        and not (document.type is DocumentType.ASSEMBLY and line.role is Role.OUTPUT)
    )
    for t in requests:
        key = t.key(line.item)
        places = live.candidates(source, line.item, t, blocked)
        if strict and not (t.serial or t.lot):
            # Automatic picking never takes expired stock: only a number the user names can be
            # refused as `lot_expired`; what is left open is short of stock instead.
            places = [p for p in places if not _expired(live.meta[p], posting_date)]
        if t.serial and not places:
            elsewhere = live.where(line.item, t.serial, set(LocationKind), locations)
            here = [found for loc, found in elsewhere if loc == source]
            if here:
                # At the source, but with other lot/package numbers than the line names.
                wrong = [d for d in DIMENSIONS if key.number(d) and key.number(d) != here[0].number(d)]
                has = ", ".join(f"{d.value} {here[0].number(d) or '(none)'}" for d in wrong)
                named = ", ".join(f"{d.value} {key.number(d)}" for d in wrong)
                violations.add(
                    line.line_no,
                    t.serial,
                    ErrorCode.SERIAL_NOT_AVAILABLE,
                    f"line {line.line_no}: serial {t.serial} of {line.item} at {source} has {has}, "
                    f"not {named}: name the numbers it has",
                )
                continue
            if elsewhere and (elsewhere[0][0] not in locations or locations[elsewhere[0][0]].kind.in_stock):
                detail = f"is at {elsewhere[0][0]}, not at {source}: transfer it first or pick another serial"
            elif elsewhere:
                loc = elsewhere[0][0]
                detail = (
                    f"is not in stock: it is at {loc} ({locations[loc].kind.value}), so it cannot leave "
                    f"{source}; pick another serial"
                )
            else:
                detail = f"is not in stock anywhere, so it cannot leave {source}: check the number"
            violations.add(
                line.line_no,
                t.serial,
                ErrorCode.SERIAL_NOT_AVAILABLE,
                f"line {line.line_no}: serial {t.serial} of {line.item} {detail}",
            )
            continue
        wanted = t.quantity
        picks: list[tuple[tuple[str, TrackingKey], Decimal]] = []
        for place in places:
            if wanted <= 0:
                break
            take = min(live.free(place), wanted)  # reserved stock is never picked (`reserved`)
            if take <= 0:
                continue
            picks.append((place, take))
            wanted -= take
        if wanted > 0:
            _short(line, t, key, source, places, live, blocked, violations)
            continue
        for place, take in picks:
            bucket = live.meta[place]
            picked = place[1]
            if t.serial:
                held = [(n, d) for n, d in _numbers(picked) if not key.number(d)]
                locked = [(n, d) for n, d in held if _is_blocked(line.item, d, n, blocked)]
                for number, dim in locked:
                    violations.add(
                        line.line_no,
                        number,
                        ErrorCode.TRACKING_BLOCKED,
                        f"line {line.line_no}: serial {t.serial} of {line.item} is in {dim.value} {number}, "
                        "which is blocked: unblock it on its card before moving it",
                    )
                if locked:
                    continue
            if strict and _expired(bucket, posting_date) and bucket.expiration_date is not None:
                violations.add(
                    line.line_no,
                    picked.label(),
                    ErrorCode.LOT_EXPIRED,
                    f"line {line.line_no}: {_describe(picked)} expired on {bucket.expiration_date.isoformat()}, "
                    f"before the posting date {posting_date.isoformat()}: scrap it or pick another lot",
                )
                continue
            arrived = bucket.first_in_date
            if arrived is not None and posting_date < arrived and picked.label() is not None:
                violations.add(
                    line.line_no,
                    picked.label(),
                    ErrorCode.POSTING_DATE_ORDER,
                    f"line {line.line_no}: {_describe(picked)} arrived at {source} on {arrived.isoformat()}, "
                    f"so it cannot leave on {posting_date.isoformat()}: date the document on or after "
                    f"{arrived.isoformat()}",
                )
                continue
            warranty = t.warranty_date
            if document.type is DocumentType.SHIPMENT:
                warranty = _warranty(line, t, picked, code, posting_date, violations)
            live.move(source, target, picked, take, bucket)
            entries.append(
                LedgerEntry(
                    key=picked,
                    quantity=take,
                    from_location=source,
                    to_location=target,
                    line_no=line.line_no,
                    expiration_date=bucket.expiration_date,
                    warranty_date=warranty,
                )
            )
    return entries


def _short(
    line: Line,
    t: TrackingLine,
    key: TrackingKey,
    source: str,
    places: Sequence[tuple[str, TrackingKey]],
    live: _Stock,
    blocked: frozenset[BlockedKey],
    violations: _Violations,
) -> None:
    """Not enough free stock: `tracking_blocked` when a named number is there but inside a
    blocked one the line leaves open (a lot in a blocked package), `reserved` when it is there but
    promised, else insufficient_quantity (also for an unnamed quantity that only blocked stock
    could cover: auto-pick just passes blocked stock by)."""
    hidden = [p for p in live.matching(source, key) if p not in places] if t.named else []
    there = sum((live.free(p) for p in places), ZERO)
    if hidden and there + sum((live.free(p) for p in hidden), ZERO) >= t.quantity:
        locked = sorted(
            {
                (dim.value, number)
                for p in hidden
                for number, dim in _numbers(p[1])
                if not key.number(dim) and _is_blocked(line.item, dim, number, blocked)
            }
        )
        for dim_name, number in locked:
            violations.add(
                line.line_no,
                number,
                ErrorCode.TRACKING_BLOCKED,
                f"line {line.line_no}: {_fmt(t.quantity)} of {_describe(key)} requested at {source}: "
                f"only {_fmt(there)} of it is outside {dim_name} {number}, which is blocked: unblock it "
                "on its card before moving it, or lower the quantity",
            )
        if locked:
            return
    have = sum((live.qty[p] for p in places), ZERO)
    held = sum((min(live.held[p], live.qty[p]) for p in places), ZERO)
    holders = sorted({d for p in places for d in live.holders[p] if live.held[p] > 0})
    by = ", ".join(holders)
    if have >= t.quantity and holders:
        if t.serial:
            detail = (
                f"line {line.line_no}: serial {t.serial} of {line.item} at {source} is reserved by {by}, "
                f"an open document: post or cancel {by} first, or pick another serial"
            )
        else:
            detail = (
                f"line {line.line_no}: {_fmt(t.quantity)} of {_describe(key)} requested at {source}: "
                f"{_fmt(have)} there, but {_fmt(held)} of it reserved by {by}: post or cancel {by} first, "
                "or lower the quantity"
            )
        violations.add(line.line_no, key.label(), ErrorCode.RESERVED, detail)
        return
    reserved_note = f" ({_fmt(held)} of it reserved by {by})" if holders else ""
    violations.add(
        line.line_no,
        key.label(),
        ErrorCode.INSUFFICIENT_QUANTITY,
        f"line {line.line_no}: {_fmt(t.quantity)} of {_describe(key)} requested at {source}, "
        f"only {_fmt(have)} there{reserved_note}: lower the quantity or move stock there first",
    )


def _expired(bucket: Bucket, posting_date: date) -> bool:
    """Expired before the posting date; on the date itself is still fine (lot_expired)."""
    return bucket.expiration_date is not None and bucket.expiration_date < posting_date


def _warranty(
    line: Line,
    t: TrackingLine,
    key: TrackingKey,
    code: TrackingCode,
    posting_date: date,
    violations: _Violations,
) -> date | None:
    """Warranty starts at shipment: given, else posting date + the tracking code's formula."""
    if t.warranty_date:
        return t.warranty_date
    if code.warranty_formula:
        return formulas.apply(code.warranty_formula, posting_date)
    if code.require_warranty_date:
        violations.add(
            line.line_no,
            key.label(),
            ErrorCode.WARRANTY_DATE_REQUIRED,
            f"line {line.line_no}: {_describe(key)} needs a warranty date (tracking code {code.code}): "
            "give warranty_date on the tracking line or set a warranty formula",
        )
    return None


def plan_transit_receipt(
    document: Document,
    shipped: Sequence[LedgerEntry],
    received: Sequence[tuple[str, TrackingLine]] | None,
) -> list[LedgerEntry]:
    """Complete an in-transit transfer: what is received must equal what was shipped (transit_mismatch)."""
    transit = VIRTUAL_LOCATIONS[LocationKind.TRANSIT]
    out = [e for e in shipped if e.to_location == transit]
    if received is not None:
        want: dict[TrackingKey, Decimal] = defaultdict(Decimal)
        for e in out:
            want[e.key] += e.quantity
        got: dict[TrackingKey, Decimal] = defaultdict(Decimal)
        for item, t in received:
            got[t.key(item)] += t.quantity
        wrong = sorted(k for k in set(want) | set(got) if want[k] != got[k])
        if wrong:
            raise PostingRejected(
                [
                    Violation(
                        line=None,
                        tracking=key.label(),
                        code=ErrorCode.TRANSIT_MISMATCH,
                        detail=f"{_describe(key)}: shipped {_fmt(want[key])}, received {_fmt(got[key])}; "
                        "a transfer receives exactly what it shipped (receive without a body to take it all)",
                    )
                    for key in wrong
                ]
            )
    by_line = {line.line_no: line for line in document.lines}
    return [
        LedgerEntry(
            key=e.key,
            quantity=e.quantity,
            from_location=transit,
            to_location=by_line[e.line_no].to_location or "",
            line_no=e.line_no,
            expiration_date=e.expiration_date,
            warranty_date=e.warranty_date,
        )
        for e in out
    ]


# -- reservations (rule `reserved`) -----------------------------------------------------------------


def reserving_part(
    document: Document, policies: Mapping[str, ItemPolicy], locations: Mapping[str, Location]
) -> Document:
    """The part of a draft that reserves stock: its outbound lines, cut to what they name.

    A tracked item's line keeps its named tracking lines (an unnamed quantity promises nothing in
    particular); an untracked item's line keeps its whole quantity.
    """
    lines = []
    for line in document.lines:
        if not line.from_location or line_direction(document.type, line, locations) is not Direction.OUTBOUND:
            continue
        code = policies[line.item].code if line.item in policies else UNTRACKED
        if any(code.policy(dim).tracked for dim in DIMENSIONS):
            named = tuple(t for t in line.tracking if t.named and t.quantity > 0)
            if named:
                lines.append(replace(line, tracking=named, quantity=sum((t.quantity for t in named), ZERO)))
        else:
            lines.append(line)
    return replace(document, lines=tuple(lines))


def reservations(
    document: Document,
    policies: Mapping[str, ItemPolicy],
    locations: Mapping[str, Location],
    stock: StockView | None = None,
) -> list[Reservation]:
    """What a draft reserves at each line's source: one per named tracking line, or the quantity.

    With `stock`, a named serial found at the source is completed with its lot and package, so
    availability by lot counts it where it is.
    """
    live = _Stock(stock.buckets) if stock is not None else None
    result = []
    for line in reserving_part(document, policies, locations).lines:
        source = line.from_location or ""
        for t in line.tracking:
            key = t.key(line.item)
            if t.serial and live is not None:
                found = live.matching(source, key)
                key = found[0][1] if len(found) == 1 else key
            result.append(Reservation(document.number or "", source, key, t.quantity, line.line_no))
        rest = line.quantity - line.tracked_quantity
        if rest > 0:
            result.append(
                Reservation(document.number or "", source, TrackingKey(line.item), rest, line.line_no)
            )
    return result


def reservation_conflicts(
    document: Document,
    stock: StockView,
    policies: Mapping[str, ItemPolicy],
    locations: Mapping[str, Location],
    *,
    today: date,
) -> list[Violation]:
    """The `reserved` violations alone: what storing a draft is refused for.

    The other rules wait for posting (a draft may name stock that is still on its way), but two
    open documents never promise the same stock.
    """
    part = reserving_part(document, policies, locations)
    if not part.lines:
        return []
    try:
        plan(part, stock, policies, locations, today=today)
    except PostingRejected as refused:
        return [v for v in refused.violations if v.code is ErrorCode.RESERVED]
    return []
