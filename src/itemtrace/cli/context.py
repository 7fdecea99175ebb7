"""What one `itemtrace` invocation shares: settings, the acting user, output mode, database, clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from itemtrace.config import Settings
from itemtrace.domain.users import User
from itemtrace.storage.engine import make_engine
from itemtrace.storage.schema import upgrade
from itemtrace.storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:  # the engine is only passed along; storage owns SQLAlchemy
    from sqlalchemy import Engine


class Cli:
    """Made once by the root callback (`ctx.obj`); commands reach it with `Cli.of(ctx)`."""

    def __init__(self, settings: Settings, *, user: User, json: bool = False) -> None:
        self.settings = settings
        self.user = user
        self.json = json
        self.console = Console(highlight=False)
        if not self.console.is_terminal:
            # Piped or captured output keeps whole values on one line instead of 80 columns.
            self.console.width = 200
        self._engine: Engine | None = None

    @classmethod
    def of(cls, ctx: typer.Context) -> Cli:
        found = ctx.find_object(cls)
        if found is None:  # pragma: no cover - the root callback always sets it
            raise RuntimeError("the itemtrace root callback did not run")
        return found

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    def uow(self) -> UnitOfWork:
        return UnitOfWork.for_engine(self.engine)

    def upgrade(self) -> None:
        """Create or upgrade the schema (`itemtrace init`); harmless when it is current."""
        upgrade(self.engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # The clock is read here only, and passed to the services as arguments.
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """The local calendar date: postings are dated as the user's wall calendar says."""
        return datetime.now(UTC).astimezone().date()
