"""Reclassification documents through the API: a rename, a merge refused with problem+json,
cards linking old and new numbers, a trace across the rename, new_* refused elsewhere."""

from __future__ import annotations

from tests.api.conftest import receipt


def milk_in(api, number: str, quantity: int, expires: str, to: str = "WH1") -> None:
    line = {
        "item": "MILK",
        "quantity": quantity,
        "to_location": to,
        "tracking": [{"lot": number, "quantity": quantity, "expiration_date": expires}],
    }
    api.created("/documents?post=true", receipt(line))


def read(api, path: str, **kwargs: object) -> dict:
    response = api.get(path, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def reclassification(*tracking: dict, source: str = "WH1", **line: object) -> dict:
    quantity = sum(t["quantity"] for t in tracking)
    return {
        "type": "reclassification",
        "lines": [
            {
                "item": "MILK",
                "quantity": quantity,
                "from_location": source,
                "tracking": list(tracking),
                **line,
            }
        ],
    }


def test_a_lot_rename_posts_and_both_cards_link_it(world, as_clerk):
    milk_in(world, "L1", 10, "2027-05-01")

    document = as_clerk.created(
        "/documents?post=true", reclassification({"lot": "L1", "quantity": 10, "new_lot": "L2"})
    )

    assert (document["type"], document["status"], document["number"][:5]) == (
        "reclassification",
        "posted",
        "RCLS-",
    )
    [line] = document["lines"]
    assert (line["from_location"], line["to_location"]) == ("WH1", "WH1")
    assert line["tracking"][0]["new_lot"] == "L2"
    old = read(as_clerk, "/items/MILK/lots/L1")
    new = read(as_clerk, "/items/MILK/lots/L2")
    assert (old["status"], old["on_hand"]) == ("renamed", 0)
    assert (new["status"], new["on_hand"], new["expiration_date"]) == ("available", 10, "2027-05-01")
    assert [(r["lot"], r["document"], r["quantity"]) for r in old["renamed_to"]] == [
        ("L2", document["number"], 10)
    ]
    assert [r["lot"] for r in new["renamed_from"]] == ["L1"]
    entries = read(as_clerk, f"/documents/{document['id']}/entries")
    assert [(e["lot"], e["from_location"], e["to_location"]) for e in entries] == [
        ("L1", "WH1", "RECLASSIFICATION"),
        ("L2", "RECLASSIFICATION", "WH1"),
    ]


def test_merging_lots_with_different_dates_is_a_422_reclass_rule_and_writes_nothing(world, as_clerk):
    milk_in(world, "L1", 3, "2027-05-01")
    milk_in(world, "L2", 5, "2027-06-01")

    response = as_clerk.post(
        "/documents?post=true",
        reclassification(
            {"lot": "L1", "quantity": 3, "new_lot": "L9"}, {"lot": "L2", "quantity": 5, "new_lot": "L9"}
        ),
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "reclass_rule"
    assert [(e["line"], e["tracking"], e["code"]) for e in problem["errors"]] == [(1, "L9", "reclass_rule")]
    assert as_clerk.get("/items/MILK/lots/L9").status_code == 404
    assert read(as_clerk, "/documents?type=reclassification")["items"] == []


def test_new_fields_on_another_document_type_are_a_validation_error(world, as_clerk):
    line = {"item": "MILK", "quantity": 1, "to_location": "WH1", "tracking": [{"lot": "L1", "new_lot": "L2"}]}

    response = as_clerk.post("/documents", receipt(line))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_reclassification_to_a_customer_is_a_validation_error(world, as_clerk):
    milk_in(world, "L1", 3, "2027-05-01")

    response = as_clerk.post(
        "/documents?post=true",
        reclassification({"lot": "L1", "quantity": 3, "new_lot": "L2"}, to_location="CUSTOMER"),
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_trace_forward_from_the_old_lot_crosses_the_rename(world, as_clerk):
    milk_in(world, "L1", 10, "2027-05-01")
    document = as_clerk.created(
        "/documents?post=true", reclassification({"lot": "L1", "quantity": 10, "new_lot": "L2"})
    )

    graph = read(as_clerk, "/trace", params={"item": "MILK", "lot": "L1", "direction": "forward"})

    assert {n["id"] for n in graph["nodes"]} == {"MILK/lot:L1", "MILK/lot:L2"}
    renames = [e for e in graph["edges"] if e["kind"] == "renamed_to"]
    assert [(e["from"], e["to"], e["document"]) for e in renames] == [
        ("MILK/lot:L1", "MILK/lot:L2", document["number"])
    ]


def test_a_recall_of_the_new_lot_blocks_the_stock_under_its_new_number(world, as_clerk):
    milk_in(world, "L1", 10, "2027-05-01")
    as_clerk.created("/documents?post=true", reclassification({"lot": "L1", "quantity": 10, "new_lot": "L2"}))

    report = as_clerk.created("/recalls", {"item": "MILK", "lot": "L1", "block": True})

    assert [(h["location"], h["lot"], h["quantity"]) for h in report["on_hand"]] == [("WH1", "L2", 10)]
    assert read(as_clerk, "/items/MILK/lots/L2")["blocked"] is True
