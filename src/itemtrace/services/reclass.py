"""Reclassification beside the ledger: what a posted reclassification writes after its entries
(rename links, genealogy links for trace and recall, re-dated balances, copied cards), and the
lines that re-date a whole lot wherever it is on hand (`itemtrace reclass` without --location),
and `rename`: a serial, lot or package renamed or re-dated whole from its card (the web UI)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from itemtrace.domain import reclass
from itemtrace.domain.cards import LocationQuantity
from itemtrace.domain.documents import Document, DocumentType, Line, StoredDocument, TrackingLine
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.genealogy import Link
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.tracking import Dimension
from itemtrace.domain.users import User
from itemtrace.services.info_cards import card_of
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention


def record(
    uow: UnitOfWork, document: StoredDocument, entries: Sequence[LedgerEntry], *, now: datetime
) -> None:
    """Inside the posting's transaction, after its ledger entries: the renames as reclass links
    and as genealogy links (so trace and recall cross them both ways), new dates on the balances
    of re-dated keys, and the old cards copied to new numbers (`copy_info`)."""
    renames = reclass.links(document, entries)
    document_id = document.id
    uow.reclass.append(document_id, renames)
    uow.genealogy.append(document_id, [Link(r.old, r.new, r.quantity) for r in renames])
    uow.reclass.redate(reclass.redated(entries))
    uow.reclass.copy_cards(renames, now=now)


@run_again_on_contention
def whole_lot_lines(
    uow: UnitOfWork, item: str, lot: str, tracking: TrackingLine, *, today: date
) -> tuple[Line, ...]:
    """One line per internal location where `lot` of `item` is on hand, each with its whole
    quantity there and `tracking`'s new numbers and date: re-dating a lot takes all of it."""
    with uow.read():
        places = uow.reclass.lot_places(item, lot)
    if not places:
        raise ValidationFailed(f"lot {lot} of {item} is not on hand anywhere: nothing to reclassify")
    return tuple(
        Line(item, quantity, location, location, tracking=(_with(tracking, lot, quantity),))
        for location, quantity in places
    )


def _with(t: TrackingLine, lot: str, quantity: Decimal) -> TrackingLine:
    return TrackingLine(
        lot=lot,
        quantity=quantity,
        new_lot=t.new_lot,
        new_expiration_date=t.new_expiration_date,
        copy_info=t.copy_info,
    )


def rename(
    uow: UnitOfWork,
    kind: Dimension,
    item: str | None,
    number: str,
    *,
    new_number: str | None = None,
    new_expiration_date: date | None = None,
    user: User,
    today: date,
    now: datetime,
) -> StoredDocument:
    """Post a reclassification of the whole of one serial, lot or package where it is on hand: a
    new number, a new expiration date, or both (the card's "Rename / re-date").

    Raises:
        ValidationFailed: nothing to change, or the number is not on hand.
        PostingRejected: the rules of the reclassification (`serial_exists`, `reclass_rule`, …).
    """
    if not new_number and new_expiration_date is None:
        raise ValidationFailed("give a new number or a new expiration date: this changes nothing")

    def changed(t: TrackingLine) -> TrackingLine:
        renamed = new_number or None
        return replace(
            t,
            new_serial=renamed if kind is Dimension.SERIAL else None,
            new_lot=renamed if kind is Dimension.LOT else None,
            new_package=renamed if kind is Dimension.PACKAGE else None,
            new_expiration_date=new_expiration_date,
        )

    if kind is Dimension.LOT:
        lines = whole_lot_lines(uow, item or "", number, changed(TrackingLine(lot=number)), today=today)
    else:
        with uow.snapshot():
            found = card_of(uow, kind, item, number, today)
        places = found.contents
        if kind is Dimension.SERIAL:
            on_hand = found.location is not None and found.on_hand > 0
            places = (LocationQuantity(found.location or "", Decimal(1), item),) if on_hand else ()
        if not places:
            raise ValidationFailed(
                f"{kind.value} {number} is not on hand ({found.status.value}): only stock on hand is reclassified"
            )
        lines = tuple(
            Line(
                p.item or item or "",
                p.quantity,
                p.location,
                p.location,
                tracking=(
                    changed(
                        TrackingLine(
                            serial=p.serial if kind is Dimension.PACKAGE else number,
                            lot=p.lot if kind is Dimension.PACKAGE else None,
                            package=number if kind is Dimension.PACKAGE else None,
                            quantity=p.quantity,
                        )
                    ),
                ),
            )
            for p in places
        )
    from itemtrace.services import documents  # documents records reclassifications through this module

    draft = Document(DocumentType.RECLASSIFICATION, lines)
    return documents.create(uow, draft, user=user, post=True, today=today, now=now)
