"""Corrections: reversing a posted document (Business Central's *Undo Shipment/Receipt*), a return
built from a posted shipment, and posting part of a draft (*Qty. to Ship/Receive*).

A reversal is a new posted document of the same type whose ledger entries mirror the original's
(same numbers and quantities, from and to swapped, same partner): `not_reversible` when the units
are no longer where the original put them. A partial posting splits a draft into the part posted
now and the rest that stays a draft.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from itemtrace.domain.documents import Document, DocumentType, Line, Status, StoredDocument, TrackingLine
from itemtrace.domain.errors import Conflict, ErrorCode, PostingRejected, ValidationFailed, Violation
from itemtrace.domain.ledger import LedgerEntry, fold
from itemtrace.domain.links import DocumentLinks
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.stock import describe, fmt_quantity
from itemtrace.domain.tracing import Graph
from itemtrace.domain.tracking import TrackingKey

ZERO = Decimal(0)


# -- reversal ------------------------------------------------------------------------------------

# Types whose ledger entries can simply be mirrored. An assembly also links outputs to their
# components (genealogy), and a reclassification links old numbers to new ones, which a mirror
# would not undo; a count is corrected by counting again.
REVERSIBLE_TYPES = frozenset(
    {
        DocumentType.RECEIPT,
        DocumentType.SHIPMENT,
        DocumentType.TRANSFER,
        DocumentType.ADJUSTMENT,
        DocumentType.SCRAP,
        DocumentType.RETURN_RECEIPT,
        DocumentType.RETURN_SHIPMENT,
    }
)


def check_reversible(document: StoredDocument, links: DocumentLinks) -> None:
    """A posted document that is neither a reversal nor reversed already; else 409 `not_reversible`."""
    name = document.number or str(document.id)
    if document.status is not Status.POSTED:
        raise Conflict(
            f"document {name} is {document.status.value}: only posted documents are reversed "
            "(cancel a draft instead)",
            code=ErrorCode.NOT_REVERSIBLE,
        )
    if links.reverses is not None:
        raise Conflict(
            f"document {name} reverses {links.reverses}: a reversal is not reversed again, post the "
            "movement anew instead",
            code=ErrorCode.NOT_REVERSIBLE,
        )
    if links.reversed_by is not None:
        raise Conflict(
            f"document {name} was already reversed by {links.reversed_by}: a document is reversed once",
            code=ErrorCode.NOT_REVERSIBLE,
        )
    if document.type not in REVERSIBLE_TYPES:
        instead = {
            DocumentType.ASSEMBLY: "a disassembly, as an assembly with the roles swapped",
            DocumentType.RECLASSIFICATION: "a reclassification from the new numbers back to the old",
            DocumentType.COUNT: "a new count of what is really there",
        }.get(document.type, "a correcting document")
        raise Conflict(
            f"{document.type.value} documents cannot be reversed: post {instead} instead",
            code=ErrorCode.NOT_REVERSIBLE,
        )


def places_to_check(entries: Sequence[LedgerEntry]) -> dict[tuple[str, TrackingKey], Decimal]:
    """Where the document left stock, and how much: (location, key) → quantity it put there."""
    return {place: quantity for place, quantity in fold(entries).items() if quantity > 0}


def plan_reversal(
    document: Document,
    entries: Sequence[LedgerEntry],
    *,
    balances: Mapping[tuple[str, TrackingKey], Decimal],
    serials_at: Mapping[TrackingKey, set[str]],
    kinds: Mapping[str, LocationKind],
    today: date,
    free: Mapping[tuple[str, TrackingKey], Decimal] | None = None,
) -> tuple[Document, list[LedgerEntry]]:
    """The reversal of a posted `document` and its entries (rule `not_reversible`).

    Args:
        entries: the document's own ledger entries, in the order they were written.
        balances: the quantity now at each place the document put stock that has a balance
            (our places and transit; at a customer's place, what the document's partner holds).
        serials_at: for each serial the document moved, every place it is in now (our places,
            transit, customers): a serial the reversal brings back must be nowhere else.
        kinds: the kind of every location the entries name.
        free: at our places, what of `balances` no other open document reserves.

    Raises:
        PostingRejected: `not_reversible` for every number no longer where the document put it;
            `reserved` where it is, but an open document (a draft) has promised it.
    """
    line_of: dict[TrackingKey, int] = {}
    for e in entries:
        line_of.setdefault(e.key, e.line_no)
    violations: list[Violation] = []
    places = places_to_check(entries)
    for (location, key), quantity in sorted(places.items(), key=_place_order):
        if not kinds[location].projected:
            continue  # suppliers, scrap, adjustment: nothing is taken from there but serials (below)
        there = balances.get((location, key), ZERO)
        if there >= quantity:
            unpromised = (free or {}).get((location, key), there)
            if unpromised < quantity:
                violations.append(
                    Violation(
                        line=line_of.get(key),
                        tracking=key.label(),
                        code=ErrorCode.RESERVED,
                        detail=f"{describe(key)} at {location} is reserved by an open document "
                        f"({fmt_quantity(quantity - unpromised)} of it): post or cancel that draft first, "
                        f"then reverse {document.number}",
                    )
                )
            continue
        violations.append(
            _not_reversible(
                document,
                key,
                line_of.get(key),
                f"{document.number} put {fmt_quantity(quantity)} at {location}, "
                f"only {fmt_quantity(there)} there now"
                + (f" for {document.partner}" if kinds[location] is LocationKind.CUSTOMER else ""),
            )
        )
    taken_from: dict[TrackingKey, set[str]] = defaultdict(set)
    for location, key in places:
        taken_from[key].add(location)
    # Serials the reversal puts back into one of our places or a customer's (where the original
    # took them from): each must be nowhere else by now.
    brought_back = {
        key
        for (location, key), quantity in fold(entries).items()
        if quantity < 0 and key.serial and kinds[location].projected
    }
    for key in sorted(brought_back):
        elsewhere = serials_at.get(key, set()) - taken_from[key]
        if elsewhere and not any(v.tracking == key.label() for v in violations):
            violations.append(
                _not_reversible(
                    document, key, line_of.get(key), f"it is at {', '.join(sorted(elsewhere))} now"
                )
            )
    if violations:
        raise PostingRejected(violations)
    mirrored = [
        LedgerEntry(
            key=e.key,
            quantity=e.quantity,
            from_location=e.to_location,
            to_location=e.from_location,
            line_no=e.line_no,
            expiration_date=e.expiration_date,
            warranty_date=None,  # the warranty a shipment started is undone with it
        )
        for e in reversed(entries)
    ]
    posting_date = max(today, document.posting_date or today)
    reversal = Document(
        type=document.type,
        lines=tuple(_mirrored_line(line, entries) for line in document.lines),
        partner=document.partner,
        reference=f"reverses {document.number}",
        posting_date=posting_date,
    )
    return reversal, mirrored


def _not_reversible(document: Document, key: TrackingKey, line: int | None, why: str) -> Violation:
    return Violation(
        line=line,
        tracking=key.label(),
        code=ErrorCode.NOT_REVERSIBLE,
        detail=f"{describe(key)} has moved on since {document.number}: {why}; reverse the later "
        "documents first, or post a correcting document",
    )


def _place_order(kv: tuple[tuple[str, TrackingKey], Decimal]) -> tuple[str, TrackingKey]:
    return kv[0]


def _mirrored_line(line: Line, entries: Sequence[LedgerEntry]) -> Line:
    """The original line with its sides swapped, naming the numbers it moved."""
    own = [e for e in entries if e.line_no == line.line_no and e.from_location == line.from_location]
    quantities: dict[TrackingKey, Decimal] = defaultdict(Decimal)
    expiry: dict[TrackingKey, date | None] = {}
    for e in own:
        quantities[e.key] += e.quantity
        expiry[e.key] = e.expiration_date
    tracking = tuple(
        TrackingLine(serial=k.serial, lot=k.lot, package=k.package, quantity=q, expiration_date=expiry[k])
        for k, q in quantities.items()
        if k.serial or k.lot or k.package
    )
    return replace(
        line,
        from_location=line.to_location,
        to_location=line.from_location,
        tracking=tracking,
        assign=None,
    )


# -- returns from a posted shipment ----------------------------------------------------------------


def return_draft(
    shipment: Document,
    entries: Sequence[LedgerEntry],
    held: Mapping[TrackingKey, Decimal],
    *,
    to_location: str | None = None,
) -> Document:
    """A `return_receipt` draft for the shipment's customer: what the shipment delivered that the
    customer still holds (`held`: per key, what they were delivered and have not returned)."""
    if shipment.type is not DocumentType.SHIPMENT or shipment.status is not Status.POSTED:
        raise ValidationFailed(
            f"document {shipment.number} is a {shipment.status.value} {shipment.type.value}: returns "
            "are built from posted shipments"
        )
    left = dict(held)
    lines: list[Line] = []
    for line in shipment.lines:
        shipped: dict[TrackingKey, Decimal] = defaultdict(Decimal)
        for e in entries:
            if e.line_no == line.line_no:
                shipped[e.key] += e.quantity
        tracking: list[TrackingLine] = []
        total = ZERO
        for key, quantity in shipped.items():
            back = min(quantity, left.get(key, ZERO))
            if back <= 0:
                continue
            left[key] = left.get(key, ZERO) - back
            total += back
            if key.serial or key.lot or key.package:
                tracking.append(
                    TrackingLine(serial=key.serial, lot=key.lot, package=key.package, quantity=back)
                )
        if total > 0:
            lines.append(
                Line(
                    item=line.item,
                    quantity=total,
                    to_location=to_location or line.from_location,
                    tracking=tuple(tracking),
                )
            )
    if not lines:
        raise ValidationFailed(
            f"everything {shipment.number} delivered has been returned (or reversed) already: "
            "nothing is left to return"
        )
    return Document(
        type=DocumentType.RETURN_RECEIPT,
        lines=tuple(lines),
        partner=shipment.partner,
        reference=f"return of {shipment.number}",
    )


# -- partial posting -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartRequest:
    """What to post now of a draft's line: `quantity`, and the numbers if the caller names them."""

    line_no: int
    quantity: Decimal
    tracking: tuple[TrackingLine, ...] = ()


