"""`itemtrace import FILE` and `itemtrace export stock|ledger`, and the round trip between them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.conftest import Itemtrace
from tests.conftest import Databases

HEADER = "item,location,serial,lot,package,quantity,expiration_date,warranty_date"


def master_data(cli: Itemtrace) -> None:
    """The same master data, set up the same way, in any database."""
    cli.ok("tracking-codes", "create", "SN", "--serial-specific")
    cli.ok("tracking-codes", "create", "LOTX", "--lot-specific", "--use-expiration-dates")
    cli.ok("tracking-codes", "create", "PKG", "--package-specific")
    cli.ok("items", "create", "DRILL-X", "--name", "Cordless drill", "--tracking-code", "SN")
    cli.ok("items", "create", "MILK", "--name", "Milk", "--tracking-code", "LOTX")
    cli.ok("items", "create", "CRATE", "--name", "Crate", "--tracking-code", "PKG")
    cli.ok("items", "create", "SCREW", "--name", "Screw")
    cli.ok("locations", "create", "WH1", "--name", "Main warehouse")
    cli.ok("locations", "create", "WH1-A", "--name", "Bin A", "--parent", "WH1")
    cli.ok("locations", "create", "WH2", "--name", "Second warehouse")
    cli.ok("partners", "create", "ACME", "--name", "Acme Supply", "--kind", "vendor")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_posts_the_file_and_says_what_it_posted(itemtrace: Itemtrace, tmp_path: Path) -> None:
    master_data(itemtrace)
    source = write(tmp_path / "opening.csv", "item,serial\nDRILL-X,SN-1\nDRILL-X,SN-2\n")
    result = itemtrace.ok("import", str(source), "--location", "WH1")
    assert result.stdout.startswith("imported 2 row(s) from opening.csv: posted ADJ-")
    document = itemtrace.json(
        "import", str(write(tmp_path / "more.csv", "item,location,quantity\nSCREW,WH2,5\n"))
    )
    assert document["type"] == "adjustment" and document["import"]["rows"] == 1
    assert document["lines"][0]["to_location"] == "WH2"


def test_a_refused_import_lists_every_bad_row_and_writes_them_as_csv(
    itemtrace: Itemtrace, tmp_path: Path
) -> None:
    master_data(itemtrace)
    itemtrace.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1", "--partner", "ACME")
    source = write(
        tmp_path / "opening.csv",
        HEADER + "\nDRILL-X,WH1,SN-1,,,,,\nNOPE,WH1,,,,1,,\nSCREW,WH1,,,,many,,\n",
    )
    errors = tmp_path / "errors.csv"
    result = itemtrace("import", str(source), "--errors", str(errors))
    assert result.exit_code == 1
    # Every bad row at once: the rows read badly, the unknown names, and the posting rules on
    # the rows that were read (the serial received before).
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error[serial_exists]: row 2, serial: serial SN-1 of DRILL-X")
    assert lines[1:] == [
        "error[not_found]: row 3, item: item NOPE does not exist: create it first",
        "error[validation_error]: row 4, quantity: quantity 'many' is not a number",
        "nothing was imported (3 problem(s))",
        f"the bad rows are in {errors}",
    ]
    rows = list(csv.DictReader(io.StringIO(errors.read_text())))
    assert [(r["row"], r["column"], r["code"]) for r in rows] == [
        ("2", "serial", "serial_exists"),
        ("3", "item", "not_found"),
        ("4", "quantity", "validation_error"),
    ]
    as_json = json.loads(itemtrace("import", str(source), "--json").stdout)
    assert as_json["code"] == "serial_exists" and len(as_json["errors"]) == 3


def test_export_writes_csv_and_xlsx_files(itemtrace: Itemtrace, tmp_path: Path) -> None:
    master_data(itemtrace)
    itemtrace.ok(
        "import",
        str(write(tmp_path / "in.csv", HEADER + "\nSCREW,WH1-A,,,,7,,\nMILK,WH2,,L-1,,3,2027-01-31,\n")),
    )
    out = tmp_path / "stock.xlsx"
    said = itemtrace.json("export", "stock", "--output", str(out))
    assert said == {"file": str(out), "rows": 2}
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == tuple(HEADER.split(",")) and len(rows) == 3
    by_bin = itemtrace.ok("export", "stock", "--location", "WH1").stdout
    assert by_bin.splitlines() == [HEADER, "SCREW,WH1-A,,,,7,,"]
    ledger = itemtrace.ok("export", "ledger", "--item", "MILK").stdout
    assert [r["lot"] for r in csv.DictReader(io.StringIO(ledger))] == ["L-1"]
    assert itemtrace("export", "stock", "--format", "pdf").exit_code != 0


def test_round_trip_export_import_export_gives_the_same_file(
    itemtrace: Itemtrace, backend: str, databases: Databases, tmp_path: Path
) -> None:
    master_data(itemtrace)
    itemtrace.ok(
        "receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN/1", "--serial", "SN-2", "--partner", "ACME"
    )
    itemtrace.ok(
        "import",
        str(
            write(
                tmp_path / "first.csv",
                HEADER + "\n"
                "MILK,WH1-A,,L-1,,40.5,2027-01-31,\n"
                "MILK,WH2,,L-2,,3,,\n"
                "CRATE,WH2,,,P-1,2,,\n"
                "SCREW,WH1,,,,250,,\n"
                "DRILL-X,WH2,SN-3,,,,,2029-06-30\n",
            )
        ),
    )
    exported = tmp_path / "exported.csv"
    itemtrace.ok("export", "stock", "--output", str(exported))
    assert len(exported.read_text().splitlines()) == 8

    other = Itemtrace(databases.reusable_url(backend))
    try:
        master_data(other)
        other.ok("import", str(exported))
        again = tmp_path / "again.csv"
        other.ok("export", "stock", "--output", str(again))
        assert again.read_bytes() == exported.read_bytes()
    finally:
        other.close()
        databases.give_back(other.url)


def test_the_documented_sample_imports_as_it_is(itemtrace: Itemtrace) -> None:
    master_data(itemtrace)
    sample = Path(__file__).parents[2] / "docs" / "samples" / "opening-balances.csv"
    document = itemtrace.json("import", str(sample))
    assert document["import"]["rows"] == 6 and document["status"] == "posted"
    assert itemtrace.ok("export", "stock", "--item", "MILK").stdout.splitlines()[1:] == [
        "MILK,WH1,,L-2026-11,,40,2026-12-31,",
        "MILK,WH2,,L-2026-12,,25.5,2027-01-31,",
    ]


def test_json_output_has_no_progress_bar_even_when_forced(itemtrace: Itemtrace, tmp_path: Path) -> None:
    master_data(itemtrace)
    source = write(tmp_path / "in.csv", "item,location,quantity\nSCREW,WH1,5\n")
    shown = itemtrace.runner.run(
        ["import", str(source), "--json"],
        input=None,
        env={"ITEMTRACE_DATABASE_URL": itemtrace.url, "ITEMTRACE_PROGRESS": "1"},
    )
    assert shown.exit_code == 0 and shown.stderr == ""
    assert json.loads(shown.stdout)["import"]["rows"] == 1
