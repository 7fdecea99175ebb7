"""Reclassification: rename a serial, lot or package, re-date a lot or serial, split and merge lots.

A reclassification line moves stock between internal locations (the same one unless the line
names `to_location`) and each tracking line says what becomes of the numbers it takes:
`new_serial`, `new_lot`, `new_package`, `new_expiration_date`. The ledger records it as two
entries per picked bucket, both in the same document: the old key leaves its place for the
virtual RECLASSIFICATION location, and the new key (the old one with its numbers replaced)
arrives from there. So every key still sums to zero over all locations, the old number's history
ends in `renamed` and the new number's begins with the reclassification; `links()` records which
old key became which new one (trace, recall and the cards follow it).

The rules (code `reclass_rule`) are Business Central's (*Work with serial and lot numbers*,
"To reclassify serial or lot numbers"):

- re-dating a lot that keeps its number re-dates the whole lot: every unit of it on hand, at every
  location, is in the document, all with the same new date (a lot has one date);
- lots merged into one new lot get the same new expiration date;
- merging into a lot already on hand takes that lot's date: another `new_expiration_date` is refused;
- without `new_expiration_date` the new number keeps the date the old one had (Business Central
  fills New Expiration Date with it).

Pure: no I/O; `posting.plan()` calls it for reclassification lines and collects its violations with
every other rule's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.errors import ErrorCode, Violation
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import STOCK_KINDS, VIRTUAL_LOCATIONS, Location, LocationKind
from itemtrace.domain.stock import Bucket, LiveStock, StockView, describe, fmt_quantity, is_blocked
from itemtrace.domain.tracking import Dimension, ItemPolicy, SerialUnique, TrackingKey

RECLASS = VIRTUAL_LOCATIONS[LocationKind.RECLASSIFICATION]
ZERO = Decimal(0)
_NEW = (
    (Dimension.SERIAL, "new_serial"),
    (Dimension.LOT, "new_lot"),
    (Dimension.PACKAGE, "new_package"),
)


@dataclass(frozen=True, slots=True)
class Rename:
    """`old` became `new` (`quantity` of it) on a reclassification; `copy_info` copies the card."""

    old: TrackingKey
    new: TrackingKey
    quantity: Decimal
    copy_info: bool = True


def renamed(key: TrackingKey, t: TrackingLine) -> TrackingKey:
    """The key `key` becomes under tracking line `t`: each number `t` renames replaced."""
    return replace(
        key,
        serial=t.new_serial or key.serial,
        lot=t.new_lot or key.lot,
        package=t.new_package or key.package,
    )


def changes_numbers(t: TrackingLine) -> bool:
    return any(getattr(t, name) for _, name in _NEW)


def check_line(line: Line, policy: ItemPolicy) -> list[Violation]:
    """The shape of a reclassification line: `tracking_not_allowed` for a new number of a dimension
    the item does not track; `reclass_rule` for a new number without the old one it replaces, or
    a line that changes nothing."""
    found: list[Violation] = []
    code = policy.code
    for t in line.tracking:
        for dim, name in _NEW:
            new = getattr(t, name)
            if not new:
                continue
            old = t.key(line.item).number(dim)
            if not code.policy(dim).tracked:
                found.append(
                    Violation(
                        line.line_no,
                        new,
                        ErrorCode.TRACKING_NOT_ALLOWED,
                        f"line {line.line_no}: {line.item} is not tracked by {dim.value} number, so it "
                        f"cannot get {name} {new}: remove it",
                    )
                )
            elif not old:
                found.append(
                    Violation(
                        line.line_no,
                        new,
                        ErrorCode.RECLASS_RULE,
                        f"line {line.line_no}: {name} {new} needs the {dim.value} number it replaces: "
                        f"name the {dim.value} on the tracking line",
                    )
                )
    moves = line.from_location != line.to_location
    if not moves and not any(_changes(t) for t in line.tracking):
        found.append(
            Violation(
                line.line_no,
                None,
                ErrorCode.RECLASS_RULE,
                f"line {line.line_no}: this reclassification changes nothing: give new_serial, new_lot, "
                "new_package or new_expiration_date on a tracking line, or another to_location",
            )
        )
    return found


def _changes(t: TrackingLine) -> bool:
    return (
        (t.new_serial is not None and t.new_serial != t.serial)
        or (t.new_lot is not None and t.new_lot != t.lot)
        or (t.new_package is not None and t.new_package != t.package)
        or t.new_expiration_date is not None
    )


def _on_hand(stock: StockView, locations: Mapping[str, Location]) -> dict[tuple[str, str], list[Bucket]]:
    """Buckets on hand (our places and the road) before the document, by (item, lot)."""
    lots: dict[tuple[str, str], list[Bucket]] = defaultdict(list)
    for b in stock.buckets:
        if (
            b.key.lot
            and b.quantity > 0
            and b.location in locations
            and locations[b.location].kind in STOCK_KINDS
        ):
            lots[(b.key.item, b.key.lot)].append(b)
    return lots


def arrive(
    line: Line,
    t: TrackingLine,
    departures: Sequence[LedgerEntry],
    policy: ItemPolicy,
    live: LiveStock,
    stock: StockView,
    locations: Mapping[str, Location],
    posting_date: date,
) -> tuple[list[LedgerEntry], list[Violation]]:
    """The new keys arriving for what `t` took (`departures`, into RECLASS): each departure is
    followed by its arrival. Checks the arriving numbers as a receipt would (`serial_exists`,
    `tracking_blocked`, `expiration_date_required`) and `reclass_rule` for a merge into a lot on
    hand with another date."""
    code = policy.code
    target = line.to_location or ""
    found: list[Violation] = []
    entries: list[LedgerEntry] = []
    lots = _on_hand(stock, locations)
    reported: set[tuple[str, str]] = set()
    for dep in departures:
        new = renamed(dep.key, t)
        expiration = t.new_expiration_date or dep.expiration_date
        bad = False
        if new.serial and new.serial != dep.key.serial:
            owner = None if code.serial_unique is SerialUnique.GLOBAL else line.item
            held = live.where(owner, new.serial, STOCK_KINDS, locations)
            if held:
                found.append(
                    Violation(
                        line.line_no,
                        new.serial,
                        ErrorCode.SERIAL_EXISTS,
                        f"line {line.line_no}: serial {new.serial} of {held[0][1].item} is already in stock at "
                        f"{held[0][0]}: choose another new_serial",
                    )
                )
                bad = True
        for dim, name in _NEW:
            number = getattr(t, name)
            if number and number != dep.key.number(dim) and is_blocked(line.item, dim, number, stock.blocked):
                found.append(
                    Violation(
                        line.line_no,
                        number,
                        ErrorCode.TRACKING_BLOCKED,
                        f"line {line.line_no}: {dim.value} {number} of {line.item} is blocked: unblock it on "
                        "its card before reclassifying into it",
                    )
                )
                bad = True
        if t.serial and dep.key.lot and new.lot == dep.key.lot and expiration != dep.expiration_date:
            found.append(
                Violation(
                    line.line_no,
                    t.serial,
                    ErrorCode.RECLASS_RULE,
                    f"line {line.line_no}: serial {t.serial} of {line.item} is in lot {dep.key.lot}, which has "
                    "one date for all its units: re-date the lot (name the lot, not the serial), or move "
                    "the serial to a new lot with new_lot",
                )
            )
            bad = True
        if new.lot and new.lot != dep.key.lot and (line.item, new.lot) in lots:
            existing = next(
                (b.expiration_date for b in lots[(line.item, new.lot)] if b.expiration_date), None
            )
            if t.new_expiration_date is not None and t.new_expiration_date != existing:
                if (new.lot, str(t.new_expiration_date)) not in reported:
                    reported.add((new.lot, str(t.new_expiration_date)))
                    found.append(
                        Violation(
                            line.line_no,
                            t.lot or new.lot,
                            ErrorCode.RECLASS_RULE,
                            f"line {line.line_no}: lot {new.lot} of {line.item} is on hand with expiration "
                            f"date {existing.isoformat() if existing else '(none)'}; a lot merged into it takes "
                            f"that date, not {t.new_expiration_date.isoformat()}: leave out "
                            "new_expiration_date or use that date",
                        )
                    )
                bad = True
            expiration = existing
        if expiration is None and code.require_expiration_date:
            found.append(
                Violation(
                    line.line_no,
                    new.label(),
                    ErrorCode.EXPIRATION_DATE_REQUIRED,
                    f"line {line.line_no}: {describe(new)} needs an expiration date (tracking code "
                    f"{code.code}): give new_expiration_date",
                )
            )
            bad = True
        if bad:
            continue
        live.move(RECLASS, target, new, dep.quantity, Bucket(target, new, ZERO, expiration, posting_date))
        entries.append(dep)
        entries.append(
            LedgerEntry(
                key=new,
                quantity=dep.quantity,
                from_location=RECLASS,
                to_location=target,
                line_no=line.line_no,
                expiration_date=expiration,
                warranty_date=dep.warranty_date,
            )
        )
    return entries, found


def pairs(entries: Sequence[LedgerEntry]) -> list[tuple[LedgerEntry, LedgerEntry]]:
    """(departure, arrival) pairs of a reclassification's entries, as `arrive` orders them."""
    leaving = [e for e in entries if e.to_location == RECLASS]
    arriving = [e for e in entries if e.from_location == RECLASS]
    return list(zip(leaving, arriving, strict=True))


