"""Trace and recall from the command line: tree, dot and JSON; recalls, their list and exports.

The world: battery lot B-1 goes into drills KIT-1 (shipped to CUST-01) and KIT-2 (on the shelf).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

ASSEMBLY = {
    "type": "assembly",
    "posting_date": "2026-03-02",
    "lines": [
        {
            "item": "BATT",
            "quantity": 2,
            "from_location": "WH1",
            "role": "consume",
            "tracking": [{"lot": "B-1", "quantity": 2}],
        },
        {
            "item": "DRILL-X",
            "quantity": 2,
            "to_location": "WH1",
            "role": "output",
            "tracking": [{"serial": "KIT-1"}, {"serial": "KIT-2"}],
        },
    ],
}


@pytest.fixture
def kits(with_drills):
    with_drills.ok("tracking-codes", "create", "LOT", "--lot-specific")
    with_drills.ok("items", "create", "BATT", "--name", "Battery pack", "--tracking-code", "LOT")
    with_drills.ok(
        "receive",
        "BATT",
        "10",
        "--to",
        "WH1",
        "--lot",
        "B-1",
        "--partner",
        "ACME",
        "--posting-date",
        "2026-03-01",
    )
    with_drills.ok("documents", "create", "-", "--post", input=json.dumps(ASSEMBLY))
    with_drills.ok(
        "ship",
        "DRILL-X",
        "--from",
        "WH1",
        "--partner",
        "CUST-01",
        "--serial",
        "KIT-1",
        "--posting-date",
        "2026-03-03",
    )
    return with_drills


def test_trace_prints_an_indented_tree_from_the_lot_to_the_drills_and_the_customer(kits):
    lines = kits.ok("trace", "BATT", "--lot", "B-1").stdout.splitlines()

    assert lines[0] == "BATT/lot:B-1  available  qty 8  at WH1"
    assert lines[1].startswith("  - received_from ACME (Acme Supply)  RCPT-")
    assert lines[2].startswith("  DRILL-X/serial:KIT-1  delivered  qty 1  held by CUST-01  [assembly ASM-")
    assert lines[3].startswith("    - shipped_to CUST-01 (Northwind)  SHIP-")
    assert lines[3].endswith("2026-03-03  qty 1")
    assert lines[4].startswith("  DRILL-X/serial:KIT-2  available  qty 1  at WH1  [assembly ASM-")
    assert len(lines) == 5


def test_a_backward_trace_puts_the_components_under_the_drill(kits):
    lines = kits.ok("trace", "DRILL-X", "--serial", "KIT-1", "--direction", "backward").stdout.splitlines()

    assert lines[0] == "DRILL-X/serial:KIT-1  delivered  qty 1  held by CUST-01"
    assert [line.split("  ")[1] for line in lines if line.startswith("  BATT")] == ["BATT/lot:B-1"]


def test_trace_as_dot_is_a_graphviz_digraph(kits):
    dot = kits.ok("trace", "BATT", "--lot", "B-1", "--format", "dot").stdout

    assert dot.startswith("digraph trace {\n")
    assert dot.rstrip().endswith("}")
    edges = re.findall(r'^  "([^"]+)" -> "([^"]+)" \[label="([a-z_]+)', dot, flags=re.MULTILINE)
    assert sorted(edges) == [
        ("BATT/lot:B-1", "DRILL-X/serial:KIT-1", "consumed_into"),
        ("BATT/lot:B-1", "DRILL-X/serial:KIT-2", "consumed_into"),
        ("DRILL-X/serial:KIT-1", "partner:CUST-01", "shipped_to"),
        ("partner:ACME", "BATT/lot:B-1", "received_from"),
    ]
    assert '"BATT/lot:B-1" [label="BATT/lot:B-1\\navailable qty 8\\nat WH1", style=bold];' in dot
    assert dot.count("{") == dot.count("}") == 1


def test_trace_as_json_has_the_api_shape(kits):
    graph = kits.json("trace", "BATT", "--lot", "B-1")

    assert sorted(n["id"] for n in graph["nodes"]) == [
        "BATT/lot:B-1",
        "DRILL-X/serial:KIT-1",
        "DRILL-X/serial:KIT-2",
    ]
    assert [p["code"] for p in graph["partners"]] == ["ACME", "CUST-01"]
    assert {e["kind"] for e in graph["edges"]} == {"consumed_into", "received_from", "shipped_to"}


def test_a_trace_past_max_nodes_fails_with_one_line(kits):
    result = kits("trace", "BATT", "--lot", "B-1", "--max-nodes", "1")

    assert result.exit_code == 1
    assert result.stderr.startswith("error[trace_too_large]: ")
    assert len(result.stderr.splitlines()) == 1


def test_a_trace_needs_exactly_one_number(kits):
    result = kits("trace", "BATT")

    assert result.exit_code == 1
    assert result.stderr.startswith("error[validation_error]: ")


def test_a_trace_of_an_unknown_lot_is_not_found(kits):
    result = kits("trace", "BATT", "--lot", "NOPE")

    assert result.exit_code == 1
    assert result.stderr.startswith("error[not_found]: ")


def test_a_blocking_recall_reports_and_blocks_what_is_still_on_hand(kits):
    report = kits.json("recall", "BATT", "--lot", "B-1", "--block", "--reason", "cells overheat")

    refused = kits("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "KIT-2")

    assert (report["reason"], report["block"], report["blocked"]) == ("cells overheat", True, 2)
    assert [(c["partner"], c["serial"], c["date"], c["contains"]) for c in report["customers"]] == [
        ("CUST-01", "KIT-1", "2026-03-03", True)
    ]
    assert [(o["location"], o["item"], o["quantity"]) for o in report["on_hand"]] == [
        ("WH1", "BATT", 8),
        ("WH1", "DRILL-X", 1),
    ]
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error[tracking_blocked]: ")


def test_a_recall_exports_csv_and_shows_it_was_written(kits, tmp_path):
    target = tmp_path / "recall.csv"

    result = kits.ok("recall", "BATT", "--lot", "B-1", "--export", str(target))

    assert result.stdout.rstrip().endswith(f"exported to {target}")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    [customer] = [r for r in rows if r["section"] == "customer"]
    assert (customer["partner"], customer["partner_name"], customer["serial"], customer["quantity"]) == (
        "CUST-01",
        "Northwind",
        "KIT-1",
        "1",
    )
    assert [r["section"] for r in rows].count("on_hand") == 2


def test_a_recorded_recall_is_listed_shown_and_exported_as_xlsx(kits, tmp_path):
    first = kits.json("recall", "BATT", "--lot", "B-1", "--reason", "one")
    target = tmp_path / "again.xlsx"

    listed = kits.json("recalls", "list")
    shown = kits.json("recalls", "show", str(first["id"]), "--export", str(target))

    [row] = listed["items"]
    assert (row["id"], row["reason"], row["partners"], row["delivery_count"]) == (
        first["id"],
        "one",
        ["CUST-01"],
        1,
    )
    assert shown == first
    sheet = load_workbook(target).worksheets[0]
    header, customer, *_ = list(sheet.iter_rows(values_only=True))
    assert dict(zip(header, customer, strict=True))["serial"] == "KIT-1"


def test_an_export_to_another_format_is_a_usage_error_and_runs_nothing(kits, tmp_path):
    result = kits("recall", "BATT", "--lot", "B-1", "--block", "--export", str(tmp_path / "r.pdf"))

    assert result.exit_code == 2
    assert "must end in .csv or .xlsx" in result.stderr
    assert kits.json("recalls", "list") == {"items": []}


def test_an_unknown_recall_is_not_found(kits):
    result = kits("recalls", "show", "999")

    assert result.exit_code == 1
    assert result.stderr.startswith("error[not_found]: ")


def test_a_lot_card_shows_what_the_lot_went_into(kits):
    card = kits.json("lot", "show", "BATT", "B-1")
    text = kits.ok("serial", "show", "DRILL-X", "KIT-2").stdout

    assert [(g["item"], g["serial"], g["date"]) for g in card["genealogy"]["went_into"]] == [
        ("DRILL-X", "KIT-1", "2026-03-02"),
        ("DRILL-X", "KIT-2", "2026-03-02"),
    ]
    assert "made_from" in text
    assert re.search(r"BATT\s+B-1\s+ASM-\S+\s+2026-03-02\s+2", text)
