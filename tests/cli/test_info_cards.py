"""Serial and lot cards from the command line: show, block, comment, history, search."""

from __future__ import annotations

import json


def test_a_shipped_serial_shows_as_delivered_with_its_holder_warranty_and_history(with_drills):
    with_drills.ok(
        "receive",
        "DRILL-X",
        "2",
        "--to",
        "WH1",
        "--serial",
        "SN-1",
        "--serial",
        "SN-2",
        "--partner",
        "ACME",
        "--posting-date",
        "2026-03-01",
    )
    with_drills.ok(
        "ship",
        "DRILL-X",
        "--from",
        "WH1",
        "--partner",
        "CUST-01",
        "--serial",
        "SN-1",
        "--posting-date",
        "2026-03-10",
    )

    card = with_drills.json("serial", "show", "DRILL-X", "SN-1")

    assert (card["item"], card["serial"], card["status"], card["holder"]) == (
        "DRILL-X",
        "SN-1",
        "delivered",
        "CUST-01",
    )
    assert card["warranty_date"] == "2028-03-10"
    assert card["blocked"] is False
    assert [(h["type"], h["from"], h["to"], h["partner"], h["quantity"]) for h in card["history"]] == [
        ("receipt", "SUPPLIER", "WH1", "ACME", 1),
        ("shipment", "WH1", "CUSTOMER", "CUST-01", 1),
    ]


def test_serial_show_prints_the_card_and_its_history_table(with_drills):
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "S/N-Vend0001")

    result = with_drills.ok("serial", "show", "DRILL-X", "S/N-Vend0001")

    assert "serial S/N-Vend0001" in result.stdout
    assert "available" in result.stdout
    assert "history" in result.stdout
    assert "RCPT-" in result.stdout


def test_a_blocked_serial_cannot_be_shipped_until_unblocked(with_drills):
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")
    blocked = with_drills.json("serial", "block", "DRILL-X", "SN-1")

    refused = with_drills("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1")
    with_drills.ok("serial", "unblock", "DRILL-X", "SN-1")
    shipped = with_drills("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1")

    assert (blocked["blocked"], blocked["status"]) == (True, "blocked")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error[tracking_blocked]: line 1: ")
    assert shipped.exit_code == 0


def test_a_comment_is_kept_with_the_user_who_wrote_it(with_drills):
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")

    card = json.loads(
        with_drills.ok(
            "--user", "maria", "serial", "comment", "DRILL-X", "SN-1", "scratch on the housing", "--json"
        ).stdout
    )

    [comment] = card["comments"]
    assert (comment["text"], comment["user"]) == ("scratch on the housing", "maria")


def test_history_and_lot_cards_of_a_lot_with_an_expiration_date(itemtrace):
    itemtrace.ok("tracking-codes", "create", "LOT", "--lot-specific", "--use-expiration-dates")
    itemtrace.ok("items", "create", "GLUE", "--name", "Glue", "--tracking-code", "LOT")
    itemtrace.ok("locations", "create", "WH1", "--name", "Main")
    itemtrace.ok("receive", "GLUE", "40", "--to", "WH1", "--lot", "L-1", "--expiration-date", "2027-01-31")
    itemtrace.ok("adjust", "GLUE", "2.5", "--from", "WH1", "--lot", "L-1")

    history = itemtrace.json("history", "GLUE", "--lot", "L-1")
    lot = itemtrace.json("lot", "show", "GLUE", "L-1")
    lots = itemtrace.json("lots", "list", "--item", "GLUE")

    assert [(h["type"], h["quantity"]) for h in history["items"]] == [("receipt", 40), ("adjustment", 2.5)]
    assert (lot["on_hand"], lot["expiration_date"]) == (37.5, "2027-01-31")
    assert lot["locations"] == [{"location": "WH1", "quantity": 37.5}]
    [row] = lots["items"]
    assert (row["lot"], row["quantity"], row["status"]) == ("L-1", 37.5, "available")


def test_a_lot_that_expired_in_2024_shows_as_expired_in_lot_show_lots_list_and_availability(itemtrace):
    itemtrace.ok("tracking-codes", "create", "LOT", "--lot-specific", "--use-expiration-dates")
    itemtrace.ok("items", "create", "GLUE", "--name", "Glue", "--tracking-code", "LOT")
    itemtrace.ok("locations", "create", "WH1", "--name", "Main")
    itemtrace.ok("receive", "GLUE", "10", "--to", "WH1", "--lot", "OLD", "--expiration-date", "2024-06-30")

    lot = itemtrace.json("lot", "show", "GLUE", "OLD")
    expired = itemtrace.json("lots", "list", "--status", "expired")
    found = itemtrace.json("availability", "GLUE")

    assert lot["status"] == "expired"
    assert [r["lot"] for r in expired["items"]] == ["OLD"]
    assert (found["on_hand"], found["expired"], found["available"]) == (10, 10, 0)


def test_global_json_option_works_before_the_command(with_drills):
    result = with_drills.ok("--json", "serials", "list")

    assert json.loads(result.stdout) == {"items": []}


def test_availability_json_shows_what_an_open_draft_reserves(with_drills, tmp_path):
    with_drills.ok("receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2")
    draft = tmp_path / "draft.json"
    draft.write_text(
        json.dumps(
            {
                "type": "shipment",
                "partner": "CUST-01",
                "lines": [
                    {
                        "item": "DRILL-X",
                        "quantity": 1,
                        "from_location": "WH1",
                        "tracking": [{"serial": "SN-1"}],
                    }
                ],
            }
        )
    )
    with_drills.ok("documents", "create", str(draft))

    found = with_drills.json("availability", "DRILL-X", "--location", "WH1")
    refused = with_drills("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1")

    assert found == {
        "item": "DRILL-X",
        "location": "WH1",
        "on_hand": 2,
        "reserved": 1,
        "available": 1,
        "expired": 0,
        "lots": [],
    }
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "error[reserved]: line 1: serial SN-1 of DRILL-X at WH1 is reserved by SHIP-"
    )
