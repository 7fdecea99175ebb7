"""`itemtrace init`, `demo`, `check`, `serve` and the program's entry points."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
import uvicorn
from sqlalchemy import text

from itemtrace.domain.errors import Unauthorized
from itemtrace.domain.users import Role, User
from itemtrace.services import users
from itemtrace.storage.engine import make_engine
from tests.cli.conftest import Itemtrace


def test_init_creates_the_schema_and_running_it_again_is_harmless(empty_itemtrace):
    first = empty_itemtrace("init")
    second = empty_itemtrace("init", "--json")

    assert first.exit_code == 0
    assert first.stdout == f"database ready: {empty_itemtrace.url}\n"
    assert second.exit_code == 0
    assert second.stdout.startswith("{")
    assert empty_itemtrace.json("items", "list") == {"items": []}


def test_init_prints_the_database_url_without_its_password():
    from itemtrace.cli.setup import hide_password

    assert hide_password("postgresql+psycopg://app:s3cret@db:5432/itemtrace") == (
        "postgresql+psycopg://app:***@db:5432/itemtrace"
    )
    assert hide_password("sqlite:////tmp/itemtrace.db") == "sqlite:////tmp/itemtrace.db"


def test_demo_if_empty_loads_the_demo_once(itemtrace):
    first = itemtrace.json("demo", "--if-empty")
    second = itemtrace.json("demo", "--if-empty")

    assert first == {"loaded": True, "items": 5, "documents": 11}
    assert second == {"loaded": False}
    assert len(itemtrace.json("documents", "list")["items"]) == 11
    assert itemtrace.json("check")["ok"] is True


def test_demo_serials_include_a_customised_run_and_a_delivered_drill(itemtrace):
    itemtrace.ok("demo")

    vendor_run = itemtrace.json("serials", "list", "--item", "DRILL-X", "--q", "Vend")
    delivered = itemtrace.json("serials", "list", "--item", "DRILL-X", "--status", "delivered")

    assert [s["serial"] for s in vendor_run["items"]] == ["S/N-Vend0001", "S/N-Vend0002", "S/N-Vend0003"]
    [drill] = delivered["items"]
    assert drill["holder"] == "CUST-01"


def test_check_reports_the_entries_and_ok_after_movements(with_drills):
    with_drills.ok("receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2")
    with_drills.ok("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1")

    human = with_drills("check")
    report = with_drills.json("check")

    assert human.exit_code == 0
    assert human.stdout == "ledger: 3 entries, balances OK\n"
    before, after = report.pop("checkpoint_before"), report.pop("checkpoint_after")
    assert report == {
        "mode": "full",
        "entries": 3,
        "keys": 2,
        "ok": True,
        "differences": [],
        "negative_balances": [],
        "serials_in_stock_twice": [],
    }
    assert before is not None  # the human-readable check just before left one
    assert after["last_entry_id"] == before["last_entry_id"] == 3
    assert (after["mode"], after["entries"], after["user"]) == ("full", 3, "system")


def test_check_since_checkpoint_covers_what_moved_after_the_last_good_check(with_drills):
    with_drills.ok("receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2")
    with_drills.ok("check")
    with_drills.ok("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1")

    human = with_drills("check", "--since-checkpoint")
    report = with_drills.json("check", "--since-checkpoint")

    assert human.stdout == "ledger: 1 entries since entry 2 (1 key), balances OK\n"
    assert (report["mode"], report["entries"], report["keys"]) == ("incremental", 0, 0)
    assert report["checkpoint_before"]["last_entry_id"] == 3
    assert report["checkpoint_after"]["mode"] == "incremental"


def test_serve_with_print_admin_token_prints_the_address_and_a_working_admin_token_first(
    itemtrace, monkeypatch
):
    served: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **_: served.append((host, port)))

    port = free_port()
    first = itemtrace.ok("serve", "--host", "127.0.0.1", "--port", str(port), "--print-admin-token")
    second = itemtrace.ok("serve", "--port", str(port), "--print-admin-token")

    lines = first.stdout.splitlines()
    assert lines[0] == f"itemtrace serving on http://127.0.0.1:{port}"
    assert lines[1].startswith("admin token: itk_")
    token = lines[1].removeprefix("admin token: ")
    new_token = second.stdout.splitlines()[1].removeprefix("admin token: ")
    assert served == [("127.0.0.1", port), ("127.0.0.1", port)]
    assert users.authenticate(itemtrace.uow(), new_token) == User("admin", Role.ADMIN)
    with pytest.raises(Unauthorized):
        users.authenticate(itemtrace.uow(), token)


def test_serve_with_print_admin_password_prints_a_password_the_admin_signs_in_with(itemtrace, monkeypatch):
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **_: None)

    port = free_port()
    first = itemtrace.ok("serve", "--port", str(port), "--print-admin-token", "--print-admin-password")
    second = itemtrace.ok("serve", "--port", str(port), "--print-admin-password")

    lines = first.stdout.splitlines()
    prefix = f"web UI: http://127.0.0.1:{port}/ - sign in as admin with password "
    assert lines[1].startswith("admin token: itk_")
    assert lines[2].startswith(prefix)
    old, new = lines[2].removeprefix(prefix), second.stdout.splitlines()[1].removeprefix(prefix)
    assert users.login(itemtrace.uow(), "admin", new) == User("admin", Role.ADMIN)
    with pytest.raises(Unauthorized):
        users.login(itemtrace.uow(), "admin", old)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_on_a_port_in_use_says_so_in_one_line_and_prints_no_address(itemtrace, monkeypatch):
    served: list[int] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **_: served.append(port))

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = itemtrace("serve", "--port", str(port), "--print-admin-token")

    assert result.exit_code == 1
    assert "serving on" not in result.stdout
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error[validation_error]: cannot listen on 127.0.0.1:{port}")
    assert "--port" in line
    assert served == []


def test_python_dash_m_itemtrace_runs_the_command_line_tool():
    result = subprocess.run(
        [sys.executable, "-m", "itemtrace", "--version"], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0
    assert result.stdout.startswith("itemtrace ")


def test_a_command_on_a_sqlite_file_that_is_not_there_says_so_and_creates_no_file(tmp_path):
    missing = tmp_path / "nothing-here.db"
    itemtrace = Itemtrace(f"sqlite:///{missing}")

    result = itemtrace("items", "list")

    assert result.exit_code == 1
    assert result.stderr == (
        f"error[not_found]: no database at {missing}: run `itemtrace init` to create it, or point "
        "ITEMTRACE_DATABASE_URL at an existing one\n"
    )
    assert not missing.exists()


def test_a_command_on_a_database_without_the_schema_fails_with_one_line_naming_init(empty_itemtrace):
    engine = make_engine(empty_itemtrace.url)
    with engine.begin() as connection:  # a database that exists, with a table but none of ours
        connection.execute(text("CREATE TABLE unrelated (id INTEGER)"))
    engine.dispose()

    result = empty_itemtrace("items", "list")

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error[internal]: ")
    assert line.endswith("has no itemtrace schema yet: run `itemtrace init`)")


def test_a_database_that_does_not_answer_is_named_without_the_init_hint():
    port = free_port()
    itemtrace = Itemtrace(f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/nothing")

    result = itemtrace("items", "list")

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(
        f"error[internal]: cannot use the database postgresql+psycopg://postgres:***@127.0.0.1:{port}/nothing: "
    )
    assert "init" not in line


def test_a_database_url_that_is_not_one_says_what_to_write():
    result = Itemtrace("mysqlx://somewhere/db")("items", "list")

    assert result.exit_code == 1
    assert result.stderr == (
        "error[internal]: ITEMTRACE_DATABASE_URL is not a database URL itemtrace can use "
        "(mysqlx://somewhere/db): write sqlite:///path/to/itemtrace.db or "
        "postgresql://user@host:5432/dbname\n"
    )


def test_demo_on_a_database_with_data_says_the_demo_needs_an_empty_one(itemtrace):
    itemtrace.ok("demo")

    again = itemtrace("demo")

    assert again.exit_code == 1
    assert again.stderr == (
        "error[already_exists]: the database already has items: the demo loads only into an empty "
        "database (--if-empty skips it quietly)\n"
    )
