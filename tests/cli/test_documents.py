"""Posting from the command line: the shortcuts, `documents …`, refusals and their exit codes."""

from __future__ import annotations

import json

RECEIPT = {
    "type": "receipt",
    "partner": "ACME",
    "reference": "PO-1",
    "lines": [
        {
            "item": "DRILL-X",
            "quantity": 2,
            "to_location": "WH1",
            "tracking": [{"serial": "SN-1"}, {"serial": "SN-2"}],
        }
    ],
}


def test_receive_posts_a_receipt_and_prints_it_as_json(with_drills):
    document = with_drills.json(
        "receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2", "--partner", "ACME"
    )

    assert (document["type"], document["status"], document["partner"]) == ("receipt", "posted", "ACME")
    [line] = document["lines"]
    assert (line["item"], line["quantity"], line["from_location"], line["to_location"]) == (
        "DRILL-X",
        2,
        "SUPPLIER",
        "WH1",
    )
    assert [t["serial"] for t in line["tracking"]] == ["SN-1", "SN-2"]


def test_receive_with_a_customised_run_names_the_serials_from_the_start_number(with_drills):
    document = with_drills.json("receive", "DRILL-X", "3", "--to", "WH1", "--start", "S/N-Vend0001")

    [line] = document["lines"]
    assert [t["serial"] for t in line["tracking"]] == ["S/N-Vend0001", "S/N-Vend0002", "S/N-Vend0003"]


def test_shipping_a_serial_that_is_not_in_stock_exits_1_with_one_line_naming_the_rule(with_drills):
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")

    result = with_drills("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-9")

    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error[serial_not_available]: line 1: ")
    assert "SN-9" in line
    assert with_drills.json("check")["entries"] == 1


def test_a_refused_posting_with_json_prints_every_violation_as_a_problem_on_stdout(with_drills):
    result = with_drills(
        "ship",
        "DRILL-X",
        "--from",
        "WH1",
        "--partner",
        "CUST-01",
        "--serial",
        "SN-8",
        "--serial",
        "SN-9",
        "--json",
    )

    assert result.exit_code == 1
    problem = json.loads(result.stdout)
    assert problem["code"] == "serial_not_available"
    assert problem["detail"].endswith("(and 1 more problem(s))")
    assert [(e["line"], e["tracking"], e["code"]) for e in problem["errors"]] == [
        (1, "SN-8", "serial_not_available"),
        (1, "SN-9", "serial_not_available"),
    ]


def test_documents_create_reads_the_api_body_from_stdin_and_posts_it(with_drills):
    created = with_drills.json("documents", "create", "-", "--post", input=json.dumps(RECEIPT))

    shown = with_drills.json("documents", "show", created["number"])

    assert created["status"] == "posted"
    assert shown["id"] == created["id"]
    assert shown["reference"] == "PO-1"


def test_a_draft_can_be_posted_later_and_a_posted_document_cannot_be_cancelled(with_drills):
    draft = with_drills.json("documents", "create", "-", input=json.dumps(RECEIPT))

    posted = with_drills.json("documents", "post", str(draft["id"]))
    cancel = with_drills("documents", "cancel", str(draft["id"]))

    assert draft["status"] == "draft"
    assert posted["status"] == "posted"
    assert cancel.exit_code == 1
    assert cancel.stderr.startswith("error[document_not_draft]: ")


def test_a_document_that_is_not_valid_json_is_a_validation_error_on_one_line(with_drills):
    result = with_drills("documents", "create", "-", input='{"type": "receipt", "lines": []}')

    assert result.exit_code == 1
    assert (
        result.stderr
        == "error[validation_error]: lines: List should have at least 1 item after validation, not 0\n"
    )


def test_an_in_transit_transfer_is_completed_by_documents_receive(with_drills):
    with_drills.ok("locations", "create", "WH2", "--name", "Second warehouse")
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")

    shipped = with_drills.json(
        "transfer", "DRILL-X", "--from", "WH1", "--to", "WH2", "--serial", "SN-1", "--in-transit"
    )
    in_transit = with_drills.json("serial", "show", "DRILL-X", "SN-1")
    received = with_drills.json("documents", "receive", shipped["number"])
    arrived = with_drills.json("serial", "show", "DRILL-X", "SN-1")

    assert (shipped["transit_status"], in_transit["status"]) == ("in_transit", "in_transit")
    assert received["transit_status"] == "received"
    assert (arrived["status"], arrived["location"]) == ("available", "WH2")


def test_adjust_needs_exactly_one_of_to_and_from(with_drills):
    result = with_drills("adjust", "DRILL-X", "1", "--serial", "SN-1")

    assert result.exit_code == 2


def test_adjust_scrap_and_returns_move_stock_as_their_types_say(with_drills):
    with_drills.ok("adjust", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2")
    with_drills.ok("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1")
    with_drills.ok("return-receipt", "DRILL-X", "--to", "WH1", "--partner", "CUST-01", "--serial", "SN-1")
    with_drills.ok("return-shipment", "DRILL-X", "--from", "WH1", "--partner", "ACME", "--serial", "SN-1")
    with_drills.ok("scrap", "DRILL-X", "--from", "WH1", "--serial", "SN-2")

    listed = with_drills.json("serials", "list", "--item", "DRILL-X")

    assert [(s["serial"], s["status"]) for s in listed["items"]] == [
        ("SN-1", "returned_to_vendor"),
        ("SN-2", "scrapped"),
    ]
    assert with_drills.json("check")["ok"] is True


def test_a_bad_parameter_raised_by_a_command_is_one_line(with_drills):
    result = with_drills("adjust", "DRILL-X", "1", "--serial", "SN-1")

    [line] = result.stderr.splitlines()
    assert line.startswith("error[usage]: ")
    assert "give either --to" in line
