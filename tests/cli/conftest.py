"""CLI fixtures: `itemtrace` runs the Typer app (CliRunner) against a new database per test.

The click command is built from the Typer app once per run (its subcommands, once each, as they
are first asked for), and a test's database is a copy of a template migrated once per run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from itemtrace.cli.main import app
from itemtrace.storage.engine import make_engine
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, Databases, _require

COMMAND = typer.main.get_command(app)  # typer's CliRunner.invoke would rebuild it on every call


class Runner(CliRunner):
    """Typer's CliRunner, running the command built once: the same isolation and the same result."""

    def run(self, args: list[str], *, input: str | None, env: dict[str, str]) -> Result:
        exception: BaseException | None = None
        exit_code, exc_info = 0, None
        with self.isolation(input=input, env=env) as (stdout, stderr, output):
            try:
                COMMAND.main(args=args, prog_name=self.get_default_prog_name(COMMAND))
            except SystemExit as done:
                code = done.code if done.code is not None else 0
                if code != 0:
                    exception, exc_info = done, sys.exc_info()
                if not isinstance(code, int):
                    sys.stdout.write(f"{code}\n")
                    code = 1
                exit_code = code
            except Exception as error:
                exception, exc_info, exit_code = error, sys.exc_info(), 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                # Read before the isolation ends: it closes the streams on the way out.
                captured = stdout.getvalue(), stderr.getvalue(), output.getvalue()
        return Result(
            runner=self,
            stdout_bytes=captured[0],
            stderr_bytes=captured[1],
            output_bytes=captured[2],
            return_value=None,
            exit_code=exit_code,
            exception=exception,
            exc_info=exc_info,  # type: ignore[arg-type]
        )


class Itemtrace:
    """`itemtrace ARGS…` in-process, with ITEMTRACE_DATABASE_URL pointing at this test's database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = Runner()
        self._engines: list[Any] = []

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.run(list(args), input=input, env={"ITEMTRACE_DATABASE_URL": self.url})

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, f"exit {result.exit_code}: {result.stderr or result.stdout}"
        return result

    def json(self, *args: str, input: str | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", input=input).stdout)

    def uow(self) -> UnitOfWork:
        engine = make_engine(self.url)
        self._engines.append(engine)
        return UnitOfWork.for_engine(engine)

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    _require(request.param)
    return str(request.param)


@pytest.fixture
def empty_itemtrace(backend: str, databases: Databases) -> Iterator[Itemtrace]:
    """A brand-new database on which `itemtrace init` has not run yet."""
    cli = Itemtrace(databases.url(backend))
    yield cli
    cli.close()
    databases.discard(cli.url)


@pytest.fixture
def itemtrace(backend: str, databases: Databases) -> Iterator[Itemtrace]:
    """A database after `itemtrace init` (a copy of the migrated template: the same schema and
    virtual locations `init` makes; `init` itself is tested on `empty_itemtrace`)."""
    cli = Itemtrace(databases.reusable_url(backend))
    yield cli
    cli.close()
    databases.give_back(cli.url)


@pytest.fixture
def with_drills(itemtrace: Itemtrace) -> Itemtrace:
    """Master data for a serial-tracked drill: tracking code SN (2-year warranty), WH1, a vendor, a customer."""
    itemtrace.ok("tracking-codes", "create", "SN", "--serial-specific", "--warranty-formula", "2Y")
    itemtrace.ok("items", "create", "DRILL-X", "--name", "Cordless drill", "--tracking-code", "SN")
    itemtrace.ok("locations", "create", "WH1", "--name", "Main warehouse")
    itemtrace.ok("partners", "create", "ACME", "--name", "Acme Supply", "--kind", "vendor")
    itemtrace.ok("partners", "create", "CUST-01", "--name", "Northwind", "--kind", "customer")
    return itemtrace
