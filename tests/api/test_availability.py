"""Availability and reservations over HTTP: on hand, reserved by drafts, available; `reserved` refusals."""

from __future__ import annotations

from tests.api.conftest import receipt, serials_in, serials_out, shipment


def milk_in(lot: str, quantity: int, to: str = "WH1") -> dict:
    return {
        "item": "MILK",
        "quantity": quantity,
        "to_location": to,
        "tracking": [{"lot": lot, "quantity": quantity, "expiration_date": "2027-01-31"}],
    }


def milk_out(lot: str, quantity: int, source: str = "WH1") -> dict:
    return {
        "item": "MILK",
        "quantity": quantity,
        "from_location": source,
        "tracking": [{"lot": lot, "quantity": quantity}],
    }


def test_availability_sums_on_hand_reserved_and_available_by_lot(world, as_clerk, as_viewer):
    as_clerk.ok(
        "/documents?post=true", receipt(milk_in("L-1", 10), milk_in("L-2", 5), milk_in("L-1", 4, to="WH2"))
    )
    as_clerk.created("/documents", shipment(milk_out("L-1", 6)))

    everywhere = as_viewer.get("/availability", params={"item": "MILK"})
    at_wh1 = as_viewer.get("/availability", params={"item": "MILK", "location": "WH1", "lot": "L-1"})

    assert everywhere.status_code == 200
    assert everywhere.json() == {
        "item": "MILK",
        "location": None,
        "on_hand": 19,
        "reserved": 6,
        "available": 13,
        "expired": 0,
        "lots": [
            {"lot": "L-1", "on_hand": 14, "reserved": 6, "available": 8, "expired": 0},
            {"lot": "L-2", "on_hand": 5, "reserved": 0, "available": 5, "expired": 0},
        ],
    }
    assert at_wh1.json() == {
        "item": "MILK",
        "location": "WH1",
        "on_hand": 10,
        "reserved": 6,
        "available": 4,
        "expired": 0,
        "lots": [{"lot": "L-1", "on_hand": 10, "reserved": 6, "available": 4, "expired": 0}],
    }


def test_availability_of_a_serial_says_whether_an_open_document_reserved_it(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2")))
    as_clerk.created("/documents", shipment(serials_out("A1")))

    a1 = as_viewer.get("/availability", params={"item": "DRILL", "serial": "A1"}).json()
    a2 = as_viewer.get("/availability", params={"item": "DRILL", "serial": "A2"}).json()

    assert (a1["on_hand"], a1["reserved"], a1["available"]) == (1, 1, 0)
    assert (a2["on_hand"], a2["reserved"], a2["available"]) == (1, 0, 1)
    assert as_viewer.get("/items/DRILL/serials/A1").json()["status"] == "reserved"
    assert [
        r["serial"] for r in as_viewer.get("/serials", params={"status": "reserved"}).json()["items"]
    ] == ["A1"]


def test_availability_needs_an_item_that_exists(world, as_viewer):
    missing = as_viewer.get("/availability")
    unknown = as_viewer.get("/availability", params={"item": "NOPE"})

    assert (missing.status_code, missing.json()["code"]) == (422, "validation_error")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


def test_shipping_a_serial_another_draft_reserved_is_422_reserved_and_leaves_no_draft(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))
    first = as_clerk.created("/documents", shipment(serials_out("A1")))
    before = as_clerk.get("/documents").json()["items"]

    response = as_clerk.post("/documents?post=true", shipment(serials_out("A1"), partner="BETA"))

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["title"]) == ("reserved", "Posting refused")
    assert body["errors"] == [
        {
            "line": 1,
            "tracking": "A1",
            "code": "reserved",
            "detail": f"line 1: serial A1 of DRILL at WH1 is reserved by {first['number']}, an open document: "
            f"post or cancel {first['number']} first, or pick another serial",
        }
    ]
    assert as_clerk.get("/documents").json()["items"] == before


def test_cancelling_the_draft_makes_the_serial_available_again(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))
    first = as_clerk.created("/documents", shipment(serials_out("A1")))

    as_clerk.ok(f"/documents/{first['id']}/cancel")
    after = as_viewer.get("/availability", params={"item": "DRILL"}).json()

    assert (after["on_hand"], after["reserved"], after["available"]) == (1, 0, 1)
    assert (
        as_clerk.ok("/documents?post=true", shipment(serials_out("A1"), partner="BETA"))["status"] == "posted"
    )
