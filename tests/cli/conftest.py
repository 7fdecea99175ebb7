"""CLI fixtures: `itemtrace` runs the Typer app (CliRunner) against a new database per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from itemtrace.cli.main import app
from itemtrace.storage.engine import make_engine
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, Databases, _require


class Itemtrace:
    """`itemtrace ARGS…` in-process, with ITEMTRACE_DATABASE_URL pointing at this test's database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()
        self._engines: list[Any] = []

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(app, list(args), input=input, env={"ITEMTRACE_DATABASE_URL": self.url})

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


@pytest.fixture
def itemtrace(empty_itemtrace: Itemtrace) -> Itemtrace:
    """A database after `itemtrace init`."""
    empty_itemtrace.ok("init")
    return empty_itemtrace


@pytest.fixture
def with_drills(itemtrace: Itemtrace) -> Itemtrace:
    """Master data for a serial-tracked drill: tracking code SN (2-year warranty), WH1, a vendor, a customer."""
    itemtrace.ok("tracking-codes", "create", "SN", "--serial-specific", "--warranty-formula", "2Y")
    itemtrace.ok("items", "create", "DRILL-X", "--name", "Cordless drill", "--tracking-code", "SN")
    itemtrace.ok("locations", "create", "WH1", "--name", "Main warehouse")
    itemtrace.ok("partners", "create", "ACME", "--name", "Acme Supply", "--kind", "vendor")
    itemtrace.ok("partners", "create", "CUST-01", "--name", "Northwind", "--kind", "customer")
    return itemtrace
