"""The append-only ledger and its balance projection, written in bulk in one transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from itemtrace.domain.errors import ErrorCode, PostingRejected, Violation
from itemtrace.domain.ledger import LedgerEntry, StoredLedgerEntry
from itemtrace.domain.masterdata import LocationKind
from itemtrace.storage import dialect, mapping
from itemtrace.storage.dialect import chunks
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import (
    SOURCE,
    TARGET,
    ItemRow,
    LedgerEntryRow,
    to_units,
)


class Ledger:
    """The append-only ledger and its balance projection, written in bulk in the same transaction."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def append(
        self,
        entries: Sequence[LedgerEntry],
        *,
        document_id: int,
        partner: str | None,
        user: str | None,
        posting_date: date,
        now: datetime,
        kinds: dict[str, LocationKind],
        global_serials: frozenset[str],
    ) -> None:
        """Write the entries and their balances. `global_serials`: the items whose serials are
        unique across items, marked on their balances for the database's unique index."""
        if not entries:
            return
        partner_id = self.md.partner_id(partner)
        item_ids = {sku: self.md.item_id(sku) for sku in {e.key.item for e in entries}}
        location_ids = {
            code: self.md.location_id(code) for e in entries for code in (e.from_location, e.to_location)
        }
        rows: list[dict[str, Any]] = [
            {
                "document_id": document_id,
                "line_no": e.line_no,
                "item_id": item_ids[e.key.item],
                "serial": e.key.serial or "",  # mapping.blank, inlined in this per-entry loop
                "lot": e.key.lot or "",
                "package": e.key.package or "",
                "quantity": to_units(e.quantity),
                "from_location_id": location_ids[e.from_location],
                "to_location_id": location_ids[e.to_location],
                "posting_date": posting_date,
                "partner_id": partner_id,
                "user_name": user,
                "posted_at": now,
                "expiration_date": e.expiration_date,
                "warranty_date": e.warranty_date,
            }
            for e in entries
        ]
        dialect.insert_ledger(self.session.connection(), rows)
        self._project(entries, item_ids, location_ids, kinds, posting_date, global_serials)

    def _project(
        self,
        entries: Sequence[LedgerEntry],
        item_ids: dict[str, int],
        location_ids: dict[str, int],
        kinds: dict[str, LocationKind],
        posting_date: date,
        global_serials: frozenset[str],
    ) -> None:
        deltas: dict[tuple[int, int, str, str, str], int] = defaultdict(int)
        meta: dict[tuple[int, int, str, str, str], tuple[bool, date | None]] = {}
        # Asked once per place, not once per entry: a posting has 10,000 entries and a few places.
        projected = {code for code, kind in kinds.items() if kind.projected}
        in_stock = {code for code, kind in kinds.items() if kind.in_stock}
        for e in entries:
            units = to_units(e.quantity)
            k = e.key
            # mapping.blank inlined: this loop runs once per entry, 10,000 times for a big receipt.
            serial, lot, package, item_id = k.serial or "", k.lot or "", k.package or "", item_ids[k.item]
            for location, sign in ((e.from_location, -1), (e.to_location, 1)):
                if location not in projected:
                    continue
                key = (item_id, location_ids[location], serial, lot, package)
                deltas[key] += sign * units
                meta[key] = (location in in_stock, e.expiration_date)
        global_ids = {item_ids[sku] for sku in global_serials if sku in item_ids}
        rows: list[dict[str, Any]] = [
            {
                "item_id": k[0],
                "location_id": k[1],
                "serial": k[2],
                "lot": k[3],
                "package": k[4],
                "quantity": q,
                "in_stock": meta[k][0],
                "global_serial": k[2] != "" and k[0] in global_ids,
                "expiration_date": meta[k][1],
                "first_in_date": posting_date,
            }
            for k, q in deltas.items()
            if q != 0
        ]
        # Stock leaving an internal/transit place is a plain UPDATE of a row that must exist
        # (an upsert's candidate row would trip the CHECK before the conflict is seen); it runs
        # first so a serial leaves its old place before the unique index sees the new one.
        taken = [
            {name: r[name] for name in ("item_id", "location_id", "serial", "lot", "package", "quantity")}
            for r in rows
            if r["in_stock"] and r["quantity"] < 0
        ]
        rest = [r for r in rows if not (r["in_stock"] and r["quantity"] < 0)]
        # No savepoint: a constraint failure refuses the whole posting, and the unit of work
        # rolls the transaction back on the way out.
        try:
            if dialect.decrement_balances(self.session.connection(), taken) != len(taken):
                raise _stock_changed()
            dialect.upsert_balances(self.session.connection(), rest)
        except IntegrityError as error:
            raise _constraint_violation(error) from None

    def serials_entered(self, document_id: int, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of the (item, serial) pairs the document has ledger entries of (an import
        telling a serial it repeats from one it put in stock itself)."""
        by_item: dict[str, list[str]] = defaultdict(list)
        for sku, serial in wanted:
            by_item[sku].append(serial)
        found: set[tuple[str, str]] = set()
        for sku, serials in by_item.items():
            for batch in chunks(sorted(serials)):
                query = select(LedgerEntryRow.serial).where(
                    LedgerEntryRow.document_id == document_id,
                    LedgerEntryRow.item_id == self.md.item_id(sku),
                    LedgerEntryRow.serial.in_(batch),
                )
                found.update((sku, serial) for serial in self.session.scalars(query))
        return found

    def for_document(self, document_id: int) -> list[StoredLedgerEntry]:
        rows = self.session.execute(
            select(LedgerEntryRow, ItemRow.sku, SOURCE.code, TARGET.code)
            .join(ItemRow, ItemRow.id == LedgerEntryRow.item_id)
            .join(SOURCE, SOURCE.id == LedgerEntryRow.from_location_id)
            .join(TARGET, TARGET.id == LedgerEntryRow.to_location_id)
            .where(LedgerEntryRow.document_id == document_id)
            .order_by(LedgerEntryRow.id)
        )
        return [mapping.ledger_entry_from_row(*row) for row in rows]


# The unique indexes that keep a serial in one place at a time (per item, or across items).
_SERIAL_IN_STOCK = frozenset({"uq_balance_serial_in_stock", "uq_balance_global_serial_in_stock"})


def _constraint_violation(error: IntegrityError) -> PostingRejected:
    """The database backstop fired: translate it into the posting rule it protects."""
    name = dialect.constraint_name(error) or ""
    # Or the same serial added to the same balance by both: one unit at most.
    if name in _SERIAL_IN_STOCK or name.endswith("serial_at_most_one"):
        return PostingRejected(
            [
                Violation(
                    None,
                    None,
                    ErrorCode.SERIAL_EXISTS,
                    "a serial in this document was received by another posting at the same moment: "
                    "check the numbers and post again",
                )
            ]
        )
    return _stock_changed()


def _stock_changed() -> PostingRejected:
    return PostingRejected(
        [
            Violation(
                None,
                None,
                ErrorCode.INSUFFICIENT_QUANTITY,
                "stock changed under this posting (another posting took it): reload and post again",
            )
        ]
    )
