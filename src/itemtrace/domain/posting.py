"""Posting rules: turn a draft document into ledger entries, or refuse it with every violation.

`stock.needs()` says which stock the rules must see; the storage layer loads exactly that (with
row locks) into a `StockView`; `plan()` then runs every rule that posting enforces and
either returns the entries or raises one `PostingRejected` listing all violations. Reserved stock
(see `reservations`) is never taken: naming it is refused, auto-picking skips it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from itemtrace.domain import formulas, reclass
from itemtrace.domain.documents import Document, DocumentType, Line, Role, TrackingLine, line_direction
from itemtrace.domain.errors import ErrorCode, PostingRejected, Violation
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import STOCK_KINDS, VIRTUAL_LOCATIONS, Location, LocationKind
from itemtrace.domain.masterdata_changes import closed_detail, closed_locations
from itemtrace.domain.outbound_numbers import given_on_outbound, number_at_source
from itemtrace.domain.status import is_expired
from itemtrace.domain.stock import (
    DIMENSIONS,
    ZERO,
    BlockedKey,
    Bucket,
    LiveStock,
    StockView,
    describe,
    fmt_quantity,
    is_blocked,
    numbers_of,
)
from itemtrace.domain.tracking import (
    Dimension,
    Direction,
    SerialUnique,
    TrackingCode,
    TrackingKey,
)
from itemtrace.domain.tracking import ItemPolicy as ItemPolicy  # schemas/masterdata.py imports it here

# Outbound movements allowed for expired stock (rule lot_expired).
# Reclassification: an expired lot may be re-dated or renamed where it is.
_EXPIRED_ALLOWED = {
    DocumentType.SCRAP,
    DocumentType.ADJUSTMENT,
    DocumentType.RETURN_SHIPMENT,
    DocumentType.RECLASSIFICATION,
}


class _Violations:
    def __init__(self) -> None:
        self.items: list[Violation] = []

    def add(self, line: int | None, tracking: str | None, code: ErrorCode, detail: str) -> None:
        self.items.append(Violation(line=line, tracking=tracking, code=code, detail=detail))


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
    live = LiveStock(stock.buckets, others)
    entries: list[LedgerEntry] = []
    seen_serials: dict[tuple[str, str], int] = {}
    transit = VIRTUAL_LOCATIONS[LocationKind.TRANSIT]

    for line in document.lines:
        policy = policies[line.item]
        code = policy.code
        direction = line_direction(document.type, line, locations)
        for closed in closed_locations((line.from_location, line.to_location), locations):
            violations.add(line.line_no, None, ErrorCode.LOCATION_CLOSED, closed_detail(line.line_no, closed))
        before = len(violations.items)
        _check_shape(line, code, direction, seen_serials, violations)
        if len(violations.items) > before:
            continue  # the deeper rules need a well-formed line
        _check_blocked(line, stock.blocked, violations)
        if document.type is DocumentType.RECLASSIFICATION:
            entries.extend(
                _reclassify(document, line, policy, stock, live, locations, posting_date, violations)
            )
            continue
        target = line.to_location or ""
        if document.type is DocumentType.TRANSFER and document.in_transit:
            target = transit
        if direction is Direction.INBOUND:
            entries.extend(
                _inbound(document, line, policy, target, live, stock, locations, posting_date, violations)
            )
        else:
            before = len(violations.items)
            entries.extend(number_at_source(line, code, live, locations, stock.blocked, violations.add))
            if len(violations.items) > before:
                continue  # a new number that cannot be given: the line cannot leave
            entries.extend(
                _outbound(
                    document, line, code, stock.blocked, target, live, locations, posting_date, violations
                )
            )

    if document.type is DocumentType.RECLASSIFICATION:
        violations.items.extend(reclass.check_document(document, entries, stock, locations))
    if violations.items:
        raise PostingRejected(violations.items)
    return entries


def _reclassify(
    document: Document,
    line: Line,
    policy: ItemPolicy,
    stock: StockView,
    live: LiveStock,
    locations: Mapping[str, Location],
    posting_date: date,
    violations: _Violations,
) -> list[LedgerEntry]:
    """A reclassification line: each tracking line's stock leaves as an outbound line would (into
    RECLASS), and `reclass.arrive` brings it back under its new numbers (domain/reclass.py)."""
    shape = reclass.check_line(line, policy)
    violations.items.extend(shape)
    if shape:
        return []
    requests = list(line.tracking)
    rest = line.quantity - line.tracked_quantity
    if rest > 0:
        requests.append(TrackingLine(quantity=rest))
    entries: list[LedgerEntry] = []
    for t in requests:
        part = replace(line, quantity=t.quantity, tracking=(t,) if t.named else ())
        before = len(violations.items)
        departures = _outbound(
            document,
            part,
            policy.code,
            stock.blocked,
            reclass.RECLASS,
            live,
            locations,
            posting_date,
            violations,
        )
        if len(violations.items) > before:
            continue
        arrived, found = reclass.arrive(line, t, departures, policy, live, stock, locations, posting_date)
        violations.items.extend(found)
        entries.extend(arrived)
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
                f"line {line.line_no}: tracking quantities must be positive, got {fmt_quantity(t.quantity)}",
            )
        for dim in DIMENSIONS:
            number = getattr(t, dim.value)  # the number its key has in `dim`
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
                    f"line {line.line_no}: serial {t.serial} has quantity {fmt_quantity(t.quantity)}; "
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
            f"line {line.line_no}: tracking lines add up to {fmt_quantity(tracked)} but the line quantity is "
            f"{fmt_quantity(line.quantity)}: remove tracking lines or raise the quantity",
        )
        return
    for dim in DIMENSIONS:
        if not code.policy(dim).required(direction):
            continue
        given = sum((t.quantity for t in line.tracking if getattr(t, dim.value)), ZERO)
        if given == 0:
            violations.add(
                line.line_no,
                None,
                ErrorCode.TRACKING_REQUIRED,
                f"line {line.line_no}: {line.item} needs a {dim.value} number on {direction.value} "
                f"postings (tracking code {code.code}): add tracking lines with {dim.value} numbers"
                + (
                    " or assign them from the item's series"
                    if direction is Direction.INBOUND or dim in given_on_outbound(code)
                    else ""
                ),
            )
        elif given != line.quantity:
            violations.add(
                line.line_no,
                None,
                ErrorCode.TRACKING_INCOMPLETE,
                f"line {line.line_no}: {dim.value} numbers cover {fmt_quantity(given)} of {fmt_quantity(line.quantity)} "
                f"{line.item}; the undefined quantity {fmt_quantity(line.quantity - given)} must be 0",
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
        for number, dim in numbers_of(t):
            if is_blocked(line.item, dim, number, blocked):
                violations.add(
                    line.line_no,
                    number,
                    ErrorCode.TRACKING_BLOCKED,
                    f"line {line.line_no}: {dim.value} {number} of {line.item} is blocked: unblock it on its "
                    "card before moving it",
                )


def _inbound(
    document: Document,
    line: Line,
    policy: ItemPolicy,
    target: str,
    live: LiveStock,
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
    live: LiveStock,
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
            f"{customer} holds {fmt_quantity(holds)} of {describe(key)}, not {fmt_quantity(t.quantity)}: a customer returns "
            "at most what it was delivered and has not returned yet; lower the quantity"
        )
    else:
        detail = (
            f"{customer} holds none of {describe(key)} (nothing of it was delivered to {customer}, or all of "
            "it came back already): check the partner and the numbers"
        )
    violations.add(line.line_no, key.label(), ErrorCode.NOT_SOLD_TO_PARTNER, f"line {line.line_no}: {detail}")
    return False


def _inbound_expiration(
    line: Line,
    t: TrackingLine,
    key: TrackingKey,
    policy: ItemPolicy,
    live: LiveStock,
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
        for place in live.by_lot.get((line.item, key.lot), []):
            loc = place[0]
            here = loc == line.from_location or (loc in locations and locations[loc].kind.in_stock)
            if here and live.qty[place] > 0 and live.meta[place].expiration_date:
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
            f"line {line.line_no}: {describe(key)} needs an expiration date (tracking code {code.code}): "
            "give expiration_date on the tracking line",
        )
    return expiration


def _returning_date(line: Line, key: TrackingKey, live: LiveStock) -> date | None:
    """The date a serial or lot had where the line takes it from (a customer returning it): a
    return brings back the same units, it does not start a new shelf life."""
    if key.serial:
        pool = live.by_serial.get(key.serial, [])
    elif key.lot:
        pool = live.by_lot.get((line.item, key.lot), [])
    else:
        pool = live.by_item.get(line.item, [])
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
    live: LiveStock,
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
                held = [(n, d) for n, d in numbers_of(picked) if not key.number(d)]
                locked = [(n, d) for n, d in held if is_blocked(line.item, d, n, blocked)]
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
                    f"line {line.line_no}: {describe(picked)} expired on {bucket.expiration_date.isoformat()}, "
                    f"before the posting date {posting_date.isoformat()}: scrap it or pick another lot",
                )
                continue
            arrived = bucket.first_in_date
            if arrived is not None and posting_date < arrived and picked.label() is not None:
                violations.add(
                    line.line_no,
                    picked.label(),
                    ErrorCode.POSTING_DATE_ORDER,
                    f"line {line.line_no}: {describe(picked)} arrived at {source} on {arrived.isoformat()}, "
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
    live: LiveStock,
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
                for number, dim in numbers_of(p[1])
                if not key.number(dim) and is_blocked(line.item, dim, number, blocked)
            }
        )
        for dim_name, number in locked:
            violations.add(
                line.line_no,
                number,
                ErrorCode.TRACKING_BLOCKED,
                f"line {line.line_no}: {fmt_quantity(t.quantity)} of {describe(key)} requested at {source}: "
                f"only {fmt_quantity(there)} of it is outside {dim_name} {number}, which is blocked: unblock it "
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
                f"line {line.line_no}: {fmt_quantity(t.quantity)} of {describe(key)} requested at {source}: "
                f"{fmt_quantity(have)} there, but {fmt_quantity(held)} of it reserved by {by}: post or cancel {by} first, "
                "or lower the quantity"
            )
        violations.add(line.line_no, key.label(), ErrorCode.RESERVED, detail)
        return
    reserved_note = f" ({fmt_quantity(held)} of it reserved by {by})" if holders else ""
    violations.add(
        line.line_no,
        key.label(),
        ErrorCode.INSUFFICIENT_QUANTITY,
        f"line {line.line_no}: {fmt_quantity(t.quantity)} of {describe(key)} requested at {source}, "
        f"only {fmt_quantity(have)} there{reserved_note}: lower the quantity or move stock there first",
    )


def _expired(bucket: Bucket, posting_date: date) -> bool:
    """Expired before the posting date; on the date itself is still fine (lot_expired)."""
    return is_expired(bucket.expiration_date, today=posting_date)


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
            f"line {line.line_no}: {describe(key)} needs a warranty date (tracking code {code.code}): "
            "give warranty_date on the tracking line or set a warranty formula",
        )
    return None
