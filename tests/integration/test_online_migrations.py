"""Upgrading a database that is in use: indexes on big tables are built without blocking writes,
and DDL that must lock gives up after `online.LOCK_TIMEOUT` instead of stalling every writer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from itemtrace.storage.schema import alembic_config, upgrade
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.world import given_world, lot, receive

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()  # the newest migration
INDEX = "ix_balance_tracking_key"  # built by migration 0018 with `create_index_concurrently`


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    with engine.connect() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll until `condition` holds (this asserts an order of events, not a duration)."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def _scalar(connection: Connection, sql: str) -> object:
    value = connection.execute(text(sql)).scalar()
    connection.rollback()
    return value


def test_the_index_build_waits_for_a_long_write_transaction_without_blocking_other_writes(fresh_engine):
    engine = fresh_engine("postgresql")
    given_world(uow := UnitOfWork.for_engine(engine))
    receive(uow, "GLUE", lot("L1", 5))
    _migrate(engine, "0014", down=True)

    with engine.connect() as long_writer, engine.connect() as observer, engine.connect() as writer:
        # A posting that takes its time: it has written the balance and not committed.
        long_writer.execute(text("UPDATE balance SET quantity = quantity + 1000 WHERE lot = 'L1'"))
        failures: list[BaseException] = []

        def run_upgrade() -> None:
            try:
                upgrade(engine)
            except BaseException as error:  # reported by the test below
                failures.append(error)

        migration = threading.Thread(target=run_upgrade)
        migration.start()
        building = (
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            f"AND query LIKE 'CREATE %INDEX%{INDEX}%' AND wait_event_type = 'Lock'"
        )
        _wait_until(lambda: _scalar(observer, building) is not None or bool(failures), "the build waits")
        assert failures == []

        # While the build waits for the long transaction, the table takes writes at once: NOWAIT
        # fails if any lock request conflicting with a writer's is held or queued on it.
        writer.execute(text("SET LOCAL lock_timeout = 0"))
        writer.execute(text("LOCK TABLE balance, ledger_entry IN ROW EXCLUSIVE MODE NOWAIT"))
        writer.execute(text("UPDATE balance SET quantity = quantity WHERE lot <> 'L1'"))
        writer.commit()
        held = observer.execute(
            text(
                "SELECT l.mode, l.granted FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'balance' AND l.pid = :pid"
            ),
            {"pid": _scalar(observer, building)},
        ).all()
        observer.rollback()
        assert [tuple(row) for row in held] == [("ShareUpdateExclusiveLock", True)]

        long_writer.commit()
        migration.join()

    assert failures == []
    with engine.connect() as connection:
        assert (
            _scalar(
                connection,
                f"SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = '{INDEX}'",
            )
            is True
        )
        assert _scalar(connection, "SELECT version_num FROM alembic_version") == HEAD


def test_a_migration_behind_a_long_transaction_gives_up_and_can_be_run_again(fresh_engine):
    engine = fresh_engine("postgresql")
    with engine.connect() as reader:
        # A long report holding the table the downgrade must drop (any lock on it will do).
        reader.execute(text("SELECT count(*) FROM check_checkpoint"))
        with pytest.raises(OperationalError, match="lock timeout"):
            _migrate(engine, "0014", down=True)
        reader.rollback()
    _migrate(engine, "0014", down=True)
    _migrate(engine, "head")

    with engine.connect() as connection:
        assert _scalar(connection, "SELECT version_num FROM alembic_version") == HEAD
        # The connection went back to the pool with the server's own lock timeout.
        assert _scalar(connection, "SHOW lock_timeout") == "0"
