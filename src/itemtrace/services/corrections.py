"""Correction use cases: reverse a posted document, build a return from a posted shipment, post
part of a draft. Each is one transaction, like posting (see services/documents.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from itemtrace.domain import corrections
from itemtrace.domain.documents import StoredDocument
from itemtrace.domain.links import DocumentLinks
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.stock import LiveStock, Named, StockNeeds
from itemtrace.domain.tracking import TrackingKey, global_serial_items
from itemtrace.domain.users import User
from itemtrace.services.documents import (
    Idempotency,
    _plan,
    _prepare,
    _record,
    _replay,
    _replay_after_race,
    _reservations,
)
from itemtrace.storage.documents import IdempotencyKeyTaken
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention


@run_again_on_contention
def reverse(
    uow: UnitOfWork,
    document_id: int,
    *,
    user: User,
    idempotency: Idempotency | None = None,
    today: date,
    now: datetime,
) -> StoredDocument:
    """Post the reversal of a posted document: every entry mirrored, linked both ways.

    Raises:
        Conflict: `not_reversible` (409) when the document is not posted, is a reversal, was
            reversed already (also by a concurrent request), or its type cannot be reversed.
        PostingRejected: `not_reversible` (422) for every number that has moved on since.
    """
    try:
        with uow.write():
            replay = _replay(uow, idempotency, user, now)
            if replay is not None:
                return _linked(uow, replay)
            original = _linked(uow, uow.documents.get(document_id, lock=True))
            corrections.check_reversible(original, original.links)
            entries = uow.corrections.entries_of([document_id]).get(document_id, [])
            codes = {code for e in entries for code in (e.from_location, e.to_location)}
            kinds = {code: loc.kind for code, loc in uow.masterdata.locations(codes).items()}
            places = corrections.places_to_check(entries)
            balances = uow.corrections.balances([p for p in places if kinds[p[0]].projected], lock=True)
            at_customer = {key for location, key in places if kinds[location] is LocationKind.CUSTOMER}
            if at_customer:  # at a customer's place, only what this partner holds counts
                held = uow.stock.load(StockNeeds(returned={("", k) for k in at_customer})).delivered
                for location, key in places:
                    if kinds[location] is LocationKind.CUSTOMER and (location, key) in balances:
                        mine = held.get((original.partner, key), Decimal(0))
                        balances[(location, key)] = min(balances[(location, key)], mine)
            reversal, mirrored = corrections.plan_reversal(
                original,
                entries,
                free=_free(uow, [p for p in places if kinds[p[0]].in_stock]),
                balances=balances,
                serials_at=uow.corrections.serials_at({e.key for e in entries}),
                kinds=kinds,
                today=today,
            )
            posting_date = reversal.posting_date or today
            posted = reversal.posted(by=user.name, at=now, posting_date=posting_date)
            stored = uow.documents.add(posted, user=user.name, now=now)
            uow.corrections.link_reversal(stored.id, document_id, original.number or "")
            uow.ledger.append(
                mirrored,
                document_id=stored.id,
                partner=original.partner,
                user=user.name,
                posting_date=posting_date,
                now=now,
                kinds=kinds,
                global_serials=global_serial_items(uow.masterdata.policies({e.key.item for e in entries})),
            )
            if idempotency is not None:
                uow.documents.remember(user.name, idempotency[0], stored.id)
            uow.commit()
            return replace(stored, links=DocumentLinks(reverses=original.number))
    except IdempotencyKeyTaken:
        return _replayed(uow, idempotency, user)


@run_again_on_contention
def return_from_shipment(
    uow: UnitOfWork,
    document_id: int,
    *,
    user: User,
    to_location: str | None = None,
    today: date,
    now: datetime,
) -> StoredDocument:
    """A `return_receipt` draft (not posted) for what a posted shipment delivered and its customer
    has not returned yet, back to where it came from (or `to_location`)."""
    with uow.write():
        shipment = uow.documents.get(document_id)
        entries = uow.corrections.entries_of([document_id]).get(document_id, [])
        keys = {e.key for e in entries}
        delivered = uow.stock.load(StockNeeds(returned={("", k) for k in keys})).delivered
        held = {k: q for (partner, k), q in delivered.items() if partner == shipment.partner}
        draft = corrections.return_draft(shipment, entries, held, to_location=to_location)
        document = _prepare(uow, draft.numbered(), today=today)
        reserved = _reservations(uow, document, today=today)
        stored = uow.documents.add(document, user=user.name, now=now)
        uow.documents.reserve(stored.id, reserved)
        uow.commit()
        return stored


@run_again_on_contention
def post_part(
    uow: UnitOfWork,
    document_id: int,
    requests: Sequence[corrections.PartRequest],
    *,
    user: User,
    idempotency: Idempotency | None = None,
    today: date,
    now: datetime,
) -> StoredDocument:
    """Post part of a draft now (Business Central's *Qty. to Ship/Receive*).

    The part becomes a new posted document (`from_draft` names the draft) and the draft keeps
    what is left, reserving only that. A part that takes everything left posts the draft itself.
    The draft row is locked first, so two parts posted at once never take more than it holds.

    Raises:
        PostingRejected: `validation_error` per line for a line not on the draft, a quantity
            above what remains, numbers not on the draft line; every posting rule otherwise.
        Conflict: `document_not_draft`, `idempotency_conflict`.
    """
    try:
        with uow.write():
            replay = _replay(uow, idempotency, user, now)
            if replay is not None:
                return _linked(uow, replay)
            draft = uow.documents.get(document_id, lock=True)
            draft.require_draft()
            part, rest = corrections.split_draft(draft, requests)
            # Planned as the draft (its id and number): the draft's own reservations are what the
            # part takes, so they never stand in its way.
            planned = _plan(uow, part, today=today)
            if not rest.lines:
                posted = part.posted(by=user.name, at=now, posting_date=planned.posting_date)
                _record(uow, posted, planned, user=user, now=now)
                uow.documents.release(document_id)
                uow.corrections.replace_lines(document_id, posted.lines)
                uow.documents.mark_posted(posted)
                result = posted
            else:
                new = part.as_new().posted(by=user.name, at=now, posting_date=planned.posting_date)
                stored = uow.documents.add(new, user=user.name, now=now)
                _record(uow, stored, planned, user=user, now=now)
                uow.corrections.link_part(stored.id, document_id)
                uow.corrections.replace_lines(document_id, rest.lines)
                uow.documents.release(document_id)
                uow.documents.reserve(document_id, _reservations(uow, rest, today=today))
                result = stored
            if idempotency is not None:
                uow.documents.remember(user.name, idempotency[0], result.id)
            [linked] = uow.corrections.with_links([result])
            uow.commit()
            return linked
    except IdempotencyKeyTaken:
        return _replayed(uow, idempotency, user)


def _free(
    uow: UnitOfWork, places: Sequence[tuple[str, TrackingKey]]
) -> dict[tuple[str, TrackingKey], Decimal]:
    """What other open documents have not promised of each place a reversal takes stock from."""
    if not places:
        return {}
    at_source: dict[tuple[str, str], Named | None] = {}
    for location, key in places:
        spot = (key.item, location)
        if spot in at_source and at_source[spot] is None:
            continue
        named = at_source.setdefault(spot, (set(), set(), set()))
        assert named is not None
        if key.serial:
            named[0].add(key.serial)
        elif key.lot:
            named[1].add(key.lot)
        elif key.package:
            named[2].add(key.package)
        else:
            at_source[spot] = None  # an untracked quantity: every bucket there
    view = uow.stock.load(StockNeeds(at_source=at_source))
    live = LiveStock(view.buckets, view.reservations)
    return {place: live.free(place) for place in places}


def _linked(uow: UnitOfWork, document: StoredDocument) -> StoredDocument:
    """The document with its links, read in the caller's open unit of work."""
    [linked] = uow.corrections.with_links([document])
    return linked


def _replayed(uow: UnitOfWork, idempotency: Idempotency | None, user: User) -> StoredDocument:
    """A concurrent request with the same key won: its result, with its links."""
    document = _replay_after_race(uow, idempotency, user)
    with uow:
        return _linked(uow, document)
