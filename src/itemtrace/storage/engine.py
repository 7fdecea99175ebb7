"""`make_engine(url)`: SQLite with WAL, foreign keys and a busy timeout; PostgreSQL via psycopg 3.

`engine_for(settings)` is the server's engine: a bounded pool (`pool_size`, no overflow, a
`pool_timeout` wait), every PostgreSQL connection pinged before use (a connection the server
dropped — restart, failover, idle timeout, `pg_terminate_backend` — is replaced instead of
failing the request) and started with `statement_timeout` and `lock_timeout`. `read_engine_for`
is the same for the read replica (ITEMTRACE_READ_DATABASE_URL), or None without one. Each
engine names itself to the server (`application_name` itemtrace or itemtrace-read).

A PostgreSQL URL ending in `?pooler=transaction` goes through a transaction pooler (pgbouncer's
`pool_mode = transaction`): a connection is the server's only for the length of a transaction,
so psycopg prepares no statements (a prepared statement lives on one server connection) and no
settings travel in the start-up packet (pgbouncer 1.18 refuses `options`): set `jit`,
`statement_timeout` and `lock_timeout` on the database or role instead (docs/scaling.md).

JSON columns go through orjson on both: a recall's stored report can hold hundreds of thousands
of rows, which it writes from the report's rows directly (named tuples as arrays, dates as ISO
dates, enums as their values, quantities as decimal strings).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import Connection, make_url

from itemtrace.config import Settings

# Errors that mean "waited too long" rather than "broken": no free pooled connection in time, or
# the database cancelled a statement on its statement/lock timeout, or SQLite's busy timeout ran
# out. `gave_up_waiting` says which instances of these classes are such.
WAIT_ERRORS: tuple[type[Exception], ...] = (exc.TimeoutError, exc.OperationalError)
_PG_TIMEOUTS = {"57014", "55P03"}  # query_canceled (statement_timeout), lock_not_available


def gave_up_waiting(error: BaseException) -> bool:
    if isinstance(error, exc.TimeoutError):
        return True
    if isinstance(error, exc.OperationalError):
        orig = error.orig
        return getattr(orig, "sqlstate", None) in _PG_TIMEOUTS or "database is locked" in str(orig)
    return False


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):  # a NamedTuple (orjson writes plain tuples itself): its fields in order
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> str:
    """JSON text of `value`; dataclasses, named tuples, dates, enums and decimals included."""
    return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS).decode()


PRIMARY_NAME = "itemtrace"
REPLICA_NAME = "itemtrace-read"
TRANSACTION_POOLER = "transaction"  # the one value `?pooler=` takes


def engine_for(settings: Settings) -> Engine:
    """The engine a server process uses, as the settings say."""
    return _server_engine(settings, settings.database_url, PRIMARY_NAME)


def read_engine_for(settings: Settings) -> Engine | None:
    """The engine of the read replica (ITEMTRACE_READ_DATABASE_URL), sized like the primary's;
    None when there is no replica."""
    if not settings.read_database_url:
        return None
    return _server_engine(settings, settings.read_database_url, REPLICA_NAME)


def _server_engine(settings: Settings, url: str, name: str) -> Engine:
    return make_engine(
        url,
        pool_size=settings.pool_size,
        pool_timeout=settings.pool_timeout,
        statement_timeout_ms=settings.statement_timeout_ms,
        lock_timeout_ms=settings.lock_timeout_ms,
        application_name=name,
    )


def make_engine(
    url: str,
    *,
    pool_size: int | None = None,
    pool_timeout: float | None = None,
    statement_timeout_ms: int | None = None,
    lock_timeout_ms: int | None = None,
    application_name: str | None = None,
    **kwargs: Any,
) -> Engine:
    """An engine for `url`. With `pool_size`, the pool never opens more than that many
    connections (no overflow), so `workers * pool_size` bounds what the server asks of the database."""
    kwargs.setdefault("json_serializer", dumps)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if pool_size is not None:
        kwargs.update(pool_size=pool_size, max_overflow=0)
    if pool_timeout is not None:
        kwargs["pool_timeout"] = pool_timeout
    if url.startswith("sqlite"):
        memory = ":memory:" in url or url.rstrip("/") == "sqlite:"
        if memory:  # one in-memory database per connection: there is no pool to size
            for pool_option in ("pool_size", "max_overflow", "pool_timeout"):
                kwargs.pop(pool_option, None)
        # As on PostgreSQL, a lock timeout of 0 means no limit (SQLite's own 0 would mean no wait).
        busy_ms = 30_000 if lock_timeout_ms is None else (lock_timeout_ms or 2**31 - 1)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_ms / 1000}, **kwargs
        )
        _sqlite_setup(engine, memory=memory, busy_ms=busy_ms)
        return engine
    parsed = make_url(url)
    pooler = parsed.query.get("pooler")
    if pooler not in (None, TRANSACTION_POOLER):
        raise ValueError(
            f"?pooler={pooler} in the database URL: the one value understood is ?pooler=transaction"
        )
    connect_args: dict[str, Any] = {}
    if application_name is not None:
        connect_args["application_name"] = application_name
    if pooler == TRANSACTION_POOLER:
        # Never prepare: the next transaction may run on another server connection.
        connect_args["prepare_threshold"] = None
    else:
        # No JIT compilation: its cost model is made for long analytic queries, and for a trace
        # (a chain of index lookups whose size the planner cannot know) it would spend some 30 ms
        # compiling a statement that runs in a few.
        options = ["-c jit=off"]
        if statement_timeout_ms is not None:
            options.append(f"-c statement_timeout={statement_timeout_ms}")
        if lock_timeout_ms is not None:
            options.append(f"-c lock_timeout={lock_timeout_ms}")
        connect_args["options"] = " ".join(options)
    connect_args.update(kwargs.pop("connect_args", {}))
    return create_engine(
        parsed.difference_update_query(["pooler"]),
        pool_recycle=3600,
        pool_pre_ping=True,
        connect_args=connect_args,
        **kwargs,
    )


def _sqlite_setup(engine: Engine, *, memory: bool, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # Writers take the write lock up front: two posters then queue on the busy timeout
        # instead of one failing when it upgrades a read lock (SQLITE_BUSY in WAL mode).
        if connection.get_execution_options().get("sqlite_write", False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
