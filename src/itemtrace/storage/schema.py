"""Create or upgrade the schema with Alembic, and seed the virtual locations."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, select

from itemtrace.domain.masterdata import VIRTUAL_LOCATIONS
from itemtrace.storage.tables import LocationRow

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """`alembic upgrade head`, then make sure every virtual location exists. Safe to repeat.

    Each migration commits on its own (an index built concurrently cannot run in a transaction):
    an upgrade that fails part way leaves the database at the last migration that succeeded, and
    running it again continues from there."""
    with engine.connect() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.begin() as connection:
        existing = set(connection.scalars(select(LocationRow.code)))
        for kind, code in VIRTUAL_LOCATIONS.items():
            if code not in existing:
                connection.execute(
                    cast(Table, LocationRow.__table__)
                    .insert()
                    .values(code=code, name=code.title(), kind=kind.value)
                )
