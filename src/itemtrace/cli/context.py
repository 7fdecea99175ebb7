"""What one `itemtrace` invocation shares: settings, the acting user, output mode, database, clock.

Storage (SQLAlchemy, Alembic) is imported when a command first needs them, not when
the command tree is built: `itemtrace --help` and `--version` start without them.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from itemtrace.config import Settings
from itemtrace.domain.errors import ErrorCode, ItemtraceError
from itemtrace.domain.users import User

PIPED_WIDTH = 200

if TYPE_CHECKING:  # the engine is only passed along; storage owns SQLAlchemy
    from rich.console import Console
    from sqlalchemy import Engine

    from itemtrace.storage.unit_of_work import UnitOfWork


class NoDatabase(ItemtraceError):
    """A command other than `init`, `demo` or `serve` named a SQLite file that is not there."""

    code = ErrorCode.NOT_FOUND
    title = "Not found"


class Cli:
    """Made once by the root callback (`ctx.obj`); commands reach it with `Cli.of(ctx)`."""

    def __init__(self, settings: Settings, *, user: User, json: bool = False) -> None:
        self.settings = settings
        self.user = user
        self.json = json
        self._engine: Engine | None = None
        self._read_engine: Engine | None = None  # the read replica's, made with the first unit of work

    @classmethod
    def of(cls, ctx: typer.Context) -> Cli:
        found = ctx.find_object(cls)
        if found is None:  # pragma: no cover - the root callback always sets it
            raise RuntimeError("the itemtrace root callback did not run")
        return found

    @property
    def console(self) -> Console:
        """A rich console, for commands that print with rich (imported on first use)."""
        from rich.console import Console

        return Console(highlight=False, width=self.width, soft_wrap=True)

    @property
    def width(self) -> int:
        """The terminal's columns (COLUMNS wins); piped output keeps whole rows up to 200 columns."""
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit() and int(columns) > 0:
            return int(columns)
        if sys.stdout.isatty():
            return shutil.get_terminal_size().columns
        return PIPED_WIDTH

    @property
    def engine(self) -> Engine:
        """The database; a read or a write never creates a SQLite file (only `init`, `demo`, `serve`)."""
        if self._engine is None:
            missing = sqlite_file(self.settings.database_url)
            if missing is not None and not missing.exists():
                raise NoDatabase(
                    f"no database at {missing}: run `itemtrace init` to create it, or point "
                    "ITEMTRACE_DATABASE_URL at an existing one"
                )
            self._engine = self._make_engine()
        return self._engine

    def _make_engine(self) -> Engine:
        from itemtrace.storage.engine import make_engine

        return make_engine(self.settings.database_url)

    def uow(self) -> UnitOfWork:
        from itemtrace.storage.engine import REPLICA_NAME, make_engine
        from itemtrace.storage.unit_of_work import UnitOfWork

        engine = self.engine
        if self._read_engine is None and self.settings.read_database_url:
            self._read_engine = make_engine(self.settings.read_database_url, application_name=REPLICA_NAME)
        return UnitOfWork.for_engine(
            engine, read_engine=self._read_engine, gs1_company_prefix=self.settings.gs1_company_prefix
        )

    def upgrade(self) -> None:
        """Create or upgrade the schema (`itemtrace init`); harmless when it is current."""
        from itemtrace.storage.schema import upgrade

        if self._engine is None:
            self._engine = self._make_engine()
        upgrade(self._engine)

    def close(self) -> None:
        for engine in (self._engine, self._read_engine):
            if engine is not None:
                engine.dispose()
        self._engine = self._read_engine = None

    # The clock is read here only, and passed to the services as arguments.
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """The local calendar date: postings are dated as the user's wall calendar says."""
        return datetime.now(UTC).astimezone().date()


def sqlite_file(url: str) -> Path | None:
    """The file of a `sqlite:///path` URL (None for other databases and in-memory SQLite)."""
    found = re.match(r"sqlite(\+\w+)?:///(?P<path>[^?]+)", url)
    if found is None or found["path"] == ":memory:":
        return None
    return Path(found["path"])


def hide_password(url: str) -> str:
    """`postgresql://user:secret@host/db` → `postgresql://user:***@host/db` (for printing)."""
    return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)
