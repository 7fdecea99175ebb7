"""`GET /reports/expiring` and its export: what on hand expires within N days, the expired first
(SPEC §4 "Expiry"). The server's clock is pinned to one day."""

from __future__ import annotations

import csv
import io

import pytest

from tests.api.conftest import PINNED_TODAY, receipt, shipment

TODAY = PINNED_TODAY


pytestmark = pytest.mark.usefixtures("pinned_today")


def lot_in(lot: str, quantity: int, expiration: str, to: str = "WH1") -> dict:
    return {
        "item": "MILK",
        "quantity": quantity,
        "to_location": to,
        "tracking": [{"lot": lot, "quantity": quantity, "expiration_date": expiration}],
    }


@pytest.fixture
def milk(world, as_clerk):
    """MILK lots: L-OLD expired 2026-11-01, L-SOON expires in 5 days (in two places), L-LATE in
    60 days."""
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            lot_in("L-LATE", 10, "2027-01-22"),
            lot_in("L-SOON", 4, "2026-11-28"),
            lot_in("L-SOON", 6, "2026-11-28", to="WH2"),
            lot_in("L-OLD", 3, "2026-11-01"),
            posting_date="2026-10-01",
        ),
    )
    return world


def rows(api, **params) -> list[tuple]:
    response = api.get("/reports/expiring", params=params)
    assert response.status_code == 200, response.text
    return [
        (r["lot"], r["location"], r["quantity"], r["days_left"], r["expired"])
        for r in response.json()["items"]
    ]


def test_the_expired_come_first_then_by_date_with_the_quantity_at_each_place(milk, as_viewer):
    assert rows(as_viewer, within_days=30) == [
        ("L-OLD", "WH1", 3, -22, True),
        ("L-SOON", "WH1", 4, 5, False),
        ("L-SOON", "WH2", 6, 5, False),
    ]


def test_a_wider_window_reaches_later_lots_and_filters_narrow_it(milk, as_viewer):
    assert [r[0] for r in rows(as_viewer, within_days=60)] == ["L-OLD", "L-SOON", "L-SOON", "L-LATE"]
    assert [r[0] for r in rows(as_viewer, within_days=0)] == ["L-OLD"]
    assert rows(as_viewer, within_days=30, location="WH2") == [("L-SOON", "WH2", 6, 5, False)]
    assert rows(as_viewer, within_days=30, item="DRILL") == []


def test_stock_that_left_is_not_reported(milk, as_clerk):
    shipped = {
        "item": "MILK",
        "quantity": 4,
        "from_location": "WH1",
        "tracking": [{"lot": "L-SOON", "quantity": 4}],
    }
    as_clerk.ok("/documents?post=true", shipment(shipped, posting_date="2026-11-20"))

    assert rows(as_clerk, within_days=30) == [("L-OLD", "WH1", 3, -22, True), ("L-SOON", "WH2", 6, 5, False)]


def test_the_report_pages_with_a_cursor(milk, as_viewer):
    first = as_viewer.get("/reports/expiring", params={"within_days": 60, "limit": 3}).json()
    second = as_viewer.get(
        "/reports/expiring", params={"within_days": 60, "limit": 3, "cursor": first["next_cursor"]}
    ).json()

    assert [r["lot"] for r in first["items"]] == ["L-OLD", "L-SOON", "L-SOON"]
    assert [r["lot"] for r in second["items"]] == ["L-LATE"]
    assert second["next_cursor"] is None


def test_the_whole_report_exports_as_csv(milk, as_viewer):
    response = as_viewer.get("/reports/expiring/export", params={"within_days": 30, "format": "csv"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    found = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["lot"], r["location"], r["quantity"], r["days_left"]) for r in found] == [
        ("L-OLD", "WH1", "3", "-22"),
        ("L-SOON", "WH1", "4", "5"),
        ("L-SOON", "WH2", "6", "5"),
    ]


@pytest.mark.parametrize(
    "params",
    [{"within_days": -1}, {"within_days": 100000}, {"cursor": "bm90LWEtY3Vyc29y"}, {"location": "NOPE"}],
)
def test_bad_report_parameters_are_refused(milk, as_viewer, params):
    response = as_viewer.get("/reports/expiring", params=params)

    assert response.status_code in (404, 422), response.text


def test_a_warehouse_reports_its_bins_unless_told_not_to(milk, as_admin, as_clerk):
    as_admin.created("/locations", {"code": "WH1-B1", "name": "Bin 1", "parent": "WH1"})
    as_clerk.ok(
        "/documents?post=true",
        receipt(lot_in("L-BIN", 2, "2026-11-25", to="WH1-B1"), posting_date="2026-10-01"),
    )

    with_bins = rows(as_clerk, within_days=30, location="WH1")
    alone = rows(as_clerk, within_days=30, location="WH1", include_children="false")

    assert [(r[0], r[1]) for r in with_bins] == [("L-OLD", "WH1"), ("L-BIN", "WH1-B1"), ("L-SOON", "WH1")]
    assert [(r[0], r[1]) for r in alone] == [("L-OLD", "WH1"), ("L-SOON", "WH1")]
