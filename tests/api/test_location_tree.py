"""Warehouses and bins: a location filter counts the locations under it, at any depth, unless
`include_children=false`."""

from __future__ import annotations

import pytest

from tests.api.conftest import receipt, serials_in, serials_out, shipment


@pytest.fixture
def bins(world):
    """WH1 holds bin WH1-A, which holds shelf WH1-A1; WH2 is a warehouse of its own."""
    world.created("/locations", {"code": "WH1-A", "name": "Bin A", "parent": "WH1"})
    world.created("/locations", {"code": "WH1-A1", "name": "Shelf A1", "parent": "WH1-A"})
    return world


def screws(quantity: int, to: str) -> dict:
    return {"item": "SCREW", "quantity": quantity, "to_location": to}


def milk(lot: str, quantity: int, to: str) -> dict:
    return {
        "item": "MILK",
        "quantity": quantity,
        "to_location": to,
        "tracking": [{"lot": lot, "quantity": quantity, "expiration_date": "2027-01-31"}],
    }


def test_a_warehouse_counts_the_stock_and_reservations_of_its_bins(bins, as_clerk, as_viewer):
    as_clerk.ok(
        "/documents?post=true",
        receipt(screws(8, "WH1"), screws(1, "WH1-A"), screws(2, "WH1-A1"), screws(5, "WH2")),
    )
    as_clerk.created("/documents", shipment({"item": "SCREW", "quantity": 2, "from_location": "WH1-A1"}))

    warehouse = as_viewer.get("/availability", params={"item": "SCREW", "location": "WH1"}).json()
    alone = as_viewer.get(
        "/availability", params={"item": "SCREW", "location": "WH1", "include_children": "false"}
    ).json()
    bin_a = as_viewer.get("/availability", params={"item": "SCREW", "location": "WH1-A"}).json()

    assert (warehouse["on_hand"], warehouse["reserved"], warehouse["available"]) == (11, 2, 9)
    assert (alone["on_hand"], alone["reserved"], alone["available"]) == (8, 0, 8)
    assert (bin_a["on_hand"], bin_a["reserved"], bin_a["available"]) == (3, 2, 1)


def test_a_warehouse_lists_the_serials_and_lots_in_its_bins(bins, as_clerk, as_viewer):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            serials_in("S1"),
            serials_in("S2", to="WH1-A1"),
            serials_in("S3", to="WH2"),
            milk("L-1", 4, "WH1-A"),
        ),
    )

    serials = as_viewer.get("/serials", params={"location": "WH1"}).json()["items"]
    own = as_viewer.get("/serials", params={"location": "WH1", "include_children": "false"}).json()["items"]
    lots = as_viewer.get("/lots", params={"location": "WH1"}).json()["items"]
    no_lots = as_viewer.get("/lots", params={"location": "WH1", "include_children": "false"}).json()["items"]

    assert [(s["serial"], s["location"]) for s in serials] == [("S1", "WH1"), ("S2", "WH1-A1")]
    assert [s["serial"] for s in own] == ["S1"]
    assert [(lot["lot"], lot["location"]) for lot in lots] == [("L-1", "WH1-A")]
    assert no_lots == []


def test_a_bin_does_not_count_its_warehouse(bins, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("S1"), serials_in("S2", to="WH1-A")))
    as_clerk.ok("/documents?post=true", shipment(serials_out("S2", source="WH1-A")))

    shelf = as_viewer.get("/availability", params={"item": "DRILL", "location": "WH1-A"}).json()

    assert shelf["on_hand"] == 0


def test_an_unknown_location_is_not_found(world, as_viewer):
    response = as_viewer.get("/availability", params={"item": "SCREW", "location": "NOPE"})

    assert response.status_code == 404
