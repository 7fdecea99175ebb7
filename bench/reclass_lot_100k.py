"""`reclass_lot_100k`: re-date one lot of 100,000 units on hand in 50 locations, through the service.

The data: lot L1 of one item, 2,000 units in each of 50 warehouses, each warehouse's 2,000 in 40
packages of 50 (2,000 balances). Re-dating a lot takes all of it (the rule), so the document has
50 lines, one per warehouse, each naming the lot and its 2,000 units: posting picks the 40
packages of each, checks every rule, writes 4,000 ledger entries (each package out to
RECLASSIFICATION and back with the new date) and gives the 2,000 balances their new date.

Baseline: the same ledger rows inserted by a plain DBAPI `executemany` and the balances re-dated
by one plain UPDATE, in one transaction, through the same driver.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bench.common import TODAY, database, figure, median, now, report, timed
from itemtrace.domain.documents import Document, DocumentType, Line, StoredDocument, TrackingLine
from itemtrace.domain.masterdata import Item, Location
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import documents, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork

PLACES, PACKAGES, EACH = 50, 40, 50  # 50 places x 40 packages x 50 units = 100,000
RUNS = 3
FIRST_DATE = date(2027, 1, 1)


def setup(uow: UnitOfWork, places: int, packages: int) -> None:
    code = TrackingCode(
        "LOTPKG",
        lot=DimensionPolicy(specific=True),
        package=DimensionPolicy(inbound=True),
        use_expiration_dates=True,
    )
    masterdata.create_tracking_code(uow, code)
    masterdata.create_item(uow, Item("FLOUR", "Flour", unit="kg", tracking_code="LOTPKG"))
    lines = []
    for p in range(places):
        masterdata.create_location(uow, Location(f"WH{p:02d}", f"Warehouse {p}"))
        tracking = tuple(
            TrackingLine(
                lot="L1", package=f"P{p:02d}-{k:03d}", quantity=Decimal(EACH), expiration_date=FIRST_DATE
            )
            for k in range(packages)
        )
        lines.append(Line("FLOUR", Decimal(EACH * packages), None, f"WH{p:02d}", tracking))
    documents.create(
        uow, Document(DocumentType.RECEIPT, tuple(lines)), user=SYSTEM, post=True, today=TODAY, now=now()
    )


def redate(places: int, packages: int, new: date) -> Document:
    lines = tuple(
        Line(
            "FLOUR",
            Decimal(EACH * packages),
            f"WH{p:02d}",
            tracking=(TrackingLine(lot="L1", quantity=Decimal(EACH * packages), new_expiration_date=new),),
        )
        for p in range(places)
    )
    return Document(DocumentType.RECLASSIFICATION, lines)


def raw_redate(engine: Engine, document_id: int, new: date) -> None:
    """The same work in plain SQL: the ledger rows of every package out and back, one executemany;
    the lot's balances re-dated by one UPDATE; one commit."""
    with engine.connect() as conn:
        item = conn.execute(text("SELECT id FROM item WHERE sku = 'FLOUR'")).scalar_one()
        reclass = conn.execute(text("SELECT id FROM location WHERE code = 'RECLASSIFICATION'")).scalar_one()
        buckets = conn.execute(
            text("SELECT location_id, package, quantity FROM balance WHERE item_id = :i AND lot = 'L1'"),
            {"i": item},
        ).all()
    stamp = now()
    rows = []
    for location, package, quantity in buckets:
        for source, target in ((location, reclass), (reclass, location)):
            rows.append(
                (document_id, 1, item, "", "L1", package, quantity, source, target, TODAY, stamp, new)
            )
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        sqlite = engine.dialect.name == "sqlite"
        marker = "?" if sqlite else "%s"
        if sqlite:
            cursor.execute("BEGIN")
        cursor.executemany(
            "INSERT INTO ledger_entry (document_id, line_no, item_id, serial, lot, package, quantity, "
            "from_location_id, to_location_id, posting_date, posted_at, expiration_date) VALUES ("
            + ", ".join([marker] * 12)
            + ")",
            rows,
        )
        cursor.execute(
            f"UPDATE balance SET expiration_date = {marker} WHERE item_id = {marker} AND lot = 'L1'",
            (new, item),
        )
        connection.commit()
    finally:
        connection.close()


def run(backend: str, root: Path, quick: bool) -> dict[str, Any]:
    places, packages = (10, 10) if quick else (PLACES, PACKAGES)
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        setup(uow, places, packages)
        ours: list[float] = []
        posted: list[StoredDocument] = []

        def post(draft: Document) -> None:
            posted.append(documents.create(uow, draft, user=SYSTEM, post=True, today=TODAY, now=now()))

        for run_no in range(RUNS):
            draft = redate(places, packages, FIRST_DATE + timedelta(days=30 * (run_no + 1)))
            ours.append(timed(partial(post, draft)))
        assert all(d.status.value == "posted" for d in posted)
        document_id = posted[0].id
        raw = [
            timed(partial(raw_redate, engine, document_id, FIRST_DATE + timedelta(days=400 + n)))
            for n in range(RUNS)
        ]
        return figure(median(ours), "s", median(raw))


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    results: dict[str, Any] = {}
    for backend in backends:
        entry = run(backend, root, quick)
        report(
            "reclass_lot_100k",
            backend,
            entry,
            "(median of 3; 100,000 units, 50 places, 2,000 packages; baseline: raw executemany + UPDATE)",
        )
        results[backend] = entry
    return {"reclass_lot_100k": results}