def check_document(
    document: Document,
    entries: Sequence[LedgerEntry],
    stock: StockView,
    locations: Mapping[str, Location],
) -> list[Violation]:
    """The rules over the whole document: a re-dated lot is re-dated whole and to one date; lots
    merged into one new lot get one date."""
    found: list[Violation] = []
    lots = _on_hand(stock, locations)
    taken: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    redated: dict[tuple[str, str], list[tuple[int, date | None]]] = defaultdict(list)
    merged: dict[tuple[str, str], list[tuple[int, str, date | None]]] = defaultdict(list)
    for dep, arr in pairs(entries):
        item = dep.key.item
        if dep.key.lot:
            taken[(item, dep.key.lot)][dep.from_location] += dep.quantity
        if dep.key.lot and arr.key.lot == dep.key.lot and arr.expiration_date != dep.expiration_date:
            redated[(item, dep.key.lot)].append((dep.line_no, arr.expiration_date))
        if arr.key.lot and arr.key.lot != dep.key.lot and (item, arr.key.lot) not in lots:
            merged[(item, arr.key.lot)].append((arr.line_no, dep.key.lot or "", arr.expiration_date))
    for (item, lot), uses in sorted(redated.items()):
        line_no = min(n for n, _ in uses)
        missing = [
            (b.location, b.quantity - taken[(item, lot)].get(b.location, ZERO))
            for b in _by_location(lots.get((item, lot), []))
            if b.quantity > taken[(item, lot)].get(b.location, ZERO)
        ]
        if missing:
            where = ", ".join(f"{fmt_quantity(q)} at {loc}" for loc, q in missing)
            found.append(
                Violation(
                    line_no,
                    lot,
                    ErrorCode.RECLASS_RULE,
                    f"line {line_no}: re-dating lot {lot} of {item} re-dates the whole lot, but {where} is "
                    "not in this document: add a line for each location with its whole quantity "
                    "(receive stock in transit first)",
                )
            )
        dates = {d for _, d in uses}
        if len(dates) > 1:
            found.append(
                Violation(
                    line_no,
                    lot,
                    ErrorCode.RECLASS_RULE,
                    f"line {line_no}: lot {lot} of {item} is re-dated to {len(dates)} different dates "
                    f"({', '.join(_iso(d) for d in sorted(dates, key=_order))}): a lot has one date, give "
                    "every line the same new_expiration_date",
                )
            )
    for (item, lot), merges in sorted(merged.items()):
        sources = sorted({old for _, old, _ in merges})
        new_dates = {d for _, _, d in merges}
        if len(sources) > 1 and len(new_dates) > 1:
            line_no = min(n for n, _, _ in merges)
            found.append(
                Violation(
                    line_no,
                    lot,
                    ErrorCode.RECLASS_RULE,
                    f"line {line_no}: lots {', '.join(sources)} of {item} merged into new lot {lot} have "
                    f"different expiration dates ({', '.join(_iso(d) for d in sorted(new_dates, key=_order))}): "
                    "give every line merging into it the same new_expiration_date",
                )
            )
    return found


