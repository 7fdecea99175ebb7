"""`receipt_10k_serials`: one receipt of 10,000 serials posted through the service, all rules checked.

Baseline: the same 10,000 ledger rows inserted by a plain DBAPI `executemany` through the same
driver into the same table, in one transaction.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bench.common import TODAY, database, figure, median, now, report, timed
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.masterdata import Item, Location
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.domain.users import SYSTEM
from itemtrace.services import documents, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork

COUNT = 10_000
RUNS = 3


def setup(uow: UnitOfWork) -> None:
    masterdata.create_tracking_code(uow, TrackingCode("SN", serial=DimensionPolicy(specific=True)))
    masterdata.create_item(uow, Item("DRILL", "Drill", tracking_code="SN"))
    masterdata.create_location(uow, Location("WH1", "Main"))


def receipt(prefix: str) -> Document:
    tracking = tuple(TrackingLine(serial=f"{prefix}-{i:06d}") for i in range(COUNT))
    return Document(DocumentType.RECEIPT, (Line("DRILL", Decimal(COUNT), None, "WH1", tracking),))


def raw_insert(
    engine: Engine, prefix: str, document_id: int, ids: dict[str, int], *, commit: bool = True
) -> None:
    """The same ledger rows through the bare driver: one executemany, one commit (or rollback, in
    a data set that must stay consistent)."""
    rows = [
        (
            document_id,
            1,
            ids["item"],
            f"{prefix}-{i:06d}",
            "",
            "",
            1000,
            ids["SUPPLIER"],
            ids["WH1"],
            TODAY,
            now(),
        )
        for i in range(COUNT)
    ]
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        marker = "?" if engine.dialect.name == "sqlite" else "%s"
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")
        cursor.executemany(
            "INSERT INTO ledger_entry (document_id, line_no, item_id, serial, lot, package, quantity, "
            "from_location_id, to_location_id, posting_date, posted_at) VALUES ("
            + ", ".join([marker] * 11)
            + ")",
            rows,
        )
        if commit:
            connection.commit()
        else:
            connection.rollback()
    finally:
        connection.close()


def ids(engine: Engine, document_id_hint: str) -> dict[str, Any]:
    with engine.connect() as conn:
        from sqlalchemy import text

        found = {code: i for i, code in conn.execute(text("SELECT id, code FROM location"))}
        found["item"] = conn.execute(text("SELECT id FROM item WHERE sku = 'DRILL'")).scalar_one()
        found["document"] = conn.execute(
            text("SELECT id FROM document WHERE number = :n"), {"n": document_id_hint}
        ).scalar_one()
    return found


def run(backend: str, root: Path) -> dict[str, Any]:
    with database(backend, root) as engine:
        uow = UnitOfWork.for_engine(engine)
        setup(uow)
        ours: list[float] = []
        posted: list[Document] = []

        def post(draft: Document) -> None:
            posted.append(documents.create(uow, draft, user=SYSTEM, post=True, today=TODAY, now=now()))

        for run_no in range(RUNS):
            document = receipt(f"R{run_no}")
            ours.append(timed(partial(post, document)))
        known = ids(engine, posted[0].number or "")
        raw = [timed(partial(raw_insert, engine, f"RAW{n}", known["document"], known)) for n in range(RUNS)]
        return figure(median(ours), "s", median(raw))


def main(backends: list[str], root: Path, **_: Any) -> dict[str, dict[str, Any]]:
    results: dict[str, Any] = {}
    for backend in backends:
        entry = run(backend, root)
        report(
            "receipt_10k_serials",
            backend,
            entry,
            "(median of 3; baseline: raw executemany of the ledger rows)",
        )
        results[backend] = entry
    return {"receipt_10k_serials": results}
