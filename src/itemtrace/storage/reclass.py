"""What a reclassification writes beside the ledger: its rename links, the new date of balances it
re-dated, the cards it copied; and the links a card shows (`renamed_to`, `renamed_from`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.reclass import Rename
from itemtrace.domain.tracking import Dimension
from itemtrace.storage.dialect import chunks
from itemtrace.storage.mapping import blank
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import (
    BalanceRow,
    LocationRow,
    ReclassLinkRow,
    TrackingCommentRow,
    TrackingInfoRow,
)
from itemtrace.storage.trace_values import as_date

_BALANCE = cast(Table, BalanceRow.__table__)
_LINK = cast(Table, ReclassLinkRow.__table__)
_INFO = cast(Table, TrackingInfoRow.__table__)
_COMMENT = cast(Table, TrackingCommentRow.__table__)

# (item id or None for a package, kind, number)
CardKey = tuple[int | None, str, str]


class Reclass:
    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def append(self, document_id: int, renames: Sequence[Rename]) -> None:
        """The rename links of a posted reclassification, in bulk."""
        rows = [
            {
                "document_id": document_id,
                "item_id": self.md.item_id(r.old.item),
                "old_serial": blank(r.old.serial),
                "old_lot": blank(r.old.lot),
                "old_package": blank(r.old.package),
                "new_serial": blank(r.new.serial),
                "new_lot": blank(r.new.lot),
                "new_package": blank(r.new.package),
                "quantity": r.quantity,
            }
            for r in renames
        ]
        for batch in chunks(rows, 5000):
            self.session.execute(_LINK.insert(), batch)

    def redate(self, arrivals: Sequence[LedgerEntry]) -> None:
        """Give the balances of re-dated keys (where they arrived) their new expiration date: one
        statement, executed for all of them."""
        if not arrivals:
            return
        c = _BALANCE.c
        statement = (
            update(_BALANCE)
            .where(
                c.item_id == bindparam("k_item"),
                c.location_id == bindparam("k_location"),
                c.serial == bindparam("k_serial"),
                c.lot == bindparam("k_lot"),
                c.package == bindparam("k_package"),
            )
            .values(expiration_date=bindparam("k_date"))
        )
        params = [
            {
                "k_item": self.md.item_id(e.key.item),
                "k_location": self.md.location_id(e.to_location),
                "k_serial": blank(e.key.serial),
                "k_lot": blank(e.key.lot),
                "k_package": blank(e.key.package),
                "k_date": e.expiration_date,
            }
            for e in arrivals
        ]
        for batch in chunks(params, 5000):
            self.session.execute(statement, batch)

    def copy_cards(self, renames: Sequence[Rename], *, now: Any) -> None:
        """Copy the old number's card (description, attributes, comments) to each new number that
        has no card yet; `blocked` is not copied (a blocked number cannot be reclassified)."""
        pairs: dict[CardKey, CardKey] = {}
        for r in renames:
            if not r.copy_info:
                continue
            item_id = self.md.item_id(r.old.item)
            for dim in (Dimension.SERIAL, Dimension.LOT, Dimension.PACKAGE):
                old, new = r.old.number(dim), r.new.number(dim)
                if old and new and old != new:
                    owner = None if dim is Dimension.PACKAGE else item_id
                    pairs.setdefault((owner, dim.value, new), (owner, dim.value, old))
        if not pairs:
            return
        old_cards = self._cards(set(pairs.values()))
        if not old_cards:
            return
        existing = self._cards(set(pairs))
        wanted = [(new, old) for new, old in pairs.items() if old in old_cards and new not in existing]
        if not wanted:
            return
        self.session.execute(
            _INFO.insert(),
            [
                {
                    "item_id": new[0],
                    "kind": new[1],
                    "number": new[2],
                    "description": old_cards[old][1],
                    "blocked": False,
                    "attributes": old_cards[old][2],
                }
                for new, old in wanted
            ],
        )
        made = self._cards({new for new, _ in wanted})
        old_ids = {old_cards[old][0]: made[new][0] for new, old in wanted}
        comments = self.session.execute(
            select(_COMMENT.c.info_id, _COMMENT.c.text, _COMMENT.c.user_name, _COMMENT.c.created_at)
            .where(_COMMENT.c.info_id.in_(list(old_ids)))
            .order_by(_COMMENT.c.id)
        ).all()
        if comments:
            self.session.execute(
                _COMMENT.insert(),
                [
                    {"info_id": old_ids[c[0]], "text": c[1], "user_name": c[2], "created_at": c[3]}
                    for c in comments
                ],
            )

    def _cards(self, keys: set[CardKey]) -> dict[CardKey, tuple[int, str, dict[str, Any]]]:
        """The cards of these keys that exist: id, description, attributes."""
        found: dict[CardKey, tuple[int, str, dict[str, Any]]] = {}
        c = _INFO.c
        for batch in chunks(sorted(keys, key=lambda k: (k[0] or 0, k[1], k[2])), 500):
            numbers = {k[2] for k in batch}
            rows = self.session.execute(
                select(c.id, c.item_id, c.kind, c.number, c.description, c.attributes).where(
                    c.number.in_(numbers), c.kind.in_({k[1] for k in batch})
                )
            )
            wanted = set(batch)
            for r in rows:
                key = (r.item_id, r.kind, r.number)
                if key in wanted:
                    found[key] = (r.id, r.description, dict(r.attributes or {}))
        return found

    def lot_places(self, item: str, lot: str) -> list[tuple[str, Decimal]]:
        """(internal location, quantity) where the lot is on hand, by location code."""
        rows = self.session.execute(
            select(LocationRow.code, func.sum(BalanceRow.quantity))
            .join(LocationRow, LocationRow.id == BalanceRow.location_id)
            .where(
                BalanceRow.item_id == self.md.item_id(item),
                BalanceRow.lot == lot,
                BalanceRow.quantity > 0,
                LocationRow.kind == LocationKind.INTERNAL.value,
            )
            .group_by(LocationRow.code)
            .order_by(LocationRow.code)
        ).all()
        return [(code, Decimal(q)) for code, q in rows]  # the sum keeps the column type (Quantity)


def _date(value: Any) -> date:
    return as_date(value)
