"""`GET /api/v1/exports/epcis`: the ledger as an EPCIS 2.0 JSON-LD document for a viewer."""

from __future__ import annotations

import json

from tests.api.conftest import receipt, serials_in, serials_out, shipment
from tests.epcis_schema import schema_errors

BASE = "https://itemtrace.example/id"


def test_a_viewer_gets_the_ledger_as_an_epcis_document(world, as_viewer):
    world.ok("/documents?post=true", receipt(serials_in("S-1", "S-2")))
    world.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "MILK",
                "quantity": 5,
                "to_location": "WH1",
                "tracking": [{"lot": "M1", "quantity": 5, "expiration_date": "2030-01-01"}],
            }
        ),
    )
    shipped = world.ok("/documents?post=true", shipment(serials_out("S-1")))

    response = as_viewer.get("/exports/epcis")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    document = response.json()
    assert schema_errors(document) == []
    events = document["epcisBody"]["eventList"]
    assert [(e["type"], e["action"], e["bizStep"]) for e in events] == [
        ("ObjectEvent", "ADD", "receiving"),
        ("ObjectEvent", "ADD", "receiving"),
        ("ObjectEvent", "OBSERVE", "shipping"),
    ]
    assert events[1]["quantityList"] == [
        {"epcClass": f"{BASE}/item/MILK/lot/M1", "quantity": 5, "uom": "LTR"}
    ]
    assert events[2]["bizTransactionList"] == [
        {"type": "desadv", "bizTransaction": f"{BASE}/document/{shipped['number']}"}
    ]


def test_filters_by_item_and_posting_dates(world, as_viewer):
    world.ok("/documents?post=true", receipt(serials_in("S-1"), posting_date="2026-11-01"))
    world.ok(
        "/documents?post=true",
        receipt({"item": "SCREW", "quantity": 9, "to_location": "WH1"}, posting_date="2026-11-02"),
    )

    screws = as_viewer.get("/exports/epcis", params={"item": "SCREW"}).json()
    first_day = as_viewer.get("/exports/epcis", params={"from": "2026-11-01", "to": "2026-11-01"}).json()

    assert [e["quantityList"] for e in screws["epcisBody"]["eventList"]] == [
        [{"epcClass": f"{BASE}/item/SCREW", "quantity": 9}]
    ]
    assert [e["epcList"] for e in first_day["epcisBody"]["eventList"]] == [[f"{BASE}/item/DRILL/serial/S-1"]]


def test_refusals_are_problems_not_half_documents(world, as_viewer, client):
    unknown = as_viewer.get("/exports/epcis", params={"item": "NOPE"})
    backwards = as_viewer.get("/exports/epcis", params={"from": "2026-11-02", "to": "2026-11-01"})
    not_a_date = as_viewer.get("/exports/epcis", params={"from": "yesterday"})
    anonymous = client.get("/api/v1/exports/epcis")

    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert (backwards.status_code, backwards.json()["code"]) == (422, "validation_error")
    assert (not_a_date.status_code, not_a_date.json()["code"]) == (422, "validation_error")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthorized")
    assert unknown.headers["content-type"] == "application/problem+json"


def test_the_body_is_streamed_json_that_parses_as_it_is_written(world, as_viewer):
    world.ok("/documents?post=true", receipt(serials_in("S-1")))

    with as_viewer.client.stream("GET", "/api/v1/exports/epcis", headers=as_viewer.headers) as response:
        text = "".join(response.iter_text())

    assert json.loads(text)["type"] == "EPCISDocument"