def split_draft(
    draft: StoredDocument, requests: Sequence[PartRequest]
) -> tuple[StoredDocument, StoredDocument]:
    """(the part to post now, the rest that stays a draft); lines keep the draft's numbers.

    Where the draft line names numbers, the part takes the ones named in the request (or, when
    the request names none, the first ones of the line up to its quantity); lines fully posted
    leave the rest.

    Raises:
        PostingRejected: `validation_error` per line: not on the draft, more than remains,
            numbers not on the draft line or more of them than it holds.
    """
    by_no = {line.line_no: line for line in draft.lines}
    violations: list[Violation] = []
    asked: dict[int, PartRequest] = {}
    for r in requests:
        line = by_no.get(r.line_no)
        if line is None:
            violations.append(
                _bad(
                    r.line_no,
                    None,
                    f"line {r.line_no} is not on draft {draft.number} (lines: {', '.join(str(n) for n in sorted(by_no)) or 'none'})",
                )
            )
            continue
        if r.line_no in asked:
            violations.append(_bad(r.line_no, None, f"line {r.line_no} is named twice: name each line once"))
            continue
        if r.quantity <= 0:
            violations.append(_bad(r.line_no, None, f"line {r.line_no}: quantity to post must be positive"))
            continue
        if r.quantity > line.quantity:
            violations.append(
                _bad(
                    r.line_no,
                    None,
                    f"line {r.line_no}: {fmt_quantity(r.quantity)} asked, only {fmt_quantity(line.quantity)} "
                    "remains on the draft",
                )
            )
            continue
        asked[r.line_no] = r
    if violations:
        raise PostingRejected(violations)
    part_lines: list[Line] = []
    rest_lines: list[Line] = []
    for line in draft.lines:
        request = asked.get(line.line_no)
        if request is None:
            rest_lines.append(line)
            continue
        taken, left, problems = _take(line, request)
        violations.extend(problems)
        part_lines.append(replace(line, quantity=request.quantity, tracking=taken))
        if line.quantity - request.quantity > 0:
            rest_lines.append(replace(line, quantity=line.quantity - request.quantity, tracking=left))
    if violations:
        raise PostingRejected(violations)
    part = replace(draft, lines=tuple(part_lines))
    rest = replace(draft, lines=tuple(rest_lines))
    return part, rest


