"""Counts (physical inventory): what a count found beside what the ledger says is on hand, and
the adjustments that make the ledger agree with the shelf.

A count line names one item at one internal location (its *place*) and lists what was found
there: serials, lots and packages with their quantities, and an untracked quantity (the line
quantity minus its tracking). Of that item at that location, everything on hand that the line
does not list is *missing* and everything listed that is not on hand is *found*. A count with
scope `location` also counts every item on hand at its locations that no line names: none of it
was found.

Stock is matched by its numbers: a serial by its serial number (counted without its lot or
package, it keeps the ones it has; counted with other ones, it is refused), everything else by
its exact (lot, package) as written on the label. Posting turns each difference into one entry
with the adjustment location: missing goes out (`adjusted_out`), found comes in (`available`),
lot and untracked quantities move by the difference. A count sees stock as it is when posted:
blocked, reserved and expired stock is counted like any other (a block stays on its card).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from itemtrace.domain import formulas
from itemtrace.domain.documents import CountScope, Document, DocumentType, Line, id_if_stored
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed, Violation
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import VIRTUAL_LOCATIONS, Location, LocationKind
from itemtrace.domain.stock import DIMENSIONS, ZERO, Bucket, StockNeeds, StockView, describe, fmt_quantity
from itemtrace.domain.tracking import Dimension, Direction, ItemPolicy, SerialUnique, TrackingKey

ADJUSTMENT = VIRTUAL_LOCATIONS[LocationKind.ADJUSTMENT]

Place = tuple[str, str]  # (location, item): what one count line counts


@dataclass(frozen=True, slots=True)
class Found:
    """What a count line lists of one tracking key: its quantity and any dates written on it."""

    quantity: Decimal
    expiration_date: date | None = None
    warranty_date: date | None = None


@dataclass(frozen=True, slots=True)
class Difference:
    """One key whose counted quantity differs from the quantity on hand at the counted place."""

    line_no: int
    location: str
    key: TrackingKey
    expected: Decimal
    counted: Decimal
    expiration_date: date | None = None  # of the stock on hand (missing), or as counted (found)
    warranty_date: date | None = None

    @property
    def quantity(self) -> Decimal:
        """Positive: found (comes in); negative: missing (goes out)."""
        return self.counted - self.expected


@dataclass(frozen=True, slots=True)
class Expectation:
    """One counted place: what is on hand there beside what was counted, and the differences."""

    line_no: int  # 0: an item no line names, counted as none found (scope `location`)
    location: str
    item: str
    on_hand: tuple[Bucket, ...]
    counted: Decimal
    differences: tuple[Difference, ...]
    # Serials counted here that are on hand here with other lot/package numbers: (counted, on hand).
    mismatched: tuple[tuple[TrackingKey, TrackingKey], ...] = ()

    @property
    def expected(self) -> Decimal:
        return sum((b.quantity for b in self.on_hand), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected

    @property
    def serials(self) -> list[str]:
        return sorted(b.key.serial for b in self.on_hand if b.key.serial)

    @property
    def lots(self) -> dict[str, Decimal]:
        return _sum_by(self.on_hand, Dimension.LOT)

    @property
    def packages(self) -> dict[str, Decimal]:
        return _sum_by(self.on_hand, Dimension.PACKAGE)

    @property
    def untracked(self) -> Decimal:
        return sum((b.quantity for b in self.on_hand if b.key.label() is None), ZERO)

    @property
    def missing(self) -> list[Difference]:
        return [d for d in self.differences if d.quantity < 0]

    @property
    def found(self) -> list[Difference]:
        return [d for d in self.differences if d.quantity > 0]


def _sum_by(buckets: Iterable[Bucket], dim: Dimension) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for b in buckets:
        number = b.key.number(dim)
        if number:
            totals[number] += b.quantity
    return dict(sorted(totals.items()))


# -- before planning: the shape of a count document -------------------------------------------


def resolve_locations(document: Document, locations: Mapping[str, Location]) -> Document:
    """Each count line counts at one internal location: `to_location` and `from_location`, where
    given, name the same one; the line is stored with both set to it.

    Raises `ValidationFailed` naming the line otherwise, for numbers to assign (a count lists
    what it found), and for an item counted on two lines at the same location.
    """
    if document.count_scope is not None and document.type is not DocumentType.COUNT:
        raise ValidationFailed("scope belongs to count documents only: leave it out")
    seen: dict[tuple[str, str, str | None], int] = {}
    lines = []
    for line in document.lines:
        n = line.line_no
        if line.from_location and line.to_location and line.from_location != line.to_location:
            raise ValidationFailed(
                f"line {n}: a count line counts one location, but from_location is {line.from_location} "
                f"and to_location {line.to_location}: give the counted location once"
            )
        where = line.to_location or line.from_location
        if where is None:
            raise ValidationFailed(f"line {n}: a count line names the counted location (to_location)")
        if where not in locations:
            raise ValidationFailed(f"line {n}: location {where} does not exist: create the location first")
        if locations[where].kind is not LocationKind.INTERNAL:
            raise ValidationFailed(
                f"line {n}: counts are taken in internal locations; {where} is {locations[where].kind.value}"
            )
        if line.assign is not None:
            raise ValidationFailed(
                f"line {n}: a count lists the numbers it found; nothing is assigned on a count"
            )
        if line.role is not None:
            raise ValidationFailed(f"line {n}: role belongs to assembly lines only")
        first = seen.setdefault((where, line.item, line.count_package), n)
        # An item line counts all of the item there, packages included: no package line beside it.
        if line.count_package:
            beside = seen.get((where, line.item, None))
        else:
            beside = next((v for k, v in seen.items() if k[:2] == (where, line.item) and k[2]), None)
        if first != n or beside is not None:
            raise ValidationFailed(
                f"line {n}: {line.item} at {where} is counted on line {first if first != n else beside} "
                "already: put everything found of it there on one line"
            )
        lines.append(replace(line, from_location=where, to_location=where))
    return replace(document, lines=tuple(lines))


def places(document: Document) -> dict[Place, int]:
    """The places the lines count, with their line numbers."""
    return {(line.to_location or "", line.item): line.line_no for line in document.lines}


def counted_locations(document: Document) -> set[str]:
    return {line.to_location or "" for line in document.lines}


def unlisted(document: Document, on_hand: Mapping[str, Iterable[str]]) -> set[Place]:
    """With scope `location`, the places of items on hand at a counted location that no line
    names (`on_hand`: location → the items with stock there); none of them was found."""
    if document.count_scope is not CountScope.LOCATION:
        return set()
    listed = set(places(document))
    return {
        (location, item)
        for location in counted_locations(document)
        for item in on_hand.get(location, ())
        if (location, item) not in listed
    }


def needs(document: Document, policies: Mapping[str, ItemPolicy], extra: Iterable[Place] = ()) -> StockNeeds:
    """Every balance at the counted places (loaded and locked whole: what is not counted there is
    missing) and the lots counted, wherever they are (their expiration dates).

    Serials counted but not on hand at their place are looked up afterwards
    (`serials_elsewhere`), so a count of 10,000 serials does not load them twice.
    """
    result = StockNeeds(document_id=id_if_stored(document))
    for location, item in [*places(document), *extra]:
        result.at_source[(item, location)] = None
        result.items.add(item)
    for line in document.lines:
        for t in line.tracking:
            if t.lot:
                result.lots_of_item.add((line.item, t.lot))
    return result


def serials_elsewhere(document: Document, policies: Mapping[str, ItemPolicy], stock: StockView) -> StockNeeds:
    """The counted serials that are not on hand where they were counted: where else they are."""
    here = {(b.location, b.key.item, b.key.serial) for b in stock.buckets if b.key.serial and b.quantity > 0}
    result = StockNeeds(document_id=id_if_stored(document))
    for line in document.lines:
        unique = policies[line.item].code.serial_unique if line.item in policies else SerialUnique.ITEM
        for t in line.tracking:
            if t.serial and (line.to_location, line.item, t.serial) not in here:
                result.serials_of_item.add((line.item, t.serial))
                if unique is SerialUnique.GLOBAL:
                    result.serials_global.add(t.serial)
    return result


# -- counted beside expected --------------------------------------------------------------------


def listed(line: Line) -> dict[TrackingKey, Found]:
    """What a line lists, per tracking key; the line quantity beyond its tracking is untracked."""
    found: dict[TrackingKey, Found] = {}
    for t in line.tracking:
        key = t.key(line.item)
        before = found.get(key)
        quantity = t.quantity + (before.quantity if before else ZERO)
        found[key] = Found(
            quantity,
            (before.expiration_date if before else None) or t.expiration_date,
            (before.warranty_date if before else None) or t.warranty_date,
        )
    rest = line.quantity - line.tracked_quantity
    if rest > 0:
        key = TrackingKey(line.item)
        found[key] = Found(rest + (found[key].quantity if key in found else ZERO))
    return found


def compare(document: Document, buckets: Sequence[Bucket], extra: Iterable[Place] = ()) -> list[Expectation]:
    """Each counted place (the lines', then `extra` ones no line names) with what is on hand there,
    what was counted, and the differences between them."""
    on_hand: dict[Place, list[Bucket]] = defaultdict(list)
    for b in buckets:
        if b.quantity > 0:
            on_hand[(b.location, b.key.item)].append(b)
    result = [
        _compare(
            line.line_no,
            (line.to_location or "", line.item),
            _in(on_hand[(line.to_location or "", line.item)], line),
            line,
        )
        for line in document.lines
    ]
    result.extend(_compare(0, place, on_hand[place], None) for place in sorted(extra))
    return result


def _in(here: list[Bucket], line: Line) -> list[Bucket]:
    """What a line counts of the stock at its place: all of it, or one package (`count_package`)."""
    if line.count_package is None:
        return here
    return [b for b in here if b.key.package == line.count_package]


def _compare(line_no: int, place: Place, here: list[Bucket], line: Line | None) -> Expectation:
    location, item = place
    counted = listed(line) if line is not None else {}
    by_serial = {b.key.serial: b for b in here if b.key.serial}
    by_key = {b.key: b for b in here if not b.key.serial}
    differences: list[Difference] = []
    mismatched: list[tuple[TrackingKey, TrackingKey]] = []
    matched: set[str] = set()
    for key, found in counted.items():
        if not key.serial:
            continue
        held = by_serial.get(key.serial)
        if held is None:
            differences.append(
                Difference(
                    line_no, location, key, ZERO, found.quantity, found.expiration_date, found.warranty_date
                )
            )
            continue
        matched.add(key.serial)
        if (key.lot and key.lot != held.key.lot) or (key.package and key.package != held.key.package):
            mismatched.append((key, held.key))
    for serial, b in sorted(by_serial.items()):
        if serial not in matched:
            differences.append(Difference(line_no, location, b.key, b.quantity, ZERO, b.expiration_date))
    keys = sorted({k for k in counted if not k.serial} | set(by_key), key=_order)
    for key in keys:
        expected = by_key[key].quantity if key in by_key else ZERO
        found = counted.get(key, Found(ZERO))
        if found.quantity == expected:
            continue
        date_ = by_key[key].expiration_date if key in by_key else found.expiration_date
        differences.append(Difference(line_no, location, key, expected, found.quantity, date_))
    total = sum((f.quantity for f in counted.values()), ZERO)
    return Expectation(
        line_no,
        location,
        item,
        tuple(sorted(here, key=lambda b: _order(b.key))),
        total,
        tuple(differences),
        tuple(mismatched),
    )


def _order(key: TrackingKey) -> tuple[str, str, str, str]:
    return (key.item, key.serial or "", key.lot or "", key.package or "")


# -- posting -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Violations:
    items: list[Violation] = field(default_factory=list)

    def add(self, line: int | None, tracking: str | None, code: ErrorCode, detail: str) -> None:
        self.items.append(Violation(line=line or None, tracking=tracking, code=code, detail=detail))


def plan(
    document: Document,
    stock: StockView,
    policies: Mapping[str, ItemPolicy],
    locations: Mapping[str, Location],
    *,
    extra: Iterable[Place] = (),
    today: date,
) -> list[LedgerEntry]:
    """The entries that make the ledger agree with the count, or `PostingRejected` with every
    violation.

    `stock` holds every balance at the counted places (and `extra`, the places of items on hand
    that no line names under scope `location`), the counted lots wherever they are, and where
    the counted serials are when not at their place. Rules: the shape of each line
    (`tracking_not_allowed`, `serial_quantity`, `tracking_required`, `tracking_incomplete`); a
    serial found here that is on hand elsewhere (`serial_exists`, unless this count misses it
    there: then it moved); found lots and serials get an expiration date as received stock does
    (`expiration_date_mismatch`, `expiration_date_required`).
    """
    posting_date = document.posting_date or today
    violations = _Violations()
    seen: dict[tuple[str, str], int] = {}
    for line in document.lines:
        _check_line(line, policies[line.item], seen, violations)
    if violations.items:
        raise PostingRejected(violations.items)
    compared = compare(document, stock.buckets, extra)
    index = _Index(stock.buckets)
    missing = {(d.location, d.key) for e in compared for d in e.missing}
    # Everything missing goes out before anything found comes in: a serial this count moves
    # between two of its places leaves one before it enters the other (its card reads the last).
    entries = [
        _entry(d, d.location, ADJUSTMENT, -d.quantity, d.expiration_date) for e in compared for d in e.missing
    ]
    for e in compared:
        for counted, held in e.mismatched:
            has = ", ".join(
                f"{d.value} {held.number(d) or '(none)'}" for d in DIMENSIONS if d is not Dimension.SERIAL
            )
            violations.add(
                e.line_no,
                counted.serial,
                ErrorCode.SERIAL_EXISTS,
                f"line {e.line_no}: serial {counted.serial} of {e.item} is on hand at {e.location} with {has}: "
                "count it with the numbers it has (or leave them out), or reclassify it first",
            )
        for d in e.found:
            if d.key.serial and _held_elsewhere(d, policies[e.item], index, locations, missing, violations):
                continue
            expiration = _expiration(d, policies[e.item], index, locations, missing, posting_date, violations)
            entries.append(_entry(d, ADJUSTMENT, d.location, d.quantity, expiration))
    if violations.items:
        raise PostingRejected(violations.items)
    return entries


def _entry(
    d: Difference, source: str, target: str, quantity: Decimal, expiration: date | None
) -> LedgerEntry:
    return LedgerEntry(
        key=d.key,
        quantity=quantity,
        from_location=source,
        to_location=target,
        line_no=d.line_no,
        expiration_date=expiration,
        warranty_date=d.warranty_date,
    )


class _Index:
    """The loaded balances by serial and by (item, lot): a count of 10,000 serials looks up its
    found ones without scanning them all each time."""

    def __init__(self, buckets: Sequence[Bucket]) -> None:
        self.by_serial: dict[str, list[Bucket]] = defaultdict(list)
        self.by_lot: dict[tuple[str, str], list[Bucket]] = defaultdict(list)
        for b in buckets:
            if b.quantity <= 0:
                continue
            if b.key.serial:
                self.by_serial[b.key.serial].append(b)
            if b.key.lot:
                self.by_lot[(b.key.item, b.key.lot)].append(b)


def _held_elsewhere(
    d: Difference,
    policy: ItemPolicy,
    index: _Index,
    locations: Mapping[str, Location],
    missing: set[tuple[str, TrackingKey]],
    violations: _Violations,
) -> bool:
    """`serial_exists`: a serial found here is on hand in another place, and this count does not
    miss it there (a count of both places that misses it there and finds it here moves it)."""
    anywhere = policy.code.serial_unique is SerialUnique.GLOBAL
    for b in index.by_serial.get(d.key.serial or "", ()):
        if (
            (anywhere or b.key.item == d.key.item)
            and b.location in locations
            and locations[b.location].kind.in_stock
            and (b.location, b.key) not in missing
            and (b.location, b.key.item) != (d.location, d.key.item)
        ):
            violations.add(
                d.line_no,
                d.key.serial,
                ErrorCode.SERIAL_EXISTS,
                f"line {d.line_no}: serial {d.key.serial} of {b.key.item} is on hand at {b.location}, so it "
                f"cannot be counted in at {d.location}: transfer it, or count {b.location} too",
            )
            return True
    return False


def _expiration(
    d: Difference,
    policy: ItemPolicy,
    index: _Index,
    locations: Mapping[str, Location],
    missing: set[tuple[str, TrackingKey]],
    posting_date: date,
    violations: _Violations,
) -> date | None:
    """A found lot takes the date the lot has on hand; a found serial the date it had where this
    count misses it; else the date counted, else posting date + shelf life (as on receipt)."""
    key, given, code = d.key, d.expiration_date, policy.code
    if not (key.lot or key.serial):
        return given
    known: date | None = None
    pool = [*index.by_lot.get((key.item, key.lot or ""), ()), *index.by_serial.get(key.serial or "", ())]
    for b in pool:
        if b.expiration_date is None or b.key.item != key.item:
            continue
        same_lot = key.lot is not None and b.key.lot == key.lot
        on_hand = b.location in locations and locations[b.location].kind.in_stock
        moved = key.serial is not None and b.key.serial == key.serial and (b.location, b.key) in missing
        if (same_lot and on_hand) or moved:
            known = b.expiration_date
            break
    if given and known and given != known and key.lot:
        violations.add(
            d.line_no,
            key.lot,
            ErrorCode.EXPIRATION_DATE_MISMATCH,
            f"line {d.line_no}: lot {key.lot} of {key.item} is in stock with expiration date "
            f"{known.isoformat()}, not {given.isoformat()}: count it with that date or check the lot number",
        )
        return given
    expiration = given or known
    if expiration is None and code.use_expiration_dates and policy.item.shelf_life:
        expiration = formulas.apply(policy.item.shelf_life, posting_date)
    if expiration is None and code.require_expiration_date:
        violations.add(
            d.line_no,
            key.label(),
            ErrorCode.EXPIRATION_DATE_REQUIRED,
            f"line {d.line_no}: {describe(key)} was found and needs an expiration date (tracking code "
            f"{code.code}): give expiration_date on its tracking line",
        )
    return expiration


def _check_line(
    line: Line, policy: ItemPolicy, seen: dict[tuple[str, str], int], violations: _Violations
) -> None:
    """What a count line lists must be well formed: positive quantities, numbers the item tracks,
    serials of one unit counted once in the document, numbers the item requires on inbound
    postings on every unit (found stock comes in like received stock)."""
    code, n = policy.code, line.line_no
    repeats = Counter(t.serial for t in line.tracking if t.serial)
    untracked = [dim for dim in DIMENSIONS if not code.policy(dim).tracked]
    for t in line.tracking:
        if t.quantity <= 0:
            violations.add(
                n,
                t.serial or t.lot or t.package,
                ErrorCode.TRACKING_INCOMPLETE,
                f"line {n}: tracking quantities must be positive, got {fmt_quantity(t.quantity)}",
            )
        for dim in untracked:
            number = getattr(t, dim.value)
            if number:
                violations.add(
                    n,
                    number,
                    ErrorCode.TRACKING_NOT_ALLOWED,
                    f"line {n}: {line.item} is not tracked by {dim.value} number, so {dim.value} {number} "
                    "cannot be counted: count it as a quantity",
                )
        if t.serial:
            if t.quantity != 1:
                violations.add(
                    n,
                    t.serial,
                    ErrorCode.SERIAL_QUANTITY,
                    f"line {n}: serial {t.serial} has quantity {fmt_quantity(t.quantity)}; a serial is one unit",
                )
            first = seen.setdefault((line.item, t.serial), n)
            if first != n or repeats[t.serial] > 1:
                violations.add(
                    n,
                    t.serial,
                    ErrorCode.SERIAL_QUANTITY,
                    f"line {n}: serial {t.serial} of {line.item} is counted more than once (first on line "
                    f"{first}); a serial is in one place",
                )
    if line.tracked_quantity > line.quantity:
        violations.add(
            n,
            None,
            ErrorCode.TRACKING_INCOMPLETE,
            f"line {n}: tracking lines add up to {fmt_quantity(line.tracked_quantity)} but the line counts "
            f"{fmt_quantity(line.quantity)}: the line quantity is everything counted of {line.item}",
        )
        return
    for dim in DIMENSIONS:
        if line.quantity == 0 or not code.policy(dim).required(Direction.INBOUND):
            continue
        given = sum((t.quantity for t in line.tracking if getattr(t, dim.value)), ZERO)
        if given != line.quantity:
            violations.add(
                n,
                None,
                ErrorCode.TRACKING_REQUIRED if given == 0 else ErrorCode.TRACKING_INCOMPLETE,
                f"line {n}: {line.item} needs a {dim.value} number on every unit counted; "
                f"{fmt_quantity(line.quantity - given)} of {fmt_quantity(line.quantity)} have none: "
                f"list them by {dim.value}",
            )
    if code.serial.tracked and line.quantity != line.quantity.to_integral_value():
        violations.add(
            n, None, ErrorCode.SERIAL_QUANTITY, f"line {n}: {line.item} is serial-tracked: count whole units"
        )
