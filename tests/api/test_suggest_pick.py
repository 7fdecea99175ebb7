"""`GET /suggest-pick`: which lots and serials to take, FEFO or FIFO, from a warehouse and its
bins, skipping blocked, expired and reserved stock (SPEC §5 shapes). The clock is pinned."""

from __future__ import annotations

import pytest

from tests.api.conftest import PINNED_TODAY, receipt, serials_in, shipment

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


# -- `assign` on outbound lines: the numbers come from the suggestion ------------------------------
def ship_assigned(quantity: int, source: str = "WH1", **assign) -> dict:
    return shipment(
        {"item": "MILK", "quantity": quantity, "from_location": source, "assign": assign or {"lot": True}}
    )


def test_a_shipment_asking_for_lots_is_filled_fefo_and_shows_what_it_took(milk, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(lot_in("L-MID", 5, "2026-12-20"), posting_date="2026-10-01"))

    posted = as_clerk.ok("/documents?post=true", ship_assigned(7))

    assert [(t["lot"], t["quantity"]) for t in posted["lines"][0]["tracking"]] == [
        ("L-MID", 5),
        ("L-LATE", 2),
    ]
    entries = as_clerk.get(f"/documents/{posted['id']}/entries").json()
    assert sorted((e["lot"], e["quantity"]) for e in entries) == [("L-LATE", 2), ("L-MID", 5)]


def test_a_draft_asking_for_lots_names_and_reserves_them(milk, as_clerk):
    draft = as_clerk.ok("/documents", ship_assigned(4))

    assert [(t["lot"], t["quantity"]) for t in draft["lines"][0]["tracking"]] == [("L-LATE", 4)]
    left, _ = picked(as_clerk, item="MILK", location="WH1", include_children="false", quantity=10)
    assert left == [("L-LATE", "WH1", 6, "2027-02-01")]  # what the draft holds is left out


def test_asking_for_more_than_is_free_is_insufficient_quantity_and_writes_nothing(milk, as_clerk):
    response = as_clerk.post("/documents?post=true", ship_assigned(11))

    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["line"], error["code"]) == (1, "insufficient_quantity")
    assert "1 of MILK more than is free to pick at WH1" in error["detail"]
    assert as_clerk.get("/documents").json()["items"][-1]["type"] == "receipt"


def test_serials_asked_for_are_the_oldest_received(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("S-2"), posting_date="2026-10-02"))
    as_clerk.ok("/documents?post=true", receipt(serials_in("S-1", "S-3"), posting_date="2026-10-01"))

    posted = as_clerk.ok(
        "/documents?post=true",
        shipment({"item": "DRILL", "quantity": 2, "from_location": "WH1", "assign": {"serial": True}}),
    )

    assert [t["serial"] for t in posted["lines"][0]["tracking"]] == ["S-1", "S-3"]
