"""`warehouse_availability`: the availability of a warehouse that holds its stock in bins.

One warehouse with 20 aisles of 10 bins each (two levels under it), every bin holding 20 lots of
one item, plus a second warehouse of the same size: `GET /availability?location=WH1` sums the
warehouse's own stock and every bin's (one recursive query for the subtree). Baseline: the same
two grouped statements (on hand and reserved per bin, lot and date) as bare SQL with the same
recursive query, through the same driver. Figures are p50 over repeated reads, in milliseconds.
The difference is Python's: 4,000 grouped rows become values and are summed per place and lot
(availability never goes below zero at one place).
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.common import TODAY, database, driver_timings, figure, now, percentile, report
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.masterdata import Item, Location
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import availability, documents, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork

AISLES, BINS, LOTS = 20, 10, 20
READS = 300

SUBTREE = (
    "WITH RECURSIVE subtree(id) AS (SELECT id FROM location WHERE code = {m} "
    "UNION SELECT l.id FROM location l JOIN subtree s ON l.parent_id = s.id) "
)
# The service's two statements: on hand and reserved per (internal location, lot, expiration
# date) in the subtree, the reservations dated by the stock they name.
RAW = [
    SUBTREE + "SELECT l.code, b.lot, b.expiration_date, SUM(b.quantity) FROM balance b "
    "JOIN location l ON l.id = b.location_id WHERE b.item_id = {m} AND b.quantity > 0 "
    "AND l.kind = 'internal' AND b.location_id IN (SELECT id FROM subtree) "
    "GROUP BY l.code, b.lot, b.expiration_date",
    SUBTREE + "SELECT l.code, r.lot, b.expiration_date, SUM(r.quantity) FROM reservation r "
    "LEFT JOIN balance b ON b.item_id = r.item_id AND b.location_id = r.location_id AND b.serial = r.serial "
    "AND b.lot = r.lot AND b.package = r.package AND b.quantity > 0 "
    "JOIN location l ON l.id = r.location_id WHERE r.item_id = {m} AND r.quantity > 0 "
    "AND l.kind = 'internal' AND r.location_id IN (SELECT id FROM subtree) "
    "GROUP BY l.code, r.lot, b.expiration_date",
]


def fill(uow: UnitOfWork) -> None:
    masterdata.create_tracking_code(uow, TrackingCode("LOT", lot=DimensionPolicy(specific=True)))
    masterdata.create_item(uow, Item("MILK", "Milk", unit="l", tracking_code="LOT"))
    for warehouse in ("WH1", "WH2"):
        masterdata.create_location(uow, Location(warehouse, warehouse))
        lines = []
        for a in range(AISLES):
            aisle = f"{warehouse}-{a:02d}"
            masterdata.create_location(uow, Location(aisle, aisle, parent=warehouse))
            for b in range(BINS):
                bin_code = f"{aisle}-{b:02d}"
                masterdata.create_location(uow, Location(bin_code, bin_code, parent=aisle))
                tracking = tuple(TrackingLine(lot=f"L{n:03d}", quantity=Decimal(5)) for n in range(LOTS))
                lines.append(Line("MILK", Decimal(5 * LOTS), None, bin_code, tracking))
        documents.create(
            uow, Document(DocumentType.RECEIPT, tuple(lines)), user=SYSTEM, post=True, today=TODAY, now=now()
        )


def run(backend: str, root: Path) -> dict[str, Any]:
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        fill(uow)
        if backend == "postgresql":
            with engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        found = availability.availability(uow, "MILK", location="WH1", today=TODAY)
        assert found.on_hand == AISLES * BINS * LOTS * 5, found.on_hand
        ours = []
        for _ in range(READS):
            start = time.perf_counter()
            availability.availability(uow, "MILK", location="WH1", today=TODAY)
            ours.append((time.perf_counter() - start) * 1000)
        with engine.connect() as conn:
            item_id = conn.execute(text("SELECT id FROM item WHERE sku = 'MILK'")).scalar_one()
        raw = driver_timings(engine, RAW, [("WH1", item_id)] * READS)
        return figure(percentile(ours, 50), "ms", percentile(raw, 50))


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    results: dict[str, Any] = {}
    for backend in backends:
        entry = run(backend, root)
        entry["bins"] = AISLES * BINS
        entry["balances"] = 2 * AISLES * BINS * LOTS
        report("warehouse_availability", backend, entry, f"({AISLES * BINS} bins, {LOTS} lots each)")
        results[backend] = entry
    return {"warehouse_availability": results}
