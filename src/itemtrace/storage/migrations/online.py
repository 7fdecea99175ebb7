"""Schema changes that keep a large database online: the policy every migration follows.

On PostgreSQL an index on a big table (`ledger_entry`, `balance`, `genealogy_link`) is built
`CONCURRENTLY`: the build takes a SHARE UPDATE EXCLUSIVE lock, which lets postings insert and
update while it reads the table, instead of `CREATE INDEX`'s SHARE lock, which blocks every
write for the whole build. `CONCURRENTLY` cannot run inside a transaction, so the helpers run in
Alembic's autocommit block: the migrations before it are committed first (the environment runs
one transaction per migration, so that is one whole migration).

Every other DDL statement a migration runs (ALTER TABLE, CREATE TRIGGER, a plain CREATE INDEX on
a small table) takes a lock that blocks writes, and queues behind any transaction already using
the table — and every posting queues behind it. `lock_timeout` bounds that wait: a migration that
cannot get its lock within `LOCK_TIMEOUT` fails with `lock_not_available` and can be run again,
rather than stalling every writer behind a long report or export. `set_lock_timeout()` is called
by the environment for every migration; a migration that must rewrite a big table under a lock
is not allowed (add a column as NULL, backfill in batches, then add the constraint NOT VALID and
VALIDATE it).

On SQLite (one writer at a time, small databases) the same calls are a plain CREATE / DROP INDEX
in the migration's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alembic import op
from sqlalchemy import Connection, TextClause, text

# Longest a migration's DDL waits for a lock (and so the longest it can make writers queue
# behind it) before it gives up: the upgrade fails and is run again later.
LOCK_TIMEOUT = "1s"


def set_lock_timeout(connection: Connection, timeout: str = LOCK_TIMEOUT) -> None:
    """Bound the wait of every lock the migrations' DDL takes (PostgreSQL; SQLite has none).
    A session setting: it outlives each migration's transaction; `reset_lock_timeout` after."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET lock_timeout = '{timeout}'")


def reset_lock_timeout(connection: Connection) -> None:
    """Give the connection back with the lock timeout it was opened with (the pool reuses it)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("RESET lock_timeout")


def create_index_concurrently(
    name: str,
    table: str,
    columns: Sequence[str],
    *,
    unique: bool = False,
    where: str | None = None,
) -> None:
    """`CREATE INDEX CONCURRENTLY IF NOT EXISTS` on PostgreSQL, outside any transaction; a plain
    create on SQLite. `where` makes a partial index (the same SQL on both databases).

    A concurrent build that fails (a lock timeout, a duplicate for a unique index) leaves an
    INVALID index behind: it is dropped first, so running the upgrade again builds it afresh."""
    context = op.get_context()
    if context.dialect.name != "postgresql":
        kwargs: dict[str, Any] = {} if where is None else {"sqlite_where": text(where)}
        op.create_index(name, table, list(columns), unique=unique, **kwargs)
        return
    with context.autocommit_block():
        _drop_if_invalid(name)
        # The build waits for every transaction already using the table, however long: that wait
        # blocks no writer (its SHARE UPDATE EXCLUSIVE lock lets them through), so no lock or
        # statement timeout applies to it; they are restored for the next statement.
        op.execute(text("SET lock_timeout = 0"))
        op.execute(text("SET statement_timeout = 0"))
        try:
            op.execute(_create_sql(name, table, columns, unique=unique, where=where))
        finally:
            op.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}'"))
            op.execute(text("RESET statement_timeout"))


def drop_index_concurrently(name: str, table: str) -> None:
    """`DROP INDEX CONCURRENTLY IF EXISTS` on PostgreSQL, outside any transaction; a plain drop on
    SQLite."""
    context = op.get_context()
    if context.dialect.name != "postgresql":
        op.drop_index(name, table_name=table)
        return
    with context.autocommit_block():
        op.execute(text(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"'))


def _create_sql(
    name: str, table: str, columns: Sequence[str], *, unique: bool, where: str | None
) -> TextClause:
    listed = ", ".join(f'"{c}"' for c in columns)
    kind = "UNIQUE INDEX" if unique else "INDEX"
    condition = "" if where is None else f" WHERE {where}"
    return text(f'CREATE {kind} CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" ({listed}){condition}')


def _drop_if_invalid(name: str) -> None:
    bind = op.get_bind()
    invalid = bind.scalar(
        text(
            "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = :name AND pg_catalog.pg_table_is_visible(c.oid)"
        ),
        {"name": name},
    )
    if invalid:
        op.execute(text(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"'))


__all__: Sequence[str] = [
    "LOCK_TIMEOUT",
    "create_index_concurrently",
    "drop_index_concurrently",
    "reset_lock_timeout",
    "set_lock_timeout",
]
