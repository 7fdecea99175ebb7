"""Fixtures: every storage test runs on SQLite and PostgreSQL inside a rolled-back transaction.

PostgreSQL is reached at 127.0.0.1:5432 as `postgres` (ITEMTRACE_TEST_PG_URL overrides); each
test run makes throwaway databases and drops them at the end. With CI=true a missing PostgreSQL
fails the run instead of skipping its half.

Migrating costs far more than copying: each backend is migrated once per run (per xdist worker)
into a template, and every test that wants a migrated database of its own gets a copy of it
(PostgreSQL `CREATE DATABASE … TEMPLATE`, SQLite a file copy).

PostgreSQL's `DROP DATABASE` waits for a checkpoint (a few tenths of a second, more when the
server is busy), so a test's databases are dropped in a background thread as soon as it ends, and
a database a test only filled with data (the CLI's) is put back as the template left it instead:
every table emptied and the template's rows and sequence positions restored, in one transaction.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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
    """Makes throwaway databases of a backend; drops each when its test is done, the rest at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pg_names: list[str] = []
        self.engines: list[Engine] = []
        self.templates: dict[str, str] = {}  # backend -> migrated template (file path or database name)
        self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-database")
        self._drops: list[Future[None]] = []
        self._pg_seed: _Seed | None = None
        self._pg_free: list[str] = []  # reset copies of the PostgreSQL template, ready to reuse

    def url(self, backend: str, *, template: str | None = None) -> str:
        """A new database: empty, or a copy of `template` (a name `template()` returned)."""
        name = f"itemtrace_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            path = self.root / (name + ".db")
            if template is not None:
                shutil.copyfile(template, path)
            return f"sqlite:///{path}"
        with _pg_admin() as admin:
            copy = f' TEMPLATE "{template}"' if template is not None else ""
            admin.execute(f'CREATE DATABASE "{name}"{copy}')
        self.pg_names.append(name)
        return f"{PG_SERVER}/{name}"

    def template(self, backend: str) -> str:
        """The backend's migrated template, made on first use: nothing ever connects to it again."""
        if backend not in self.templates:
            url = self.url(backend)
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()  # closes every connection: SQLite folds its WAL back, PostgreSQL can copy
            if backend == "sqlite":
                path = url.removeprefix("sqlite:///")
                assert not Path(path + "-wal").exists(), "the template's WAL was not checkpointed"
                self.templates[backend] = path
            else:
                self.templates[backend] = url.rsplit("/", 1)[1]
                with _pg_connect(self.templates[backend]) as template:
                    self._pg_seed = _Seed.of(template)
        return self.templates[backend]

    def migrated_url(self, backend: str) -> str:
        """A new database at the schema's head, as `itemtrace init` leaves it."""
        return self.url(backend, template=self.template(backend))

    def engine(self, backend: str) -> Engine:
        engine = make_engine(self.migrated_url(backend))
        self.engines.append(engine)
        return engine

    def reusable_url(self, backend: str) -> str:
        """A migrated database, as `migrated_url`, for a test that changes rows only (never the
        schema): hand it back with `give_back`."""
        if backend == "postgresql" and self._pg_free:
            return self._pg_free.pop()
        return self.migrated_url(backend)

    def give_back(self, url: str) -> None:
        """Put a `reusable_url` database back as the template left it (PostgreSQL), or drop it."""
        if url.startswith("sqlite") or self._pg_seed is None:
            self.discard(url)
            return
        with _pg_connect(url.rsplit("/", 1)[1]) as database:
            self._pg_seed.restore(database)
        self._pg_free.append(url)

    def discard(self, url: str) -> None:
        """A test is done with the database at `url`: drop it (PostgreSQL) in the background."""
        if url.startswith("sqlite"):
            return  # the temporary directory goes at the end
        name = url.rsplit("/", 1)[1]
        self.pg_names.remove(name)
        self._drops.append(self._dropper.submit(_drop, name))

    def drop_all(self) -> None:
        for engine in self.engines:
            engine.dispose()
        self._dropper.shutdown(wait=True)
        for drop in self._drops:
            drop.result()  # a failed background drop fails the run's teardown, not silently
        for name in self.pg_names:
            _drop(name)


def _pg_connect(name: str) -> psycopg.Connection[tuple[object, ...]]:
    dsn = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/" + name
    return psycopg.connect(dsn, connect_timeout=5)


class _Seed:
    """What a migrated PostgreSQL template holds: its tables' rows and its sequences' positions."""

    def __init__(self, tables: list[str], rows: dict[str, bytes], sequences: dict[str, tuple[int, bool]]):
        self.tables = tables
        self.rows = rows
        self.sequences = sequences

    @classmethod
    def of(cls, database: psycopg.Connection[tuple[object, ...]]) -> _Seed:
        tables = [
            str(name)
            for (name,) in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        rows = {}
        for table in tables:
            with database.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
                data = b"".join(bytes(block) for block in copy)
            if data:
                rows[table] = data
        sequences = {}
        for (name,) in database.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"):
            position = database.execute(f'SELECT last_value, is_called FROM "{name}"').fetchone()
            assert position is not None
            sequences[str(name)] = (int(str(position[0])), bool(position[1]))
        database.rollback()
        return cls(tables, rows, sequences)

    def restore(self, database: psycopg.Connection[tuple[object, ...]]) -> None:
        """Every table as it was in the template, in one transaction; any other session is ended
        first (none should be left: the test closed its engines)."""
        database.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        names = ", ".join(f'"{table}"' for table in self.tables)
        database.execute(f"TRUNCATE {names} RESTART IDENTITY")
        for table, data in self.rows.items():
            with database.cursor().copy(f'COPY "{table}" FROM STDIN') as copy:
                copy.write(data)
        for name, (last, called) in self.sequences.items():
            database.execute("SELECT setval(%s, %s, %s)", (name, last, called))
        database.commit()


def _drop(name: str) -> None:
    with _pg_admin() as admin:
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
def uow(session_factory: sessionmaker) -> UnitOfWork:
    return UnitOfWork(session_factory)


@pytest.fixture
def fresh_engine(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Callable[[str], Engine]]:
    """A new, empty, migrated database whose commits are real: for threads and processes."""
    made: list[Engine] = []

    def make(backend: str) -> Engine:
        _require(backend)
        engine = databases.engine(backend)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.dispose()
        databases.discard(engine.url.render_as_string(hide_password=False))
