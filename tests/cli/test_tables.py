"""Tables for people fit the terminal: folded into records when too wide, never trailing spaces."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Itemtrace


@pytest.fixture
def stocked(with_drills: Itemtrace) -> Itemtrace:
    with_drills.ok(
        "receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-00000001", "--serial", "SN-00000002"
    )
    with_drills.ok("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-00000001")
    return with_drills


def at_width(itemtrace: Itemtrace, columns: int, *args: str) -> list[str]:
    result = itemtrace.runner.invoke(
        __import__("itemtrace.cli.main", fromlist=["app"]).app,
        list(args),
        env={"ITEMTRACE_DATABASE_URL": itemtrace.url, "COLUMNS": str(columns)},
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def test_a_serial_card_at_80_columns_keeps_every_field_name_and_value_whole(stocked):
    lines = at_width(stocked, 80, "serial", "show", "DRILL-X", "SN-00000001")

    assert max(len(line) for line in lines) <= 80
    assert [line for line in lines if line != line.rstrip()] == []
    history = lines[lines.index("history") :]
    assert [line for line in history if line.startswith("posting_date ")] != []
    assert [line.split()[1] for line in history if line.startswith("serial ")] == [
        "SN-00000001",
        "SN-00000001",
    ]


def test_a_list_wider_than_the_terminal_folds_into_one_block_per_row(stocked):
    lines = at_width(stocked, 60, "serials", "list")

    assert lines[0] == "serials"
    assert max(len(line) for line in lines) <= 60
    assert [line.split() for line in lines if line.startswith(("serial ", "status "))] == [
        ["serial", "SN-00000001"],
        ["status", "delivered"],
        ["serial", "SN-00000002"],
        ["status", "available"],
    ]


def test_a_list_that_fits_stays_a_table_with_a_header(stocked):
    lines = at_width(stocked, 200, "serials", "list")

    assert lines[0] == "serials"
    assert lines[1].split() == ["item", "serial", "status", "location", "holder", "quantity", "blocked"]
    assert [line.split()[:3] for line in lines[3:]] == [
        ["DRILL-X", "SN-00000001", "delivered"],
        ["DRILL-X", "SN-00000002", "available"],
    ]
    assert [line for line in lines if line != line.rstrip()] == []


def test_json_is_the_same_whatever_the_width(stocked):
    narrow = at_width(stocked, 40, "serials", "list", "--json")
    wide = at_width(stocked, 200, "serials", "list", "--json")

    assert narrow == wide
