"""Trace, recall (run, list, show, export) and card genealogy through the API.

The world: glue lot L1 goes into sub-assembly lot S1, which goes into drills FG-1 (shipped to
ACME) and FG-2 (on the shelf at WH1). Everything is posted through POST /documents.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.api.conftest import API, receipt, serials_out, shipment


def consume(item: str, quantity: int, **tracking: Any) -> dict[str, Any]:
    return {
        "item": item,
        "quantity": quantity,
        "from_location": "WH1",
        "role": "consume",
        "tracking": [{**tracking, "quantity": quantity}] if "lot" in tracking else [tracking],
    }


def output(item: str, quantity: int, **tracking: Any) -> dict[str, Any]:
    return {
        "item": item,
        "quantity": quantity,
        "to_location": "WH1",
        "role": "output",
        "tracking": [{**tracking, "quantity": quantity}] if "lot" in tracking else [tracking],
    }


def assembly(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"type": "assembly", "posting_date": "2026-03-02", "lines": list(lines)}


@pytest.fixture
def genealogy(world, as_clerk):
    world.created("/tracking-codes", {"code": "LOT", "lot": {"specific": True}})
    world.created("/items", {"sku": "GLUE", "name": "Adhesive", "unit": "kg", "tracking_code": "LOT"})
    world.created("/items", {"sku": "SUB", "name": "Sub-assembly", "tracking_code": "LOT"})
    glue = {"item": "GLUE", "quantity": 10, "to_location": "WH1", "tracking": [{"lot": "L1"}]}
    as_clerk.ok("/documents?post=true", receipt(glue, posting_date="2026-03-01"))
    as_clerk.ok("/documents?post=true", assembly(consume("GLUE", 2, lot="L1"), output("SUB", 2, lot="S1")))
    for serial in ("FG-1", "FG-2"):
        as_clerk.ok(
            "/documents?post=true", assembly(consume("SUB", 1, lot="S1"), output("DRILL", 1, serial=serial))
        )
    return as_clerk.ok(
        "/documents?post=true", shipment(serials_out("FG-1"), posting_date="2026-03-03", reference="SO-1")
    )


# -- assembly documents -------------------------------------------------------------------------


def test_an_assembly_posts_through_the_api_with_roles_on_its_lines(genealogy, as_viewer):
    drill = as_viewer.get("/items/DRILL/serials/FG-2").json()
    sub = as_viewer.get("/items/SUB/lots/S1").json()

    assert (drill["status"], drill["location"]) == ("available", "WH1")
    assert sub["status"] == "consumed"
    assert [h["type"] for h in sub["history"]] == ["assembly", "assembly", "assembly"]


def test_an_assembly_keeps_the_role_of_each_line(world, as_clerk):
    glue = {"item": "SCREW", "quantity": 5, "to_location": "WH1"}
    as_clerk.ok("/documents?post=true", receipt(glue, posting_date="2026-03-01"))

    document = as_clerk.ok(
        "/documents?post=true",
        assembly(
            {"item": "SCREW", "quantity": 2, "from_location": "WH1", "role": "consume"},
            output("DRILL", 1, serial="A-1"),
        ),
    )

    assert [line["role"] for line in document["lines"]] == ["consume", "output"]


def test_an_unknown_role_is_a_validation_error(world, as_clerk):
    response = as_clerk.post(
        "/documents", assembly({"item": "SCREW", "quantity": 1, "from_location": "WH1", "role": "eat"})
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# -- trace --------------------------------------------------------------------------------------


def test_a_forward_trace_from_a_raw_lot_reaches_the_drills_and_the_customer(genealogy, as_viewer):
    response = as_viewer.get("/trace", params={"item": "GLUE", "lot": "L1"})

    assert response.status_code == 200
    graph = response.json()
    assert (graph["item"], graph["serial"], graph["lot"], graph["direction"], graph["depth"]) == (
        "GLUE",
        None,
        "L1",
        "forward",
        2,
    )
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert sorted(nodes) == ["DRILL/serial:FG-1", "DRILL/serial:FG-2", "GLUE/lot:L1", "SUB/lot:S1"]
    assert nodes["GLUE/lot:L1"] == {
        "id": "GLUE/lot:L1",
        "item": "GLUE",
        "serial": None,
        "lot": "L1",
        "package": None,
        "quantity": 8,
        "status": "available",
        "location": "WH1",
        "holder": None,
        "start": True,
    }
    assert (nodes["DRILL/serial:FG-1"]["status"], nodes["DRILL/serial:FG-1"]["holder"]) == (
        "delivered",
        "ACME",
    )
    consumed = sorted((e["from"], e["to"]) for e in graph["edges"] if e["kind"] == "consumed_into")
    assert consumed == [
        ("GLUE/lot:L1", "SUB/lot:S1"),
        ("SUB/lot:S1", "DRILL/serial:FG-1"),
        ("SUB/lot:S1", "DRILL/serial:FG-2"),
    ]
    [shipped] = [e for e in graph["edges"] if e["kind"] == "shipped_to"]
    assert shipped == {
        "from": "DRILL/serial:FG-1",
        "to": "partner:ACME",
        "kind": "shipped_to",
        "document": genealogy["number"],
        "type": "shipment",
        "date": "2026-03-03",
        "quantity": 1,
        "from_location": "WH1",
        "to_location": "CUSTOMER",
    }
    assert graph["partners"] == [
        {"code": "ACME", "name": "Acme", "kind": "customer"},
        {"code": "VEND", "name": "Vendor", "kind": "vendor"},
    ]


def test_a_backward_trace_from_a_drill_reaches_its_components_and_vendor(genealogy, as_viewer):
    graph = as_viewer.get(
        "/trace", params={"item": "DRILL", "serial": "FG-1", "direction": "backward"}
    ).json()

    assert sorted(n["id"] for n in graph["nodes"]) == ["DRILL/serial:FG-1", "GLUE/lot:L1", "SUB/lot:S1"]
    [received] = [e for e in graph["edges"] if e["kind"] == "received_from"]
    assert (received["from"], received["to"], received["quantity"]) == ("partner:VEND", "GLUE/lot:L1", 10)


def test_a_trace_stops_at_the_depth_asked(genealogy, as_viewer):
    graph = as_viewer.get("/trace", params={"item": "GLUE", "lot": "L1", "depth": 1}).json()

    assert sorted(n["id"] for n in graph["nodes"]) == ["GLUE/lot:L1", "SUB/lot:S1"]
    assert graph["depth"] == 1


def test_a_trace_past_max_nodes_is_refused_with_trace_too_large(genealogy, as_viewer):
    response = as_viewer.get("/trace", params={"item": "GLUE", "lot": "L1", "max_nodes": 2})

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "trace_too_large"
    assert "max_nodes" in problem["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"item": "GLUE"},
        {"item": "GLUE", "lot": "L1", "serial": "X"},
        {"item": "GLUE", "lot": "L1", "direction": "sideways"},
        {"item": "GLUE", "lot": "L1", "depth": 0},
        {"item": "GLUE", "lot": "L1", "max_nodes": 0},
        {"lot": "L1"},
    ],
)
def test_a_trace_needs_an_item_and_exactly_one_number(genealogy, as_viewer, params):
    response = as_viewer.get("/trace", params=params)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize("params", [{"item": "NOPE", "lot": "L1"}, {"item": "GLUE", "lot": "NOPE"}])
def test_a_trace_of_an_unknown_item_or_number_is_not_found(genealogy, as_viewer, params):
    response = as_viewer.get("/trace", params=params)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_trace_needs_a_token(genealogy, client):
    response = client.get(API + "/trace", params={"item": "GLUE", "lot": "L1"})

    assert response.status_code == 401


# -- recalls ------------------------------------------------------------------------------------


def test_a_recall_lists_customers_finished_goods_and_stock_on_hand(genealogy, as_clerk):
    response = as_clerk.post("/recalls", {"item": "GLUE", "lot": "L1", "reason": "contaminated"})

    assert response.status_code == 201
    report = response.json()
    assert (report["item"], report["lot"], report["serial"], report["reason"]) == (
        "GLUE",
        "L1",
        None,
        "contaminated",
    )
    assert (report["block"], report["blocked"], report["created_by"]) == (False, 0, "carl")
    assert report["customers"] == [
        {
            "partner": "ACME",
            "item": "DRILL",
            "serial": "FG-1",
            "lot": None,
            "quantity": 1,
            "date": "2026-03-03",
            "document": genealogy["number"],
            "contains": True,
        }
    ]
    assert sorted(
        (f["item"], f["serial"], f["lot"], f["status"], f["holder"]) for f in report["finished_goods"]
    ) == [
        ("DRILL", "FG-1", None, "delivered", "ACME"),
        ("DRILL", "FG-2", None, "available", None),
        ("SUB", None, "S1", "consumed", None),
    ]
    assert report["on_hand"] == [
        {"location": "WH1", "item": "DRILL", "serial": "FG-2", "lot": None, "quantity": 1},
        {"location": "WH1", "item": "GLUE", "serial": None, "lot": "L1", "quantity": 8},
    ]


def test_a_blocking_recall_stops_the_shipment_of_an_affected_drill(genealogy, as_clerk, as_viewer):
    report = as_clerk.ok("/recalls", {"item": "GLUE", "lot": "L1", "block": True, "reason": "bad glue"})

    response = as_clerk.post("/documents?post=true", shipment(serials_out("FG-2")))

    assert report["blocked"] == 2
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["tracking_blocked"]
    assert as_viewer.get("/items/GLUE/lots/L1").json()["status"] == "blocked"
    assert as_viewer.get("/items/DRILL/serials/FG-2").json()["blocked"] is True


def test_a_viewer_cannot_run_a_recall(genealogy, as_viewer):
    response = as_viewer.post("/recalls", {"item": "GLUE", "lot": "L1"})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    "body",
    [
        {"item": "GLUE"},
        {"item": "GLUE", "lot": "L1", "serial": "X"},
        {"lot": "L1"},
        {"item": "GLUE", "lot": "L1", "block": "maybe"},
    ],
)
def test_a_recall_needs_an_item_and_exactly_one_number(genealogy, as_clerk, body):
    response = as_clerk.post("/recalls", body)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_recall_of_an_unknown_lot_is_not_found_and_records_nothing(genealogy, as_clerk):
    response = as_clerk.post("/recalls", {"item": "GLUE", "lot": "NOPE"})

    assert response.status_code == 404
    assert as_clerk.get("/recalls").json() == {"items": [], "next_cursor": None}


def test_recalls_are_listed_newest_first_and_paged(genealogy, as_clerk, as_viewer):
    first = as_clerk.ok("/recalls", {"item": "GLUE", "lot": "L1", "reason": "one"})
    second = as_clerk.ok("/recalls", {"item": "DRILL", "serial": "FG-1", "reason": "two"})

    page1 = as_viewer.get("/recalls", params={"limit": 1}).json()
    page2 = as_viewer.get("/recalls", params={"limit": 1, "cursor": page1["next_cursor"]}).json()

    [newest] = page1["items"]
    [oldest] = page2["items"]
    assert (newest["id"], newest["reason"], newest["serial"]) == (second["id"], "two", "FG-1")
    assert (oldest["id"], oldest["partners"], oldest["delivery_count"]) == (first["id"], ["ACME"], 1)
    assert (oldest["finished_good_count"], oldest["on_hand_count"]) == (3, 2)
    assert page2["next_cursor"] is None


def test_a_recall_can_be_read_again_as_it_was_run(genealogy, as_clerk, as_viewer):
    report = as_clerk.ok("/recalls", {"item": "GLUE", "lot": "L1", "reason": "contaminated"})
    as_clerk.ok("/documents?post=true", shipment(serials_out("FG-2"), partner="BETA"))

    again = as_viewer.get(f"/recalls/{report['id']}")

    assert again.status_code == 200
    assert again.json() == report


def test_an_unknown_recall_is_not_found(genealogy, as_viewer):
    assert as_viewer.get("/recalls/999999").json()["code"] == "not_found"
    assert as_viewer.get("/recalls/999999/export").status_code == 404


def test_a_recall_exports_as_csv_with_one_row_per_customer_delivery_first(genealogy, as_clerk, as_viewer):
    report = as_clerk.ok("/recalls", {"item": "GLUE", "lot": "L1", "reason": "contaminated"})

    response = as_viewer.get(f"/recalls/{report['id']}/export", params={"format": "csv"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="recall-{report["id"]}.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [r["section"] for r in rows] == [
        "customer",
        "finished_good",
        "finished_good",
        "finished_good",
        "on_hand",
        "on_hand",
    ]
    customer = rows[0]
    assert {k: customer[k] for k in ("partner", "partner_name", "item", "serial", "quantity", "date")} == {
        "partner": "ACME",
        "partner_name": "Acme",
        "item": "DRILL",
        "serial": "FG-1",
        "quantity": "1",
        "date": "2026-03-03",
    }
    assert (customer["recall"], customer["recalled_item"], customer["recalled_lot"]) == (
        str(report["id"]),
        "GLUE",
        "L1",
    )
    assert (customer["document"], customer["contains"], customer["reason"]) == (
        genealogy["number"],
        "true",
        "contaminated",
    )
    assert [
        (r["location"], r["item"], r["lot"], r["quantity"]) for r in rows if r["section"] == "on_hand"
    ] == [
        ("WH1", "DRILL", "", "1"),
        ("WH1", "GLUE", "L1", "8"),
    ]


def test_a_recall_exports_as_xlsx(genealogy, as_clerk, as_viewer):
    report = as_clerk.ok("/recalls", {"item": "GLUE", "lot": "L1"})

    response = as_viewer.get(f"/recalls/{report['id']}/export", params={"format": "xlsx"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    first = dict(zip(header, rows[0], strict=True))
    assert (first["section"], first["partner"], first["serial"], first["quantity"]) == (
        "customer",
        "ACME",
        "FG-1",
        1,
    )
    assert isinstance(first["date"], datetime)
    assert first["date"].date().isoformat() == "2026-03-03"
    assert len(rows) == 6


def test_an_export_in_an_unknown_format_is_a_validation_error(genealogy, as_clerk, as_viewer):
    report = as_clerk.ok("/recalls", {"item": "GLUE", "lot": "L1"})

    response = as_viewer.get(f"/recalls/{report['id']}/export", params={"format": "pdf"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# -- card genealogy -----------------------------------------------------------------------------


def test_a_consumed_lot_card_shows_what_it_went_into(genealogy, as_viewer):
    card = as_viewer.get("/items/GLUE/lots/L1").json()

    [went] = card["genealogy"]["went_into"]
    assert {k: went[k] for k in ("item", "serial", "lot", "date", "quantity")} == {
        "item": "SUB",
        "serial": None,
        "lot": "S1",
        "date": "2026-03-02",
        "quantity": 2,
    }
    assert card["genealogy"]["made_from"] == []


def test_an_output_card_shows_its_components_and_what_it_went_into(genealogy, as_viewer):
    sub = as_viewer.get("/items/SUB/lots/S1").json()
    drill = as_viewer.get("/items/DRILL/serials/FG-1").json()

    assert [(g["item"], g["lot"]) for g in sub["genealogy"]["made_from"]] == [("GLUE", "L1")]
    assert [(g["item"], g["serial"], g["quantity"]) for g in sub["genealogy"]["went_into"]] == [
        ("DRILL", "FG-1", 1),
        ("DRILL", "FG-2", 1),
    ]
    assert [(g["item"], g["lot"], g["quantity"]) for g in drill["genealogy"]["made_from"]] == [
        ("SUB", "S1", 1)
    ]
    assert drill["genealogy"]["went_into"] == []
