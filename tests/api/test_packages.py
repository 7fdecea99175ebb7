"""Packages as units through the API: assign a package number, move a package by its number,
trace and recall by package, the package card's contents."""

from __future__ import annotations

from tests.api.conftest import receipt


def test_a_receipt_assigns_a_package_number_and_a_transfer_moves_the_package_whole(world, as_admin, as_clerk):
    as_admin.created("/number-series", {"code": "PKGS", "pattern": "PKG-{seq:4}"})
    as_admin.created(
        "/items", {"sku": "CRATE", "name": "Crate", "tracking_code": "PKG", "package_series": "PKGS"}
    )

    received = as_clerk.ok(
        "/documents?post=true",
        receipt({"item": "CRATE", "quantity": 5, "to_location": "WH1", "assign": {"package": True}}),
    )
    [tracking] = received["lines"][0]["tracking"]
    moved = as_clerk.ok(
        "/documents?post=true",
        {
            "type": "transfer",
            "lines": [{"from_location": "WH1", "to_location": "WH2", "tracking": [{"package": "PKG-0001"}]}],
        },
    )
    card = as_clerk.get("/packages/PKG-0001").json()

    assert (tracking["package"], tracking["quantity"]) == ("PKG-0001", 5)
    assert [(line["item"], line["quantity"]) for line in moved["lines"]] == [("CRATE", 5)]
    assert [(c["item"], c["location"], c["quantity"]) for c in card["contents"]] == [("CRATE", "WH2", 5)]
    assert [h["type"] for h in card["history"]] == ["receipt", "transfer"]


def test_a_package_line_elsewhere_than_a_transfer_shipment_return_or_count_or_with_a_quantity_is_refused(
    world, as_clerk
):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "BOX",
                "quantity": 2,
                "to_location": "WH1",
                "tracking": [{"package": "P1", "quantity": 2}],
            }
        ),
    )

    on_scrap = as_clerk.post(
        "/documents", {"type": "scrap", "lines": [{"from_location": "WH1", "tracking": [{"package": "P1"}]}]}
    )
    with_quantity = as_clerk.post(
        "/documents",
        {
            "type": "transfer",
            "lines": [
                {"quantity": 2, "from_location": "WH1", "to_location": "WH2", "tracking": [{"package": "P1"}]}
            ],
        },
    )
    no_item_no_package = as_clerk.post(
        "/documents", {"type": "transfer", "lines": [{"from_location": "WH1", "to_location": "WH2"}]}
    )

    for refused in (on_scrap, with_quantity, no_item_no_package):
        assert (refused.status_code, refused.json()["code"]) == (422, "validation_error")


def test_a_count_of_a_package_found_whole_counts_only_that_package(world, as_clerk):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "BOX",
                "quantity": 5,
                "to_location": "WH1",
                "tracking": [{"package": "P1", "quantity": 2}, {"package": "P2", "quantity": 3}],
            }
        ),
    )

    draft = as_clerk.created(
        "/documents", {"type": "count", "lines": [{"to_location": "WH1", "tracking": [{"package": "P1"}]}]}
    )
    shown = as_clerk.get(f"/documents/{draft['id']}").json()
    posted = as_clerk.ok(f"/documents/{draft['id']}/post")

    [line] = shown["lines"]
    assert (line["item"], line["count_package"], line["quantity"]) == ("BOX", "P1", 2)
    assert (line["expected"]["quantity"], line["expected"]["difference"]) == (2, 0)
    assert as_clerk.get(f"/documents/{posted['id']}/entries").json() == []
    assert as_clerk.get("/availability", params={"item": "BOX"}).json()["on_hand"] == 5


def test_trace_and_recall_take_package(world, as_clerk):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "BOX",
                "quantity": 3,
                "to_location": "WH1",
                "tracking": [{"package": "P1", "quantity": 3}],
            }
        ),
    )
    as_clerk.ok(
        "/documents?post=true",
        {
            "type": "shipment",
            "partner": "ACME",
            "lines": [{"from_location": "WH1", "tracking": [{"package": "P1"}]}],
        },
    )

    traced = as_clerk.get("/trace", params={"item": "BOX", "package": "P1"})
    recalled = as_clerk.post("/recalls", {"item": "BOX", "package": "P1"})
    two = as_clerk.post("/recalls", {"item": "BOX", "package": "P1", "lot": "L1"})

    assert traced.status_code == 200
    assert [p["code"] for p in traced.json()["partners"]] == ["ACME", "VEND"]
    assert recalled.status_code == 201
    assert recalled.json()["package"] == "P1"
    assert [(c["partner"], c["quantity"]) for c in recalled.json()["customers"]] == [("ACME", 3)]
    assert (two.status_code, two.json()["code"]) == (422, "validation_error")
