"""Fixtures: every storage test runs on SQLite and PostgreSQL inside a rolled-back transaction.

PostgreSQL is reached at 127.0.0.1:5432 as `postgres` (ITEMTRACE_TEST_PG_URL overrides); each
test run makes throwaway databases and drops them at the end. With CI=true a missing PostgreSQL
fails the run instead of skipping its half.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from itemtrace.domain.users import Role, User
from itemtrace.storage.engine import make_engine
from itemtrace.storage.schema import upgrade
from itemtrace.storage.unit_of_work import UnitOfWork

settings.register_profile(
    "itemtrace",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("itemtrace")

PG_SERVER = os.environ.get("ITEMTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
BACKENDS = ["sqlite", "postgresql"]
TODAY = date(2026, 11, 23)
CLERK = User("clerk", Role.CLERK)
ADMIN = User("admin", Role.ADMIN)


def now() -> datetime:
    return datetime.now(UTC)


def _pg_admin() -> psycopg.Connection[tuple[object, ...]]:
    dsn = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


def _pg_available() -> bool:
    try:
        with _pg_admin():
            return True
    except psycopg.OperationalError:
        return False


class Databases:
    """Makes throwaway databases of a backend and drops them at the end of the run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pg_names: list[str] = []
        self.engines: list[Engine] = []

    def url(self, backend: str) -> str:
        name = f"itemtrace_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite:///{self.root / (name + '.db')}"
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.pg_names.append(name)
        return f"{PG_SERVER}/{name}"

    def engine(self, backend: str) -> Engine:
        engine = make_engine(self.url(backend))
        upgrade(engine)
        self.engines.append(engine)
        return engine

    def drop_all(self) -> None:
        for engine in self.engines:
            engine.dispose()
        if self.pg_names:
            with _pg_admin() as admin:
                for name in self.pg_names:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def databases() -> Iterator[Databases]:
    with tempfile.TemporaryDirectory(prefix="itemtrace-test-") as root:
        made = Databases(Path(root))
        yield made
        made.drop_all()


def _require(backend: str) -> None:
    if backend == "postgresql" and not _pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI and is not reachable at {PG_SERVER}")
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER}")


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, databases: Databases) -> Engine:
    """One migrated database per backend for the whole run; tests never commit to it for real."""
    _require(request.param)
    return databases.engine(request.param)


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[Callable[[], object]]:
    """Sessions joined to an outer transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture
def uow(session_factory: sessionmaker) -> UnitOfWork:  # type: ignore[type-arg]
    return UnitOfWork(session_factory)


@pytest.fixture
def fresh_engine(request: pytest.FixtureRequest, databases: Databases) -> Callable[[str], Engine]:
    """A new, empty, migrated database whose commits are real: for threads and processes."""

    def make(backend: str) -> Engine:
        _require(backend)
        return databases.engine(backend)

    return make