def _bad(line: int | None, tracking: str | None, detail: str) -> Violation:
    return Violation(line=line, tracking=tracking, code=ErrorCode.VALIDATION_ERROR, detail=detail)


def _take(
    line: Line, r: PartRequest
) -> tuple[tuple[TrackingLine, ...], tuple[TrackingLine, ...], list[Violation]]:
    """Split the line's tracking: what the part takes, what stays, and what was asked wrongly."""
    have = list(line.tracking)
    if not have:
        return r.tracking, (), []  # the draft named no numbers: the part may name any (posting checks them)
    problems: list[Violation] = []
    left = [t.quantity for t in have]
    taken: list[TrackingLine] = []
    if r.tracking:
        for want in r.tracking:
            need = want.quantity
            for i, t in enumerate(have):
                if need <= 0:
                    break
                if (t.serial, t.lot, t.package) != (want.serial, want.lot, want.package) or left[i] <= 0:
                    continue
                step = min(need, left[i])
                left[i] -= step
                need -= step
                taken.append(replace(t, quantity=step))
            if need > 0:
                label = want.serial or want.lot or want.package
                problems.append(
                    _bad(
                        line.line_no,
                        label,
                        f"line {line.line_no}: {label or 'the untracked quantity'} "
                        + (
                            "is not on the draft line"
                            if need == want.quantity
                            else f"has only {fmt_quantity(want.quantity - need)} left on the draft line"
                        )
                        + ": name numbers the draft line holds",
                    )
                )
        named = sum((t.quantity for t in taken), ZERO)
        # The rest of the part's quantity is the line's own undefined quantity, if it has one.
        undefined = line.quantity - line.tracked_quantity
        if not problems and named < r.quantity and named + undefined < r.quantity:
            problems.append(
                _bad(
                    line.line_no,
                    None,
                    f"line {line.line_no}: the numbers named add up to {fmt_quantity(named)}, "
                    f"not {fmt_quantity(r.quantity)}: name the rest, or lower the quantity",
                )
            )
    else:
        need = r.quantity
        for i, t in enumerate(have):
            if need <= 0:
                break
            step = min(need, left[i])
            left[i] -= step
            need -= step
            taken.append(replace(t, quantity=step))
    rest = tuple(replace(t, quantity=q) for t, q in zip(have, left, strict=True) if q > 0)
    return tuple(taken), rest, problems


# -- trace ---------------------------------------------------------------------------------------


def mark_corrections(graph: Graph, pairs: Mapping[str, tuple[str | None, str | None]]) -> Graph:
    """A trace shows a reversal as a correction, not as a return or a new movement: its edges get
    kind `correction` and name the document they reverse; the edges it undid name their reversal.

    `pairs`: document number → (the document it reverses, the document that reversed it).
    """
    if not pairs:
        return graph
    edges = []
    for edge in graph.edges:
        reverses, reversed_by = pairs.get(edge.document, (None, None))
        if reverses is not None:
            edge = edge._replace(kind=CORRECTION, reverses=reverses)
        if reversed_by is not None:
            edge = edge._replace(reversed_by=reversed_by)
        edges.append(edge)
    return replace(graph, edges=tuple(edges))


CORRECTION = "correction"
