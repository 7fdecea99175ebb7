"""`count_10k`: post a count of a location holding 10,000 serials, 1 % of them missing and 1 % found.

The count lists 9,900 of the serials on hand and 100 new ones: posting locks every balance of the
item there, compares, checks the found serials are on hand nowhere else and writes 200 entries.

Baseline: the same adjustments by bare SQL through the same driver, in one transaction: read
(and on PostgreSQL lock) the serials on hand there, compare in Python, look the found ones up
elsewhere, store the document with what was counted (its line's serials as JSON), insert the
200 ledger rows, decrement the missing balances, insert the found ones.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bench.common import TODAY, database, figure, median, now, report, timed
from itemtrace.domain.documents import Document, DocumentType, Line, StoredDocument, TrackingLine
from itemtrace.domain.masterdata import Item, Location
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import documents, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork

ON_HAND = 10_000
CHANGED = ON_HAND // 100  # missing, and as many found
RUNS = 3


def setup(uow: UnitOfWork) -> None:
    masterdata.create_tracking_code(uow, TrackingCode("SN", serial=DimensionPolicy(specific=True)))
    masterdata.create_item(uow, Item("DRILL", "Drill", tracking_code="SN"))


def stocked(uow: UnitOfWork, location: str, on_hand: int) -> list[str]:
    """A new location holding `on_hand` serials (received through the service, not timed)."""
    masterdata.create_location(uow, Location(location, location))
    serials = [f"{location}-{i:06d}" for i in range(on_hand)]
    tracking = tuple(TrackingLine(serial=s) for s in serials)
    receipt = Document(DocumentType.RECEIPT, (Line("DRILL", Decimal(on_hand), None, location, tracking),))
    documents.create(uow, receipt, user=SYSTEM, post=True, today=TODAY, now=now())
    return serials


def counted(location: str, serials: list[str], changed: int) -> tuple[str, ...]:
    """What the count found: all but the last `changed` serials, and `changed` new ones."""
    return (*serials[:-changed], *(f"{location}-NEW-{i:04d}" for i in range(changed)))


def count(location: str, found: tuple[str, ...]) -> Document:
    tracking = tuple(TrackingLine(serial=s) for s in found)
    return Document(DocumentType.COUNT, (Line("DRILL", Decimal(len(found)), None, location, tracking),))


def _first(cursor: Any) -> Any:
    row = cursor.fetchone()
    assert row is not None
    return row[0]


def raw_count(engine: Engine, location: str, found: tuple[str, ...], document_id: int) -> None:
    """The same adjustments through the bare driver: one transaction, set-based statements."""
    pg = engine.dialect.name == "postgresql"
    marker = "%s" if pg else "?"
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if not pg:
            cursor.execute("BEGIN IMMEDIATE")
        # What was counted is stored with the document: its line and the counted serials as JSON.
        cursor.execute("SELECT MAX(id) + 1000000 FROM document")  # clear of the id sequence
        new_id = _first(cursor)
        cursor.execute(
            "INSERT INTO document (id, number, type, status, in_transit, created_at, count_scope) "
            f"VALUES ({', '.join([marker] * 7)})",
            (new_id, f"RAW-{new_id}", "count", "posted", False, now(), "item"),
        )
        cursor.execute(f"SELECT id FROM location WHERE code = {marker}", (location,))
        location_id = _first(cursor)
        cursor.execute("SELECT id FROM location WHERE code = 'ADJUSTMENT'")
        adjustment_id = _first(cursor)
        cursor.execute("SELECT id FROM item WHERE sku = 'DRILL'")
        item_id = _first(cursor)
        tracking = json.dumps([{"quantity": "1", "serial": s} for s in found])
        cursor.execute(
            "INSERT INTO document_line (document_id, line_no, item_id, quantity, from_location_id, "
            f"to_location_id, tracking) VALUES ({', '.join([marker] * 7)})",
            (new_id, 1, item_id, len(found), location_id, location_id, tracking),
        )
        cursor.execute(
            "SELECT serial FROM balance WHERE item_id = {0} AND location_id = {0} AND quantity > 0{1}".format(
                marker, " FOR UPDATE" if pg else ""
            ),
            (item_id, location_id),
        )
        on_hand = {row[0] for row in cursor.fetchall()}
        wanted = set(found)
        missing, new = sorted(on_hand - wanted), sorted(wanted - on_hand)
        if pg:
            cursor.execute(
                "SELECT serial FROM balance WHERE item_id = %s AND serial = ANY(%s) AND in_stock AND quantity > 0",
                (item_id, new),
            )
        else:
            cursor.execute(
                f"SELECT serial FROM balance WHERE item_id = ? AND serial IN ({','.join('?' * len(new))}) "
                "AND in_stock AND quantity > 0",
                (item_id, *new),
            )
        assert cursor.fetchall() == []
        stamp = now()
        entries = [
            (document_id, 1, item_id, s, "", "", 1000, location_id, adjustment_id, TODAY, stamp)
            for s in missing
        ]
        entries += [
            (document_id, 1, item_id, s, "", "", 1000, adjustment_id, location_id, TODAY, stamp) for s in new
        ]
        cursor.executemany(
            "INSERT INTO ledger_entry (document_id, line_no, item_id, serial, lot, package, quantity, "
            f"from_location_id, to_location_id, posting_date, posted_at) VALUES ({', '.join([marker] * 11)})",
            entries,
        )
        cursor.executemany(
            f"UPDATE balance SET quantity = quantity - 1000 WHERE item_id = {marker} AND location_id = {marker} "
            f"AND serial = {marker} AND lot = '' AND package = ''",
            [(item_id, location_id, s) for s in missing],
        )
        cursor.executemany(
            "INSERT INTO balance (item_id, location_id, serial, lot, package, quantity, in_stock, global_serial, "
            f"first_in_date) VALUES ({marker}, {marker}, {marker}, '', '', 1000, {'true' if pg else '1'}, "
            f"{'false' if pg else '0'}, {marker})",
            [(item_id, location_id, s, TODAY) for s in new],
        )
        connection.commit()
    finally:
        connection.close()


def run(backend: str, root: Path, on_hand: int) -> dict[str, Any]:
    changed = max(1, on_hand // 100)
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        setup(uow)
        ours: list[float] = []
        raw: list[float] = []
        any_document = 0
        for n in range(RUNS):
            location = f"WH{n}"
            found = counted(location, stocked(uow, location, on_hand), changed)
            posted: list[StoredDocument] = []
            draft = count(location, found)  # built outside the timer, as a request body would be

            def post(draft: Document = draft, posted: list[StoredDocument] = posted) -> None:
                posted.append(documents.create(uow, draft, user=SYSTEM, post=True, today=TODAY, now=now()))

            ours.append(timed(post))
            entries = documents.entries(uow, posted[0].id)
            assert len(entries) == 2 * changed, len(entries)
            any_document = posted[0].id
        for n in range(RUNS):
            location = f"RAW{n}"
            found = counted(location, stocked(uow, location, on_hand), changed)
            raw.append(timed(partial(raw_count, engine, location, found, any_document)))
        return figure(median(ours), "s", median(raw))


def main(backends: list[str], root: Path, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    on_hand = ON_HAND // 10 if quick else ON_HAND
    results: dict[str, Any] = {}
    for backend in backends:
        entry = run(backend, root, on_hand)
        report("count_10k", backend, entry, "(median of 3; baseline: bare SQL of the same adjustments)")
        results[backend] = entry
    return {"count_10k": results}
