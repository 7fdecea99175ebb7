"""`suggest_fefo` and `availability_item`: one busy item's pick suggestion and availability while
1,000 open drafts hold reservations on it.

- `suggest_fefo`: FEFO suggestion for 500 units of an item with 2,000 lots across 50 locations.
  Baseline: the bare SQL of the same ordering (the item's balances in internal places by
  expiration date, then receipt).
- `availability_item`: availability of one item with 10,000 lots across 50 locations. Baseline:
  the bare aggregate (on hand per place and lot).

Both fill through the service (receipts, then 1,000 draft shipments of one unit each). Figures
are p50 and p99 over repeated calls, in milliseconds.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.common import TODAY, call_timings, database, driver_timings, figure, now, percentile, report
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.masterdata import Item, Location, Partner, PartnerKind
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import availability, documents, masterdata, picking
from itemtrace.storage.unit_of_work import UnitOfWork

NAMES = ("suggest_fefo", "availability_item")
PLACES = 50
DRAFTS = 1_000
READS = 200
PER_LOT = 5

RAW_ORDER = (
    "SELECT l.code, b.serial, b.lot, b.package, b.quantity, b.expiration_date, b.first_in_date "
    "FROM balance b JOIN location l ON l.id = b.location_id "
    "WHERE b.item_id = {m} AND b.quantity > 0 AND l.kind = 'internal' "
    "ORDER BY b.expiration_date, b.first_in_date, b.id"
)
RAW_AGGREGATE = (
    "SELECT l.code, b.lot, b.expiration_date, SUM(b.quantity) FROM balance b "
    "JOIN location l ON l.id = b.location_id "
    "WHERE b.item_id = {m} AND b.quantity > 0 AND l.kind = 'internal' GROUP BY l.code, b.lot, b.expiration_date"
)


def fill(uow: UnitOfWork, lots: int) -> None:
    masterdata.create_tracking_code(
        uow, TrackingCode("LOTX", lot=DimensionPolicy(specific=True), use_expiration_dates=True)
    )
    masterdata.create_item(uow, Item("MILK", "Milk", unit="l", tracking_code="LOTX"))
    masterdata.create_partner(uow, Partner("ACME", "Acme", PartnerKind.CUSTOMER))
    for n in range(PLACES):
        masterdata.create_location(uow, Location(f"WH{n:02d}", f"Warehouse {n}"))
    lines = []
    for place in range(PLACES):
        tracking = tuple(
            TrackingLine(
                lot=f"L{n:06d}", quantity=Decimal(PER_LOT), expiration_date=TODAY + timedelta(days=n % 700)
            )
            for n in range(place, lots, PLACES)
        )
        lines.append(Line("MILK", Decimal(PER_LOT * len(tracking)), None, f"WH{place:02d}", tracking))
    documents.create(
        uow,
        Document(DocumentType.RECEIPT, tuple(lines), posting_date=TODAY - timedelta(days=30)),
        user=SYSTEM,
        post=True,
        today=TODAY,
        now=now(),
    )
    for i in range(min(DRAFTS, 2 * lots)):  # at most 2 units of a lot reserved: never oversubscribed
        n = (i * 7919) % lots
        line = Line(
            "MILK",
            Decimal(1),
            f"WH{n % PLACES:02d}",
            None,
            (TrackingLine(lot=f"L{n:06d}", quantity=Decimal(1)),),
        )
        documents.create(
            uow, Document(DocumentType.SHIPMENT, (line,), partner="ACME"), user=SYSTEM, today=TODAY, now=now()
        )


def run(backend: str, root: Path, lots: int, name: str) -> dict[str, Any]:
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        fill(uow, lots)
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
            item_id = conn.execute(text("SELECT id FROM item WHERE sku = 'MILK'")).scalar_one()
        if name == "suggest_fefo":
            ours = call_timings(lambda: picking.suggest_pick(uow, "MILK", Decimal(500), today=TODAY), READS)
            raw = driver_timings(engine, [RAW_ORDER], [(item_id,)] * (10 + READS))[10:]
        else:
            ours = call_timings(lambda: availability.availability(uow, "MILK", today=TODAY), READS)
            raw = driver_timings(engine, [RAW_AGGREGATE], [(item_id,)] * (10 + READS))[10:]
        entry = figure(percentile(ours, 99), "ms", percentile(raw, 99))
        entry["p50"] = round(percentile(ours, 50), 3)
        entry["p50_baseline"] = round(percentile(raw, 50), 3)
        entry["lots"] = lots
        entry["drafts"] = min(DRAFTS, 2 * lots)
        return entry


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    sizes = {"suggest_fefo": 2_000, "availability_item": 10_000}
    results: dict[str, dict[str, Any]] = {}
    for name in NAMES:
        for backend in backends:
            entry = run(backend, root, sizes[name] // (10 if quick else 1), name)
            report(
                f"{name} p99",
                backend,
                entry,
                f"(p50 {entry['p50']} ms; {entry['lots']:,} lots, {entry['drafts']:,} drafts)",
            )
            results.setdefault(name, {})[backend] = entry
    return results
