"""Document use cases: create, post, receive (in-transit transfers), cancel; idempotency keys.

Every use case is one transaction: the stock it touches is loaded and locked, the pure rules
plan the entries, the ledger and projection are written, and the service commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from itemtrace.domain import counting, genealogy, numbering, picking, posting, reclass
from itemtrace.domain.documents import (
    Document,
    DocumentType,
    Line,
    Status,
    StoredDocument,
    TrackingLine,
    TransitStatus,
    assign_count,
    check_assignable,
    check_partner,
    expand_assign,
    pack,
    resolve_locations,
    validate_numbers,
)
from itemtrace.domain.errors import (
    Conflict,
    ErrorCode,
    NotFound,
    PostingRejected,
    ValidationFailed,
    Violation,
)
from itemtrace.domain.ledger import LedgerEntry, StoredLedgerEntry
from itemtrace.domain.masterdata import Location
from itemtrace.domain.masterdata_changes import closed_detail, closed_locations
from itemtrace.domain.outbound_numbers import assigns_on_outbound
from itemtrace.domain.reservations import reservation_conflicts, reservations, reserving_part
from itemtrace.domain.stock import Reservation, needs
from itemtrace.domain.tracking import Dimension, ItemPolicy, global_serial_items
from itemtrace.domain.transit import plan_transit_receipt, transit_state
from itemtrace.domain.users import User
from itemtrace.services import counts, packages
from itemtrace.services import reclass as reclass_service
from itemtrace.storage.documents import IdempotencyKeyTaken
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention

Idempotency = tuple[str, str]  # (key, fingerprint of the request)


@run_again_on_contention
def create(
    uow: UnitOfWork,
    draft: Document,
    *,
    user: User,
    post: bool = False,
    idempotency: Idempotency | None = None,
    today: date,
    now: datetime,
) -> StoredDocument:
    """Store a draft (its `assign` requests turned into numbers), and post it at once if asked.

    A draft reserves what its outbound lines name (rule `reserved`); a posted one reserves nothing.

    Raises:
        ValidationFailed: unknown item/partner/location, wrong location kinds, bad numbers.
        PostingRejected: with `post=True`, every rule the document breaks; for a draft, only
            `reserved` (another open document promised the same stock). Nothing is stored.
        Conflict: `idempotency_conflict` when the key was used with another request.
    """
    try:
        with uow.write():
            replay = _replay(uow, idempotency, user, now)
            if replay is not None:
                return replay
            document = _prepare(uow, draft.numbered(), today=today)
            if post:
                # Planned before the document is stored (and stored as posted): a refusal draws
                # no document number, and a new document has no reservations to release.
                planned = _plan(uow, document, today=today)
                posted = document.posted(by=user.name, at=now, posting_date=planned.posting_date)
                stored = uow.documents.add(posted, user=user.name, now=now)
                _record(uow, stored, planned, user=user, now=now)
            else:
                held = _reservations(uow, document, today=today)
                stored = uow.documents.add(document, user=user.name, now=now)
                uow.documents.reserve(stored.id, held)
            if idempotency is not None:
                uow.documents.remember(user.name, idempotency[0], stored.id)
            uow.commit()
            return stored
    except IdempotencyKeyTaken:
        return _replay_after_race(uow, idempotency, user)


@run_again_on_contention
def post(
    uow: UnitOfWork,
    document_id: int,
    *,
    user: User,
    idempotency: Idempotency | None = None,
    today: date,
    now: datetime,
) -> StoredDocument:
    """Post a draft: all lines or none. Raises `PostingRejected` or `document_not_draft`."""
    try:
        with uow.write():
            replay = _replay(uow, idempotency, user, now)
            if replay is not None:
                return replay
            document = uow.documents.get(document_id, lock=True)
            document.require_draft()
            [document] = uow.corrections.with_links([document])  # the parts posted before, if any
            planned = _plan(uow, document, today=today)
            posted = document.posted(by=user.name, at=now, posting_date=planned.posting_date)
            _record(uow, posted, planned, user=user, now=now)
            uow.documents.release(document_id)  # reservations are working state; the ledger holds the rest
            uow.documents.mark_posted(posted)
            if idempotency is not None:
                uow.documents.remember(user.name, idempotency[0], document_id)
            uow.commit()
            return posted
    except IdempotencyKeyTaken:
        return _replay_after_race(uow, idempotency, user)


@run_again_on_contention
def receive(
    uow: UnitOfWork,
    document_id: int,
    received: Sequence[tuple[str, TrackingLine]] | None = None,
    *,
    user: User,
    today: date,
    now: datetime,
) -> StoredDocument:
    """Receive an in-transit transfer, all of it or a part: move it from transit to its destination.

    `received` lists (item, tracking line) as counted on arrival: numbers shipped on it and still
    in transit (`transit_mismatch`); None receives everything still in transit. The transfer is
    `received` once nothing is left in transit.
    """
    with uow.write():
        document = uow.documents.get(document_id, lock=True)
        if document.type is not DocumentType.TRANSFER or not document.in_transit:
            raise ValidationFailed(
                f"document {document.number} is not an in-transit transfer: only those are received"
            )
        if document.status is not Status.POSTED or document.transit_status is not TransitStatus.IN_TRANSIT:
            if document.transit_status is TransitStatus.RECEIVED:
                detail = f"transfer {document.number} was already received: a transfer is received once"
            else:
                detail = f"transfer {document.number} is not posted yet: post it first, then receive it"
            raise Conflict(detail, code=ErrorCode.DOCUMENT_NOT_DRAFT)
        [document] = uow.corrections.with_links([document])
        if document.links.reversed_by is not None:
            raise Conflict(
                f"transfer {document.number} was reversed by {document.links.reversed_by}: "
                "nothing of it is left to receive",
                code=ErrorCode.DOCUMENT_NOT_DRAFT,
            )
        shipped = uow.ledger.for_document(document_id)
        entries = plan_transit_receipt(document, shipped, received)
        locations = uow.masterdata.locations(
            {e.to_location for e in entries} | {e.from_location for e in entries}
        )
        refused = [
            Violation(line_no, None, ErrorCode.LOCATION_CLOSED, closed_detail(line_no, code))
            for line_no, code in sorted({(e.line_no, e.to_location) for e in entries})
            if closed_locations([code], locations)
        ]
        if refused:  # the destination was closed while the goods were on the road
            raise PostingRejected(refused)
        uow.ledger.append(
            entries,
            document_id=document_id,
            partner=document.partner,
            user=user.name,
            posting_date=today,
            now=now,
            kinds={code: loc.kind for code, loc in locations.items()},
            global_serials=global_serial_items(uow.masterdata.policies({e.key.item for e in entries})),
        )
        if not transit_state([*shipped, *entries])[1]:  # nothing left on the road: complete
            uow.documents.set_transit_status(document_id, TransitStatus.RECEIVED)
        [document] = uow.corrections.with_links([uow.documents.get(document_id)])
        uow.commit()
        return document


@run_again_on_contention
def cancel(uow: UnitOfWork, document_id: int, *, user: User) -> StoredDocument:
    """Cancel a draft, releasing its reservations; posted documents never change (post a correction)."""
    with uow.write():
        document = uow.documents.get(document_id, lock=True)
        document.require_draft()
        uow.documents.set_status(document_id, Status.CANCELLED)
        uow.documents.release(document_id)
        uow.commit()
        return uow.documents.get(document_id)


def get(uow: UnitOfWork, document_id: int) -> StoredDocument:
    with uow:
        return uow.corrections.with_links([uow.documents.get(document_id)])[0]


def get_by_number(uow: UnitOfWork, number: str) -> StoredDocument:
    with uow:
        return uow.corrections.with_links([uow.documents.get(uow.documents.id_by_number(number))])[0]


def entries(uow: UnitOfWork, document_id: int) -> list[StoredLedgerEntry]:
    """The ledger entries a document wrote, oldest first, with its number, type and partner."""
    with uow:
        document = uow.documents.get(document_id)
        return [
            replace(
                e,
                document_number=document.number,
                document_type=document.type.value,
                partner=e.partner or document.partner,
            )
            for e in uow.ledger.for_document(document_id)
        ]


def list_documents(
    uow: UnitOfWork,
    *,
    after: int | None = None,
    limit: int = 50,
    type: str | None = None,
    status: str | None = None,
    with_lines: bool = True,
) -> list[StoredDocument]:
    """A page of documents, newest first; `with_lines=False` reads their headers alone (a list
    that shows no lines need not read a 1,000-line document's)."""
    with uow:
        return uow.corrections.with_links(
            uow.documents.list(after=after, limit=limit, type=type, status=status, with_lines=with_lines)
        )


# -- steps ----------------------------------------------------------------------------------------


def _replay(
    uow: UnitOfWork, idempotency: Idempotency | None, user: User, now: datetime | None = None
) -> StoredDocument | None:
    """The first result again for `user`'s known key with the same request; a conflict for another.

    Keys are the user's own: another user's same key is a new request.

    With `now`, an unknown key is claimed for this request (released again if it fails).
    """
    if idempotency is None:
        return None
    known = uow.documents.idempotent(user.name, idempotency[0])
    if known is None:
        if now is not None:
            uow.documents.claim(user.name, idempotency[0], idempotency[1], now)
        return None
    fingerprint, document_id = known
    if fingerprint != idempotency[1]:
        raise Conflict(
            f"Idempotency-Key {idempotency[0]!r} was already used for a different request: "
            "use a new key for a new request",
            code=ErrorCode.IDEMPOTENCY_CONFLICT,
        )
    if document_id is None:  # pragma: no cover - a claim is only visible once committed with its id
        raise Conflict(
            "the first request with this key is still running: retry", code=ErrorCode.IDEMPOTENCY_CONFLICT
        )
    return uow.documents.get(document_id)


def _replay_after_race(uow: UnitOfWork, idempotency: Idempotency | None, user: User) -> StoredDocument:
    """Another request with the same key committed first: answer with its result."""
    with uow:
        replay = _replay(uow, idempotency, user)
    if replay is None:  # pragma: no cover - the key was just seen taken
        raise Conflict("idempotency key race: retry the request", code=ErrorCode.IDEMPOTENCY_CONFLICT)
    return replay


def _prepare(uow: UnitOfWork, document: Document, *, today: date) -> Document:
    """Check references, fill default locations, turn `assign` requests into numbers."""
    if not document.lines:
        raise ValidationFailed("a document needs at least one line")
    if document.in_transit and document.type is not DocumentType.TRANSFER:
        raise ValidationFailed("only transfers can go in transit")
    document = packages.expand(uow, document)  # a line naming only a package: its contents
    validate_numbers(document)
    genealogy.check_assembly(document)
    policies = uow.masterdata.policies(line.item for line in document.lines)
    for line in document.lines:
        if line.item not in policies:
            raise ValidationFailed(f"line {line.line_no}: item {line.item} does not exist: create it first")
    if document.partner is not None:
        try:
            partner = uow.masterdata.partner(document.partner)
        except NotFound:
            raise ValidationFailed(f"partner {document.partner} does not exist: create it first") from None
        check_partner(document.type, partner)
    codes = {c for line in document.lines for c in (line.from_location, line.to_location) if c}
    locations = uow.masterdata.locations(codes)
    count = document.type is DocumentType.COUNT or document.count_scope is not None
    document = (counting.resolve_locations if count else resolve_locations)(document, locations)
    posting_date = document.posting_date or today
    lines = []
    for line in document.lines:
        if line.assign is not None and picking.picks_from_stock(
            document, line, policies[line.item], locations
        ):
            line = _pick(uow, line, policies[line.item], posting_date)
        elif line.assign is not None:
            if not assigns_on_outbound(document, line, policies[line.item], locations):
                check_assignable(line, locations)  # else: new numbers given on the way out
            line = _assign(uow, line, policies[line.item], posting_date)
        lines.append(line)
    return replace(document, lines=tuple(lines))


def _pick(uow: UnitOfWork, line: Line, policy: ItemPolicy, posting_date: date) -> Line:
    """An outbound line's `assign` filled from the pick suggestion at its source (FEFO for dated
    items, else FIFO): the document then names, and a draft reserves, exactly what to take."""
    stock = uow.stock.on_hand(line.item, location=line.from_location, include_children=False)
    wanted = line.quantity - line.tracked_quantity
    found = picking.suggest(stock, line.item, wanted, picking.default_strategy(policy), today=posting_date)
    return picking.fill_line(line, found)


def _assign(uow: UnitOfWork, line: Line, policy: ItemPolicy, posting_date: date) -> Line:
    assign = line.assign
    assert assign is not None
    item = policy.item
    serials: list[str] = []
    lot: str | None = None
    if assign.start is not None or assign.serial:
        if not policy.code.serial.tracked:
            raise ValidationFailed(
                f"line {line.line_no}: {item.sku} is not serial-tracked: assign a lot instead"
            )
        count = assign_count(line)
        if assign.start is not None:
            if not any(ch.isdigit() for ch in assign.start):
                raise ValidationFailed(
                    f"line {line.line_no}: customised run start {assign.start!r} needs a digit to count from, "
                    "like 'S/N-Vend0001'"
                )
            serials = numbering.customised_run(assign.start, assign.increment, count)
        else:
            serials = _from_series(
                uow, item.sku, item.serial_series, Dimension.SERIAL, count, line, posting_date
            )
        if assign.new_lot or assign.lot:
            if not policy.code.lot.tracked:
                raise ValidationFailed(
                    f"line {line.line_no}: {item.sku} is not lot-tracked: a new lot cannot be made"
                )
            [lot] = _from_series(uow, item.sku, item.lot_series, Dimension.LOT, 1, line, posting_date)
    elif assign.lot:
        if not policy.code.lot.tracked:
            raise ValidationFailed(
                f"line {line.line_no}: {item.sku} is not lot-tracked: assign serials instead"
            )
        if line.quantity - line.tracked_quantity <= 0:
            raise ValidationFailed(f"line {line.line_no}: no undefined quantity left to put into a new lot")
        [lot] = _from_series(uow, item.sku, item.lot_series, Dimension.LOT, 1, line, posting_date)
    expanded = expand_assign(line, serials, lot)
    if assign.package:  # after serials and lots: the one package holds them all
        if not policy.code.package.tracked:
            raise ValidationFailed(f"line {line.line_no}: {item.sku} is not tracked by package number")
        [package] = _from_series(uow, item.sku, item.package_series, Dimension.PACKAGE, 1, line, posting_date)
        expanded = pack(expanded, package)
    return expanded


def _from_series(
    uow: UnitOfWork,
    sku: str,
    series: str | None,
    dimension: Dimension,
    count: int,
    line: Line,
    posting_date: date,
) -> list[str]:
    """The next `count` numbers of the item's series, skipping numbers the item already has."""
    if series is None:
        field = f"{dimension.value}_series"
        raise ValidationFailed(
            f"line {line.line_no}: item {sku} has no {dimension.value} number series: give the numbers, "
            f'or set one on the item (PATCH /items/{sku} with {{"{field}": "CODE"}}, or '
            f"itemtrace items set {sku} --{field.replace('_', '-')} CODE)"
        )
    numbers: list[str] = []
    while len(numbers) < count:
        found, values = uow.masterdata.allocate(series, count - len(numbers))
        rendered = [
            numbering.render(
                found.pattern,
                v,
                today=posting_date,
                item=sku,
                location=line.to_location or "",
                company_prefix=uow.gs1_company_prefix,
            )
            for v in values
        ]
        taken = uow.numbers.existing(sku, dimension, rendered) | set(numbers)
        numbers.extend(n for n in rendered if n not in taken)
    return numbers


def _reservations(uow: UnitOfWork, document: Document, *, today: date) -> list[Reservation]:
    """What a new draft reserves at its sources, unless another open document already has it
    (`reserved`); checked before the draft is stored, so a refusal draws no number.

    The source balances are loaded with the same row locks as posting, so two drafts racing for
    the last unit queue on PostgreSQL (SQLite's write transaction serialises them anyway).
    """
    codes = {c for line in document.lines for c in (line.from_location, line.to_location) if c}
    locations = uow.masterdata.locations(codes)
    policies = uow.masterdata.policies(line.item for line in document.lines)
    part = reserving_part(document, policies, locations)
    if not part.lines:
        return []
    stock = uow.stock.load(needs(part, policies, locations))
    conflicts = reservation_conflicts(document, stock, policies, locations, today=today)
    if conflicts:
        raise PostingRejected(conflicts)
    return reservations(document, policies, locations, stock)


@dataclass(frozen=True, slots=True)
class _Planned:
    """A posting's entries, ready to be written once the document has its id."""

    entries: list[LedgerEntry]
    locations: dict[str, Location]
    policies: dict[str, ItemPolicy]
    posting_date: date


def _plan(uow: UnitOfWork, document: Document, *, today: date) -> _Planned:
    """Load (and lock) the stock the document touches and run the posting rules over it."""
    if document.type is DocumentType.COUNT:
        entries, places, items = counts.plan(uow, document, today=today)
        return _Planned(entries, places, items, document.posting_date or today)
    codes = {c for line in document.lines for c in (line.from_location, line.to_location) if c}
    if document.type is DocumentType.RECLASSIFICATION:
        codes.add(reclass.RECLASS)
    locations = uow.masterdata.locations(codes)
    policies = uow.masterdata.policies(line.item for line in document.lines)
    stock = uow.stock.load(needs(document, policies, locations))
    elsewhere = {b.location for b in stock.buckets} - set(locations)
    if elsewhere:  # where the named numbers are now, for the error messages
        locations = {**locations, **uow.masterdata.locations(elsewhere)}
    entries = posting.plan(document, stock, policies, locations, today=today)
    return _Planned(entries, locations, policies, document.posting_date or today)


def _record(
    uow: UnitOfWork, document: StoredDocument, planned: _Planned, *, user: User, now: datetime
) -> None:
    """Write a planned posting's ledger entries, balances and genealogy links."""
    document_id = document.id
    uow.ledger.append(
        planned.entries,
        document_id=document_id,
        partner=document.partner,
        user=user.name,
        posting_date=planned.posting_date,
        now=now,
        kinds={code: loc.kind for code, loc in planned.locations.items()},
        global_serials=global_serial_items(planned.policies),
    )
    uow.genealogy.append(document_id, genealogy.links(document, planned.entries))
    if document.type is DocumentType.RECLASSIFICATION:
        reclass_service.record(uow, document, planned.entries, now=now)
