"""Alembic environment: uses the connection handed in by `storage.schema.upgrade` (or the URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from itemtrace.storage.engine import make_engine
from itemtrace.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
