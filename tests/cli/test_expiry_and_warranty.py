"""Expiry and warranty from the command line: `report expiring`, `service add`, the card's warranty and
service log, `report warranty`. Dates are relative to today (the CLI uses the wall clock)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def test_a_service_is_logged_and_the_warranty_ending_soon_is_reported(with_drills):
    today = date.today()
    shipped_on = today - relativedelta(years=2) + timedelta(days=10)  # DRILL-X: 2-year warranty
    with_drills.ok(
        "receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2",
        "--partner", "ACME", "--posting-date", (shipped_on - timedelta(days=5)).isoformat(),
    )  # fmt: skip
    with_drills.ok(
        "ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1",
        "--posting-date", shipped_on.isoformat(),
    )  # fmt: skip

    card = with_drills.json("service", "add", "DRILL-X", "SN-1", "--kind", "repair", "--note", "new chuck")
    report = with_drills.json("report", "warranty", "--within-days", "30")

    assert card["warranty"] == {
        "date": (today + timedelta(days=10)).isoformat(),
        "status": "active",
        "days_left": 10,
    }
    assert [(s["kind"], s["note"]) for s in card["service_log"]] == [("repair", "new chuck")]
    assert [(r["customer"], r["serial"], r["days_left"]) for r in report["items"]] == [
        ("CUST-01", "SN-1", 10)
    ]


def test_a_replacement_of_a_different_kind_is_a_one_line_error(with_drills):
    with_drills.ok("receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2")

    result = with_drills("service", "add", "DRILL-X", "SN-1", "--kind", "repair", "--replacement", "SN-2")

    assert result.exit_code == 1
    assert "only a replacement names a replacement serial" in result.stderr


def test_report_expiring_lists_the_expired_first_and_exports_the_file(with_drills, tmp_path):
    today = date.today()
    with_drills.ok("tracking-codes", "create", "LOTX", "--lot-specific", "--use-expiration-dates")
    with_drills.ok("items", "create", "GLUE", "--name", "Glue", "--tracking-code", "LOTX")
    for lot, days in (("G-LATE", 20), ("G-OLD", -3)):
        with_drills.ok(
            "receive", "GLUE", "5", "--to", "WH1", "--lot", lot, "--partner", "ACME",
            "--expiration-date", (today + timedelta(days=days)).isoformat(),
            "--posting-date", (today - timedelta(days=10)).isoformat(),
        )  # fmt: skip
    target = tmp_path / "expiring.csv"

    report = with_drills.json("report", "expiring", "--within-days", "30")
    with_drills.ok("report", "expiring", "--export", str(target))

    assert [(r["lot"], r["days_left"], r["expired"]) for r in report["items"]] == [
        ("G-OLD", -3, True),
        ("G-LATE", 20, False),
    ]
    assert target.read_text().splitlines()[1].split(",")[3:6] == ["GLUE", "WH1", "G-OLD"]


def test_suggest_pick_names_the_lots_to_take_earliest_expiry_first(with_drills):
    today = date.today()
    with_drills.ok("tracking-codes", "create", "LOTX", "--lot-specific", "--use-expiration-dates")
    with_drills.ok("items", "create", "GLUE", "--name", "Glue", "--tracking-code", "LOTX")
    for lot, days in (("G-LATE", 90), ("G-SOON", 20)):
        with_drills.ok(
            "receive", "GLUE", "5", "--to", "WH1", "--lot", lot, "--partner", "ACME",
            "--expiration-date", (today + timedelta(days=days)).isoformat(),
        )  # fmt: skip

    found = with_drills.json("suggest-pick", "GLUE", "7", "--location", "WH1")
    shown = with_drills.ok("suggest-pick", "GLUE", "7")

    assert [(p["lot"], p["quantity"]) for p in found["items"]] == [("G-SOON", 5), ("G-LATE", 2)]
    assert found["strategy"] == "fefo"
    assert "G-SOON" in shown.stdout


def test_a_shipment_assigned_from_the_suggestion_lists_its_lots_in_documents_entries(with_drills):
    today = date.today()
    with_drills.ok("tracking-codes", "create", "LOTX", "--lot-specific", "--use-expiration-dates")
    with_drills.ok("items", "create", "GLUE", "--name", "Glue", "--tracking-code", "LOTX")
    for lot, days in (("G-LATE", 90), ("G-SOON", 20)):
        with_drills.ok(
            "receive", "GLUE", "5", "--to", "WH1", "--lot", lot, "--partner", "ACME",
            "--expiration-date", (today + timedelta(days=days)).isoformat(),
        )  # fmt: skip
    body = {
        "type": "shipment",
        "partner": "CUST-01",
        "lines": [{"item": "GLUE", "quantity": 7, "from_location": "WH1", "assign": {"lot": True}}],
    }
    posted = with_drills.json("documents", "create", "--post", "-", input=json.dumps(body))

    entries = with_drills.json("documents", "entries", posted["number"])

    assert sorted((e["lot"], e["quantity"]) for e in entries["items"]) == [("G-LATE", 2), ("G-SOON", 5)]
