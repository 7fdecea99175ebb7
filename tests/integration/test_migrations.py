"""The Alembic migrations build exactly the schema the code declares, and step back down cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from itemtrace.storage.schema import alembic_config
from itemtrace.storage.tables import Base
from tests.conftest import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_migrated_database_matches_the_declared_tables_and_indexes(
    backend: str, fresh_engine: Callable[[str], Engine]
) -> None:
    engine = fresh_engine(backend)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert differences == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_genealogy_indexes_cover_a_trace_step_and_downgrade_restores_them(
    backend: str, fresh_engine: Callable[[str], Engine]
) -> None:
    engine = fresh_engine(backend)

    def columns(index: str) -> list[str]:
        found = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("genealogy_link")}
        return [str(c) for c in found[index]]

    key = ["item_id", "serial", "lot", "package"]
    assert columns("ix_genealogy_link_input") == [
        *(f"input_{c}" for c in key),
        *(f"output_{c}" for c in key),
        "document_id",
        "quantity",
    ]
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert columns("ix_genealogy_link_input") == [f"input_{c}" for c in key]
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert columns("ix_genealogy_link_output")[:8] == [
        *(f"output_{c}" for c in key),
        *(f"input_{c}" for c in key),
    ]