def _by_location(buckets: Sequence[Bucket]) -> list[Bucket]:
    """One bucket per location with the lot's whole quantity there (a lot may be in several
    packages or serials at one place)."""
    total: dict[str, Decimal] = defaultdict(Decimal)
    for b in buckets:
        total[b.location] += b.quantity
    return [Bucket(loc, TrackingKey(""), q) for loc, q in sorted(total.items())]


def _order(d: date | None) -> date:
    return d or date.min


def _iso(d: date | None) -> str:
    return d.isoformat() if d else "(none)"


def links(document: Document, entries: Sequence[LedgerEntry]) -> list[Rename]:
    """What a posted reclassification renamed: old key → new key with the quantity, summed, for
    the reclass links, the genealogy walk and copying cards. A re-date that keeps the key is no
    rename."""
    if document.type is not DocumentType.RECLASSIFICATION:
        return []
    by_line = {line.line_no: line for line in document.lines}
    total: dict[tuple[TrackingKey, TrackingKey], Decimal] = defaultdict(Decimal)
    copy: dict[tuple[TrackingKey, TrackingKey], bool] = {}
    for dep, arr in pairs(entries):
        if dep.key == arr.key:
            continue
        pair = (dep.key, arr.key)
        total[pair] += dep.quantity
        line = by_line.get(dep.line_no)
        if pair not in copy:
            copy[pair] = _copy_info(line, dep.key, arr.key)
    return [Rename(old, new, q, copy[(old, new)]) for (old, new), q in total.items()]


def _copy_info(line: Line | None, old: TrackingKey, new: TrackingKey) -> bool:
    if line is None:
        return True
    for t in line.tracking:
        named_match = all(
            not t.key(line.item).number(dim) or t.key(line.item).number(dim) == old.number(dim)
            for dim, _ in _NEW
        )
        if named_match and renamed(old, t) == new:
            return t.copy_info
    return True


def redated(entries: Sequence[LedgerEntry]) -> list[LedgerEntry]:
    """The arrivals that keep their key under a new date: their balances take the new date."""
    return [
        arr
        for dep, arr in pairs(entries)
        if dep.key == arr.key and arr.expiration_date != dep.expiration_date
    ]
