"""A recall's report is stored as JSON with the recall and read back whole, whatever its age."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson

from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracing import Delivery, FinishedGood, OnHand, RecallReport
from itemtrace.storage.engine import dumps
from itemtrace.storage.mapping import recall_from_json, recall_to_json

WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
REPORT = RecallReport(
    item="GLUE",
    serial=None,
    lot="L1",
    reason="supplier notice",
    block=True,
    customers=(
        Delivery("ACME", "DRILL", "FG-1", None, Decimal("1"), date(2026, 11, 2), "SHIP-000007", True),
    ),
    finished_goods=(FinishedGood("DRILL", "FG-1", None, TrackingStatus.DELIVERED, None, "ACME"),),
    on_hand=(OnHand("WH1", "GLUE", None, "L1", Decimal("7.5")),),
    blocked=2,
)
HEADER: dict[str, Any] = {
    "id": 4,
    "item": "GLUE",
    "serial": None,
    "lot": "L1",
    "reason": "supplier notice",
    "block": True,
    "created_by": "admin",
    "created_at": WHEN,
}


def _stored(data: object) -> dict:
    return orjson.loads(dumps(data))


def test_a_stored_report_reads_back_equal_with_rows_as_arrays():
    stored = _stored(recall_to_json(REPORT))

    found = recall_from_json(stored, **HEADER)

    assert stored["customers"] == [["ACME", "DRILL", "FG-1", None, "1", "2026-11-02", "SHIP-000007", True]]
    assert (found.customers, found.finished_goods, found.on_hand) == (
        REPORT.customers,
        REPORT.finished_goods,
        REPORT.on_hand,
    )
    assert found.blocked == 2


def test_a_report_stored_by_an_earlier_version_with_rows_as_objects_still_reads():
    stored = {
        "customers": [
            {
                "partner": "ACME",
                "item": "DRILL",
                "serial": "FG-1",
                "lot": None,
                "quantity": "1",
                "posting_date": "2026-11-02",
                "document": "SHIP-000007",
                "contains": True,
            }
        ],
        "finished_goods": [
            {
                "item": "DRILL",
                "serial": "FG-1",
                "lot": None,
                "status": "delivered",
                "location": None,
                "holder": "ACME",
            }
        ],
        "on_hand": [{"location": "WH1", "item": "GLUE", "serial": None, "lot": "L1", "quantity": "7.5"}],
        "blocked": 2,
    }

    found = recall_from_json(stored, **HEADER)

    assert (found.customers, found.finished_goods, found.on_hand) == (
        REPORT.customers,
        REPORT.finished_goods,
        REPORT.on_hand,
    )
