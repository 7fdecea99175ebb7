"""Alembic environment: uses the connection handed in by `storage.schema.upgrade` (or the URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from itemtrace.storage.engine import make_engine
from itemtrace.storage.migrations.online import reset_lock_timeout, set_lock_timeout
from itemtrace.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    """One transaction per migration, so a migration can build an index concurrently outside any
    transaction (`migrations/online.py`) with the ones before it committed; every lock the DDL
    waits for is bounded by `online.LOCK_TIMEOUT`."""
    set_lock_timeout(connection)
    connection.commit()  # a session setting; Alembic must find no transaction open
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        transaction_per_migration=True,
    )
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if connection.in_transaction():
            connection.rollback()  # a failed migration: its own transaction is already undone
        reset_lock_timeout(connection)
        connection.commit()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
