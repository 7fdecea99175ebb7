"""`make_engine(url)`: SQLite with WAL, foreign keys and a busy timeout; PostgreSQL via psycopg 3.

JSON columns go through orjson on both: a recall's stored report can hold hundreds of thousands
of rows, which it writes from the report's rows directly (named tuples as arrays, dates as ISO
dates, enums as their values, quantities as decimal strings).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):  # a NamedTuple (orjson writes plain tuples itself): its fields in order
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> str:
    """JSON text of `value`; dataclasses, named tuples, dates, enums and decimals included."""
    return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("json_serializer", dumps)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _sqlite_setup(engine, memory=":memory:" in url or url.rstrip("/") == "sqlite:")
        return engine
    # No JIT compilation: its cost model is made for long analytic queries, and for a trace
    # (a chain of index lookups whose size the planner cannot know) it would spend some 30 ms
    # compiling a statement that runs in a few.
    connect_args = {"options": "-c jit=off", **kwargs.pop("connect_args", {})}
    return create_engine(url, pool_recycle=3600, connect_args=connect_args, **kwargs)


def _sqlite_setup(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
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
