"""Help, usage errors and refusals in the CLI's own words: what a user types, every problem named."""

from __future__ import annotations

import subprocess
import sys

from tests.cli.conftest import Itemtrace

HEAVY = ("openpyxl", "alembic", "uvicorn", "fastapi", "sqlalchemy", "pydantic", "rich")


def test_itemtrace_help_loads_no_storage_api_spreadsheet_or_server_modules():
    script = (
        "import sys\n"
        "sys.argv = ['itemtrace', '--help']\n"
        "from itemtrace.cli.main import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    loaded = set(done.stderr.split())
    assert done.stdout.startswith("Usage: itemtrace [OPTIONS] COMMAND [ARGS]...")
    assert sorted(loaded & set(HEAVY)) == []


def test_command_help_shows_what_to_type_not_python_types(with_drills):
    text = with_drills.ok("receive", "--help").stdout

    assert text.startswith("Usage: itemtrace receive [OPTIONS] ITEM QTY\n")
    assert "  --to TEXT " in text
    assert "  -s, --serial TEXT " in text
    assert "  --assign-serials  " in text
    assert "<" not in text
    assert "{" not in text


def test_help_lists_choices_and_document_numbers_as_they_are(with_drills):
    trace = with_drills.ok("trace", "--help").stdout
    show = with_drills.ok("documents", "show", "--help").stdout

    assert "--direction [forward|backward]" in trace
    assert "(RCPT-000001)" in show


def test_a_negative_quantity_is_called_one_not_an_unknown_option(with_drills):
    result = with_drills("receive", "DRILL-X", "-5", "--to", "WH1")

    assert result.exit_code == 2
    assert result.stderr == (
        "error[usage]: -5 is a negative number, not an option: quantities are positive (to take stock "
        "out, ship or scrap it, or `adjust ITEM QTY --from LOCATION`) (see `itemtrace receive --help`)\n"
    )


def test_a_refused_posting_prints_every_problem_on_a_line_of_its_own(with_drills):
    result = with_drills(
        "ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-8", "--serial", "SN-9"
    )

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        "error[serial_not_available]",
        "error[serial_not_available]",
    ]
    assert ["SN-8" in lines[0], "SN-9" in lines[1]] == [True, True]
    assert "more problem" not in result.stderr


def test_a_shortcut_refusal_names_the_options_to_give(with_drills):
    with_drills.ok("tracking-codes", "create", "LOTX", "--lot-specific", "--require-expiration-date")
    with_drills.ok("items", "create", "GLUE", "--name", "Glue", "--tracking-code", "LOTX")

    no_serial = with_drills("receive", "DRILL-X", "1", "--to", "WH1")
    no_date = with_drills("receive", "GLUE", "5", "--to", "WH1", "--lot", "L-1")

    assert no_serial.exit_code == 1
    assert no_serial.stderr.rstrip().endswith("name them with --serial or assign them from the item's series")
    assert no_date.exit_code == 1
    assert no_date.stderr.rstrip().endswith("give --expiration-date")
    assert "tracking line" not in no_serial.stderr + no_date.stderr


def test_receiving_a_transfer_twice_says_it_was_received(with_drills):
    with_drills.ok("locations", "create", "WH2", "--name", "Second warehouse")
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")
    shipped = with_drills.json(
        "transfer", "DRILL-X", "--from", "WH1", "--to", "WH2", "--serial", "SN-1", "--in-transit"
    )
    with_drills.ok("documents", "receive", shipped["number"])

    again = with_drills("documents", "receive", shipped["number"])

    assert again.exit_code == 1
    assert again.stderr == (
        f"error[document_not_draft]: transfer {shipped['number']} was already received: "
        "a transfer is received once\n"
    )


def test_a_user_name_taken_is_called_a_name(itemtrace: Itemtrace):
    itemtrace.ok("users", "add", "ann", "--role", "clerk")

    again = itemtrace("users", "add", "ann", "--role", "clerk")

    assert again.exit_code == 1
    assert again.stderr == "error[already_exists]: user ann already exists: pick another name\n"


def test_a_shortcut_naming_an_unknown_item_says_which(with_drills):
    result = with_drills("receive", "NOPE", "1", "--to", "WH1")

    assert result.exit_code == 1
    assert result.stderr == "error[validation_error]: line 1: item NOPE does not exist: create it first\n"
