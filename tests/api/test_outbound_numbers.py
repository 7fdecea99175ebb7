"""Numbers given on the way out, over HTTP: a phone received untracked ships with serials typed
or assigned on the shipment, and can then be looked up, traced and returned by them."""

from __future__ import annotations

import pytest

from tests.api.conftest import receipt, shipment


@pytest.fixture
def phones(world, as_clerk):
    world.created("/number-series", {"code": "PSN", "pattern": "P-{seq:4}"})
    world.created(
        "/tracking-codes", {"code": "SN-OUT", "serial": {"outbound": True}, "warranty_formula": "1Y"}
    )
    world.created(
        "/items", {"sku": "PHONE", "name": "Phone", "tracking_code": "SN-OUT", "serial_series": "PSN"}
    )
    as_clerk.ok("/documents?post=true", receipt({"item": "PHONE", "quantity": 4, "to_location": "WH1"}))
    return world


def phones_out(*serials: str, **line: object) -> dict:
    return {
        "item": "PHONE",
        "quantity": len(serials),
        "from_location": "WH1",
        "tracking": [{"serial": s} for s in serials],
        **line,
    }


def test_a_phone_received_untracked_ships_with_the_serial_typed_on_the_shipment(phones, as_clerk, as_viewer):
    posted = as_clerk.post("/documents?post=true", shipment(phones_out("IMEI-1")))

    card = as_viewer.get("/items/PHONE/serials/IMEI-1").json()
    stock = as_viewer.get("/availability", params={"item": "PHONE"}).json()

    assert posted.status_code == 201, posted.text
    assert (card["status"], card["holder"]) == ("delivered", "ACME")
    assert card["warranty_date"] is not None
    assert [h["type"] for h in card["history"]] == ["shipment", "shipment"]
    assert stock["on_hand"] == 3


def test_serials_are_assigned_on_the_shipment_from_the_series_or_a_run(phones, as_clerk):
    series = as_clerk.ok(
        "/documents?post=true",
        shipment({"item": "PHONE", "quantity": 2, "from_location": "WH1", "assign": {"serial": True}}),
    )
    run = as_clerk.ok(
        "/documents?post=true",
        shipment(
            {
                "item": "PHONE",
                "quantity": 2,
                "from_location": "WH1",
                "assign": {"serial": True, "start": "R-01", "count": 2},
            },
            partner="BETA",
        ),
    )

    assert [t["serial"] for t in series["lines"][0]["tracking"]] == ["P-0001", "P-0002"]
    assert [t["serial"] for t in run["lines"][0]["tracking"]] == ["R-01", "R-02"]


def test_a_shipped_serial_comes_back_by_its_number_from_its_customer(phones, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", shipment(phones_out("IMEI-1")))
    back = {
        "type": "return_receipt",
        "partner": "ACME",
        "lines": [{"item": "PHONE", "quantity": 1, "to_location": "WH1", "tracking": [{"serial": "IMEI-1"}]}],
    }

    wrong = as_clerk.post("/documents?post=true", {**back, "partner": "BETA"})
    right = as_clerk.post("/documents?post=true", back)

    assert wrong.json()["errors"][0]["code"] == "not_sold_to_partner"
    assert right.status_code == 201
    assert as_viewer.get("/items/PHONE/serials/IMEI-1").json()["location"] == "WH1"


def test_a_new_serial_that_exists_or_more_than_is_there_is_refused(phones, as_clerk):
    as_clerk.ok("/documents?post=true", shipment(phones_out("IMEI-1")))

    again = as_clerk.post("/documents?post=true", shipment(phones_out("IMEI-1"), partner="BETA"))
    short = as_clerk.post("/documents?post=true", shipment(phones_out("A", "B", "C", "D")))

    assert [e["code"] for e in again.json()["errors"]] == ["serial_exists"]
    assert [e["code"] for e in short.json()["errors"]] == ["insufficient_quantity"]


def test_specific_serials_still_must_be_in_stock_and_assign_on_their_shipment_picks_from_stock(
    phones, as_clerk
):
    typed = as_clerk.post(
        "/documents?post=true",
        shipment({"item": "DRILL", "quantity": 1, "from_location": "WH1", "tracking": [{"serial": "NEW"}]}),
    )
    assigned = as_clerk.post(
        "/documents?post=true",
        shipment({"item": "DRILL", "quantity": 1, "from_location": "WH1", "assign": {"serial": True}}),
    )

    assert typed.json()["errors"][0]["code"] == "serial_not_available"
    assert assigned.status_code == 422  # nothing in stock to pick: no new number is drawn
    assert assigned.json()["errors"][0]["code"] == "insufficient_quantity"
