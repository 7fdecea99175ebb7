"""`GET /suggest-pick`: which lots and serials to take, FEFO or FIFO, from a warehouse and its
bins, skipping blocked, expired and reserved stock (SPEC §5 shapes). The clock is pinned."""

from __future__ import annotations

from datetime import date

import pytest

from itemtrace.api import clock
from tests.api.conftest import receipt, serials_in, shipment

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch) -> date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


def lot_in(lot: str, quantity: int, expiration: str, to: str = "WH1") -> dict:
    return {
        "item": "MILK",
        "quantity": quantity,
        "to_location": to,
        "tracking": [{"lot": lot, "quantity": quantity, "expiration_date": expiration}],
    }


@pytest.fixture
def milk(world, as_admin, as_clerk):
    as_admin.created("/locations", {"code": "WH1-B1", "name": "Bin 1", "parent": "WH1"})
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            lot_in("L-LATE", 10, "2027-02-01"), lot_in("L-OLD", 3, "2026-11-01"), posting_date="2026-09-01"
        ),
    )
    as_clerk.ok(
        "/documents?post=true",
        receipt(lot_in("L-SOON", 4, "2026-12-01", to="WH1-B1"), posting_date="2026-10-01"),
    )
    return world


def picked(api, **params) -> tuple[list[tuple], dict]:
    response = api.get("/suggest-pick", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return [(p["lot"], p["location"], p["quantity"], p["expiration_date"]) for p in body["items"]], body


def test_fefo_picks_the_earliest_date_first_from_the_warehouse_and_its_bins(milk, as_viewer):
    picks, body = picked(as_viewer, item="MILK", location="WH1", quantity=6)

    assert picks == [("L-SOON", "WH1-B1", 4, "2026-12-01"), ("L-LATE", "WH1", 2, "2027-02-01")]
    assert (body["strategy"], body["short"]) == ("fefo", 0)  # MILK uses expiration dates


def test_fifo_picks_the_earliest_receipt_first(milk, as_viewer):
    picks, _ = picked(as_viewer, item="MILK", location="WH1", quantity=6, strategy="fifo")

    assert [p[0] for p in picks] == ["L-LATE"]


def test_expired_reserved_and_blocked_stock_is_skipped_and_the_shortfall_shown(milk, as_clerk):
    as_clerk.patch("/items/MILK/lots/L-LATE", {"blocked": True})
    draft = {
        "item": "MILK",
        "quantity": 1,
        "from_location": "WH1-B1",
        "tracking": [{"lot": "L-SOON", "quantity": 1}],
    }
    as_clerk.ok("/documents", shipment(draft))  # a draft reserves 1 of L-SOON

    picks, body = picked(as_clerk, item="MILK", quantity=10)

    assert picks == [("L-SOON", "WH1-B1", 3, "2026-12-01")]  # L-OLD expired, L-LATE blocked
    assert body["short"] == 7


def test_serials_are_suggested_one_by_one_oldest_receipt_first(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("S-2"), posting_date="2026-10-02"))
    as_clerk.ok("/documents?post=true", receipt(serials_in("S-1"), posting_date="2026-10-01"))

    _, body = picked(as_clerk, item="DRILL", quantity=1)

    assert body["strategy"] == "fifo"
    assert [p["serial"] for p in body["items"]] == ["S-1"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"item": "NOPE", "quantity": 1}, 404),
        ({"item": "MILK", "quantity": 1, "location": "NOPE"}, 404),
        ({"item": "MILK", "quantity": 0}, 422),
        ({"item": "MILK"}, 422),
        ({"item": "MILK", "quantity": 1, "strategy": "lifo"}, 422),
    ],
)
def test_bad_parameters_are_refused(milk, as_viewer, params, status):
    assert as_viewer.get("/suggest-pick", params=params).status_code == status
