"""`epcis_export`: the whole ledger as an EPCIS 2.0 document, 200,000 entries (--quick: 20,000).

Receipts of 1,000 serials each (a GTIN item) and of 1,000 lots each are posted through the
service, half and half. The export streams the document through `services.epcis.export` and
counts its bytes. Baseline: the bare SQL that reads the same rows with the same joins, in the same
order, fetched through the same driver (no events, no JSON). Figures are seconds for the whole
export; `peak_kib` is the largest memory Python allocated during it (tracemalloc), which stays
about one document's worth however big the ledger is.
"""

from __future__ import annotations

import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bench.common import TODAY, database, figure, now, report
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.masterdata import Item, Location, Partner, PartnerKind
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import documents, epcis, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork

PER_DOCUMENT = 1_000

RAW = (
    "SELECT le.document_id, le.line_no, le.id, d.number, d.type, le.posted_at, i.sku, i.gtin, i.unit, "
    "le.serial, le.lot, le.package, le.quantity, f.code, f.kind, t.code, t.kind, p.code "
    "FROM ledger_entry le JOIN document d ON d.id = le.document_id JOIN item i ON i.id = le.item_id "
    "JOIN location f ON f.id = le.from_location_id JOIN location t ON t.id = le.to_location_id "
    "LEFT JOIN partner p ON p.id = le.partner_id ORDER BY le.document_id, le.line_no, le.id"
)


def fill(uow: UnitOfWork, total: int) -> None:
    masterdata.create_tracking_code(uow, TrackingCode("SN", serial=DimensionPolicy(specific=True)))
    masterdata.create_tracking_code(uow, TrackingCode("LOT", lot=DimensionPolicy(specific=True)))
    masterdata.create_item(uow, Item("CAM", "Camera", gtin="4006381333931", tracking_code="SN"))
    masterdata.create_item(uow, Item("GEL", "Gel", unit="kg", tracking_code="LOT"))
    masterdata.create_location(uow, Location("WH1", "Main"))
    masterdata.create_partner(uow, Partner("VEND", "Vendor", PartnerKind.VENDOR))
    for n in range(total // PER_DOCUMENT):
        if n % 2 == 0:
            tracking = tuple(TrackingLine(serial=f"S{n:05d}-{i:04d}") for i in range(PER_DOCUMENT))
            line = Line("CAM", Decimal(PER_DOCUMENT), None, "WH1", tracking)
        else:
            tracking = tuple(
                TrackingLine(lot=f"L{n:05d}-{i:04d}", quantity=Decimal(2)) for i in range(PER_DOCUMENT)
            )
            line = Line("GEL", Decimal(2 * PER_DOCUMENT), None, "WH1", tracking)
        documents.create(
            uow,
            Document(DocumentType.RECEIPT, (line,), partner="VEND"),
            user=SYSTEM,
            post=True,
            today=TODAY,
            now=now(),
        )


def raw_read(engine: Engine) -> int:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(RAW)
        rows = 0
        while batch := cursor.fetchmany(2000):
            rows += len(batch)
        connection.rollback()
    finally:
        connection.close()
    return rows


def run(backend: str, root: Path, total: int) -> dict[str, Any]:
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        fill(uow, total)
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
        raw_read(engine)  # warm the caches the same way for both
        start = time.perf_counter()
        rows = raw_read(engine)
        baseline = time.perf_counter() - start
        assert rows == total, rows
        start = time.perf_counter()
        size = sum(len(chunk) for chunk in epcis.export(uow, now=now()))
        elapsed = time.perf_counter() - start
        tracemalloc.start()  # a second run for memory: tracemalloc slows what it watches
        sum(len(chunk) for chunk in epcis.export(uow, now=now()))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        entry = figure(elapsed, "s", baseline)
        entry.update(entries=total, bytes=size, peak_kib=peak // 1024)
        return entry


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    total = 20_000 if quick else 200_000
    results: dict[str, Any] = {}
    for backend in backends:
        entry = run(backend, root, total)
        report(
            "epcis_export",
            backend,
            entry,
            f"({total:,} entries, {entry['bytes'] / 1e6:.1f} MB, peak {entry['peak_kib']:,} KiB)",
        )
        results[backend] = entry
    return {"epcis_export": results}
