"""The Alembic migrations build exactly the schema the code declares, and step back down cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from itemtrace.domain.tracing import TraceDirection
from itemtrace.services import tracing
from itemtrace.storage.schema import alembic_config
from itemtrace.storage.tables import Base
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS
from tests.integration.test_tracing import given_genealogy, ids


def _migrate(engine: Engine, revision: str) -> None:
    with engine.connect() as connection:  # each migration commits on its own
        config = alembic_config()
        config.attributes["connection"] = connection
        if revision == "head":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


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
    _migrate(engine, "0002")
    assert columns("ix_genealogy_link_input") == [f"input_{c}" for c in key]
    _migrate(engine, "head")
    assert columns("ix_genealogy_link_output")[:8] == [
        *(f"output_{c}" for c in key),
        *(f"input_{c}" for c in key),
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_a_database_with_assemblies_keeps_its_traces_whole(
    backend: str, fresh_engine: Callable[[str], Engine]
) -> None:
    """0004 fills `genealogy_item` (which items a walk may step from) from the links already
    posted: a database upgraded from 0003 traces through its old assemblies as before."""
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_genealogy(uow)
    _migrate(engine, "0003")
    _migrate(engine, "head")

    forward = tracing.trace(uow, "GLUE", lot="L1")
    backward = tracing.trace(uow, "DRILL", serial="FG-1", direction=TraceDirection.BACKWARD)

    assert ids(forward) == ["DRILL/serial:FG-1", "DRILL/serial:FG-2", "GLUE/lot:L1", "SUB/lot:S1"]
    assert ids(backward) == ["DRILL/serial:FG-1", "GLUE/lot:L1", "SUB/lot:S1"]
