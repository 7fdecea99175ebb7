"""Corrections from the command line: reverse, return, partial post and partial receive."""

from __future__ import annotations

import json


def test_documents_reverse_undoes_a_shipment_and_prints_the_reversal(with_drills):
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")
    shipped = with_drills.json("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1")

    reversal = with_drills.json("documents", "reverse", shipped["number"])
    twice = with_drills("documents", "reverse", str(shipped["id"]))

    assert (reversal["type"], reversal["reverses"]) == ("shipment", shipped["number"])
    card = with_drills.json("serial", "show", "DRILL-X", "SN-1")
    assert (card["status"], card["location"], card["holder"]) == ("available", "WH1", None)
    assert twice.exit_code == 1
    assert twice.stderr.startswith("error[not_reversible]: ")


def test_documents_return_builds_a_return_draft_from_a_shipment(with_drills):
    with_drills.ok("receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2")
    shipped = with_drills.json(
        "ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1", "--serial", "SN-2"
    )

    draft = with_drills.json("documents", "return", shipped["number"])

    assert (draft["type"], draft["status"], draft["partner"]) == ("return_receipt", "draft", "CUST-01")
    assert [t["serial"] for t in draft["lines"][0]["tracking"]] == ["SN-1", "SN-2"]


def test_documents_post_with_a_line_posts_that_part_and_keeps_the_rest(with_drills):
    with_drills.ok("receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2")
    order = {
        "type": "shipment",
        "partner": "CUST-01",
        "lines": [
            {
                "item": "DRILL-X",
                "quantity": 2,
                "from_location": "WH1",
                "tracking": [{"serial": "SN-1"}, {"serial": "SN-2"}],
            }
        ],
    }
    draft = with_drills.json("documents", "create", "-", input=json.dumps(order))

    part = with_drills.json("documents", "post", draft["number"], "--line", "1=1", "--serial", "SN-2")
    bad = with_drills("documents", "post", draft["number"], "--line", "one")
    rest = with_drills.json("documents", "show", draft["number"])

    assert (part["status"], part["from_draft"]) == ("posted", draft["number"])
    assert [t["serial"] for t in part["lines"][0]["tracking"]] == ["SN-2"]
    assert (rest["status"], rest["lines"][0]["quantity"]) == ("draft", 1)
    assert bad.exit_code != 0


def test_documents_receive_with_an_item_receives_a_part_of_a_transfer(with_drills):
    with_drills.ok("locations", "create", "WH2", "--name", "Second")
    with_drills.ok("receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2")
    moved = with_drills.json(
        "transfer",
        "DRILL-X",
        "--from",
        "WH1",
        "--to",
        "WH2",
        "--serial",
        "SN-1",
        "--serial",
        "SN-2",
        "--in-transit",
    )

    part = with_drills.json("documents", "receive", moved["number"], "--item", "DRILL-X", "--serial", "SN-1")

    assert [t["serial"] for t in part["still_in_transit"]] == ["SN-2"]
    assert part["transit_status"] == "in_transit"
