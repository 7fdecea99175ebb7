"""Reclassification beside the ledger: what a posted reclassification writes after its entries
(rename links, genealogy links for trace and recall, re-dated balances, copied cards), and the
lines that re-date a whole lot wherever it is on hand (`itemtrace reclass` without --location)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from itemtrace.domain import reclass
from itemtrace.domain.documents import Line, StoredDocument, TrackingLine
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.genealogy import Link
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.storage.unit_of_work import UnitOfWork


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
