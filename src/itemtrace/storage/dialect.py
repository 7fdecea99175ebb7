"""Every SQLite/PostgreSQL difference: set-based writes, upserts, row locks, id draws, and what
an integrity error's constraint is called.

PostgreSQL gets each column of a bulk write as one array and `unnest`s it server-side (one round
trip for 10,000 rows); SQLite, in process, takes a plain `executemany`. PostgreSQL locks the rows a
posting reads (`FOR UPDATE`); SQLite's writers hold the database's write lock instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any, TypeVar, cast

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    MetaData,
    Select,
    Table,
    UniqueConstraint,
    any_,
    bindparam,
    case,
    func,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from itemtrace.storage.tables import BalanceRow, Base, GenealogyItemRow, LedgerEntryRow

CHUNK = 2000  # bound parameters per IN list: well under SQLite's and PostgreSQL's limits
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    """`values` in lists of at most `size`, for IN lists and batched writes."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_ARRAY_CHUNK = 50_000  # values per array parameter (PostgreSQL): one parameter, not 50,000


def one_of(session: Session, column: Any, values: Iterable[Any]) -> list[Any]:
    """Conditions `column IN values`, one per chunk of values: on PostgreSQL `column = ANY(array)`
    with the values as one array parameter (an IN list of thousands of parameters costs more to
    send and parse than the lookup); on SQLite an IN list of at most `CHUNK`."""
    if not is_postgresql(session):
        return [column.in_(batch) for batch in chunks(values)]
    kind = postgresql.ARRAY(column.type)
    return [column == any_(bindparam(None, batch, type_=kind)) for batch in chunks(values, _ARRAY_CHUNK)]


def by_other_index(session: Session, column: Any) -> Any:
    """`column` as SQLite's planner will not look it up by index (`column + 0`): where another
    condition is the selective one (serials among an item's million balances), which SQLite,
    without statistics, would otherwise leave for the item's index. PostgreSQL plans from its
    statistics and gets the column as it is."""
    return column if is_postgresql(session) else column + 0


def is_postgresql(bind: Session | Connection) -> bool:
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    return dialect.name == "postgresql"


def for_update(query: _Query, session: Session, *, of: Any = None) -> _Query:
    """Lock the rows `query` reads until the transaction ends (PostgreSQL); on SQLite the
    writer already holds the database's write lock, so the query is returned as it is."""
    if not is_postgresql(session):
        return query
    return query.with_for_update(of=of) if of is not None else query.with_for_update()


def lock_key(session: Session, key: str) -> None:
    """Hold a lock named `key` until the transaction ends: PostgreSQL's transaction-level advisory
    lock; SQLite's writer already holds the database's write lock."""
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def analyze(session: Session, table: str) -> None:
    """Refresh the planner's statistics of `table` inside the current transaction (PostgreSQL;
    its sample counts the rows this transaction wrote, so the plans of its next queries know
    them). Skipped while another transaction analyzes the table (it holds the table's analyze
    lock until it ends: two imports never wait for each other here). SQLite's planner needs no
    statistics to use the indexes."""
    if is_postgresql(session):
        session.execute(text(f"ANALYZE (SKIP_LOCKED) {table}"))


def _unique_columns() -> dict[str, str]:
    """SQLite names the columns of a failed unique index, not the index: map them back."""
    names: dict[str, str] = {}
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            if index.unique and index.name:
                names.setdefault(", ".join(f"{table.name}.{c.name}" for c in index.columns), str(index.name))
        for constraint in table.constraints:
            if constraint.name and isinstance(constraint, UniqueConstraint):
                columns = ", ".join(f"{table.name}.{c.name}" for c in constraint.columns)
                names.setdefault(columns, str(constraint.name))
    return names


_SQLITE_UNIQUE = _unique_columns()


def constraint_name(error: IntegrityError) -> str | None:
    """The name of the constraint or unique index an integrity error broke, on either database."""
    diag = getattr(error.orig, "diag", None)  # psycopg
    if diag is not None:
        return cast(str | None, diag.constraint_name)
    message = str(error.orig)
    for prefix in ("UNIQUE constraint failed: ", "CHECK constraint failed: "):
        if message.startswith(prefix):
            found = message.removeprefix(prefix).strip()
            return _SQLITE_UNIQUE.get(found) if prefix.startswith("UNIQUE") else found
    return None


LEDGER_COLUMNS = [
    ("document_id", "bigint"),
    ("line_no", "int"),
    ("item_id", "int"),
    ("serial", "text"),
    ("lot", "text"),
    ("package", "text"),
    ("quantity", "bigint"),
    ("from_location_id", "int"),
    ("to_location_id", "int"),
    ("posting_date", "date"),
    ("partner_id", "int"),
    ("user_name", "text"),
    ("posted_at", "timestamptz"),
    ("expiration_date", "date"),
    ("warranty_date", "date"),
]
BALANCE_KEY = [
    ("item_id", "int"),
    ("location_id", "int"),
    ("serial", "text"),
    ("lot", "text"),
    ("package", "text"),
]
BALANCE_COLUMNS = [
    *BALANCE_KEY,
    ("quantity", "bigint"),
    ("in_stock", "boolean"),
    ("global_serial", "boolean"),
    ("expiration_date", "date"),
    ("first_in_date", "date"),
]
SQLITE_BATCH = 5000


def _raw(row: Any) -> Table:
    """The Core table with plain BIGINT quantities, for rows whose quantities are pre-scaled."""
    source: Table = row.__table__
    columns = [
        Column(c.name, BigInteger() if c.name == "quantity" else c.type, primary_key=c.primary_key)
        for c in source.columns
    ]
    return Table(source.name, MetaData(), *columns)


_LEDGER = _raw(LedgerEntryRow)
_BALANCE = _raw(BalanceRow)


def _arrays(rows: Sequence[dict[str, Any]], columns: list[tuple[str, str]]) -> tuple[list[Any], ...]:
    return tuple([r[name] for r in rows] for name, _ in columns)


def _unnest(columns: list[tuple[str, str]]) -> str:
    return "unnest(" + ", ".join(f"%s::{kind}[]" for _, kind in columns) + ")"


COPY_ROWS = 1000  # balance rows from which PostgreSQL gets them by COPY into `_STAGING`
_STAGING = "balance_staging"


def _copy(connection: Connection, table: str, names: list[str], rows: Sequence[dict[str, Any]]) -> None:
    """`COPY table (names) FROM STDIN` through the driver's connection, in the same transaction."""
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


def insert_ledger(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Append ledger rows: PostgreSQL's `COPY … FROM STDIN`; SQLite an `executemany`."""
    if connection.dialect.name == "postgresql":
        _copy(connection, "ledger_entry", [name for name, _ in LEDGER_COLUMNS], rows)
        return
    _executemany(connection, _LEDGER.insert(), rows)


def _executemany(connection: Connection, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
    """SQLite: `statement` for every row through the driver's `executemany`, compiled once, the
    values converted by the columns' own types (so they are stored exactly as SQLAlchemy would
    store them) without SQLAlchemy's per-row parameter handling."""
    if not rows:
        return
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(rows[0]))
    binds = [compiled.binds[name] for name in compiled.positiontup or ()]
    # A bind that is no column of the rows is a constant of the statement (the 0 of `quantity > 0`).
    fixed = {bind.key: bind.effective_value for bind in binds if bind.key not in rows[0]}
    read = itemgetter(*(bind.key for bind in binds if bind.key not in fixed))
    # (position, converter, what it gave) of the values a type converts: a posting's rows share
    # their dates and times, so each distinct value is converted once.
    slots: list[tuple[int, Any, dict[Any, Any]]] = []
    for position, bind in enumerate(binds):
        convert = bind.type.bind_processor(connection.dialect)
        if convert is not None:
            slots.append((position, convert, {}))

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        found = iter(read(row) if len(binds) - len(fixed) > 1 else (read(row),))
        out = (
            [fixed[bind.key] if bind.key in fixed else next(found) for bind in binds]
            if fixed
            else list(found)
        )
        for position, convert, done in slots:
            value = out[position]
            if value is not None:
                if value not in done:
                    done[value] = convert(value)
                out[position] = done[value]
        return tuple(out)

    sql = str(compiled)
    for start in range(0, len(rows), SQLITE_BATCH):
        connection.exec_driver_sql(sql, [values(row) for row in rows[start : start + SQLITE_BATCH]])


def decrement_balances(connection: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Add the (negative) deltas to existing balance rows; returns how many rows matched."""
    if not rows:
        return 0
    if connection.dialect.name == "postgresql":
        names = ", ".join(name for name, _ in BALANCE_KEY)
        match = " AND ".join(f"b.{name} = u.{name}" for name, _ in BALANCE_KEY)
        result = connection.exec_driver_sql(
            f"UPDATE balance AS b SET quantity = b.quantity + u.quantity "
            f"FROM {_unnest([*BALANCE_KEY, ('quantity', 'bigint')])} AS u({names}, quantity) WHERE {match}",
            _arrays(rows, [*BALANCE_KEY, ("quantity", "bigint")]),
        )
        return int(result.rowcount)
    c = _BALANCE.c
    statement = (
        update(_BALANCE)
        .where(*(c[name] == bindparam(f"k_{name}") for name, _ in BALANCE_KEY))
        .values(quantity=c.quantity + bindparam("k_quantity"))
    )
    matched = 0
    for start in range(0, len(rows), SQLITE_BATCH):
        params = [{f"k_{k}": v for k, v in r.items()} for r in rows[start : start + SQLITE_BATCH]]
        matched += int(connection.execute(statement, params).rowcount)
    return matched


def upsert_balances(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new balance rows or add the deltas to existing ones.

    A row that was empty takes the arriving stock's expiration and first-in dates: a lot that
    left a place entirely may come back as a new batch with another date (posting allows it).
    """
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        names = ", ".join(name for name, _ in BALANCE_COLUMNS)
        key = ", ".join(name for name, _ in BALANCE_KEY)
        upsert = (
            f"INSERT INTO balance ({names}) SELECT {names} FROM {{source}} "
            f"ON CONFLICT ({key}) DO UPDATE SET quantity = balance.quantity + EXCLUDED.quantity, "
            "expiration_date = CASE WHEN balance.quantity > 0 "
            "THEN COALESCE(balance.expiration_date, EXCLUDED.expiration_date) "
            "ELSE COALESCE(EXCLUDED.expiration_date, balance.expiration_date) END, "
            "first_in_date = CASE WHEN balance.quantity > 0 THEN balance.first_in_date "
            "ELSE EXCLUDED.first_in_date END"
        )
        if len(rows) < COPY_ROWS:
            source = f"{_unnest(BALANCE_COLUMNS)} AS u({names})"
            connection.exec_driver_sql(upsert.format(source=source), _arrays(rows, BALANCE_COLUMNS))
            return
        # Many rows: COPY them into a staging table of this connection and upsert from there
        # (sending them as arrays costs more than the upsert itself). Emptied at commit.
        columns = ", ".join(f"{name} {kind}" for name, kind in BALANCE_COLUMNS)
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} ({columns}) ON COMMIT DELETE ROWS"
        )
        _copy(connection, _STAGING, [name for name, _ in BALANCE_COLUMNS], rows)
        connection.exec_driver_sql(upsert.format(source=_STAGING))
        connection.exec_driver_sql(f"TRUNCATE {_STAGING}")
        return
    insert = sqlite.insert(_BALANCE)
    statement = insert.on_conflict_do_update(
        index_elements=[name for name, _ in BALANCE_KEY],
        set_={
            "quantity": _BALANCE.c.quantity + insert.excluded.quantity,
            "expiration_date": case(
                (
                    _BALANCE.c.quantity > 0,
                    func.coalesce(_BALANCE.c.expiration_date, insert.excluded.expiration_date),
                ),
                else_=func.coalesce(insert.excluded.expiration_date, _BALANCE.c.expiration_date),
            ),
            "first_in_date": case(
                (_BALANCE.c.quantity > 0, _BALANCE.c.first_in_date), else_=insert.excluded.first_in_date
            ),
        },
    )
    _executemany(connection, statement, rows)


_CARD_COLUMNS = [("item_id", "int"), ("kind", "text"), ("number", "text")]


def block_cards(connection: Connection, cards: Sequence[tuple[int | None, str, str]]) -> None:
    """Set `blocked` on the cards of (item id or None for a package, kind, number), creating the
    cards that do not exist yet: one upsert per kind of card (an item's serial or lot cards, and
    package cards, which belong to no item)."""
    of_item = [{"item_id": i, "kind": k, "number": n} for i, k, n in cards if i is not None]
    packages = [{"item_id": None, "kind": k, "number": n} for i, k, n in cards if i is None]
    for rows, target in (
        (of_item, "(item_id, kind, number)"),
        (packages, "(kind, number) WHERE item_id IS NULL"),
    ):
        if not rows:
            continue
        upsert = (
            "INSERT INTO tracking_info (item_id, kind, number, description, blocked, attributes) "
            "SELECT item_id, kind, number, '', {true}, {empty} FROM {source} WHERE true "
            f"ON CONFLICT {target} DO UPDATE SET blocked = {{true}}"
        )
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(
                upsert.format(
                    true="true",
                    empty="'{}'::json",
                    source=f"{_unnest(_CARD_COLUMNS)} AS c(item_id, kind, number)",
                ),
                _arrays(rows, _CARD_COLUMNS),
            )
            continue
        statement = text(
            upsert.format(
                true="1",
                empty="'{}'",
                source="(SELECT :item_id AS item_id, :kind AS kind, :number AS number)",
            )
        )
        for start in range(0, len(rows), SQLITE_BATCH):
            connection.execute(statement, list(rows[start : start + SQLITE_BATCH]))


def note_genealogy_items(connection: Connection, sides: Sequence[tuple[int, str]]) -> None:
    """Record (item id, side) pairs in `genealogy_item`, skipping those already there. One
    statement; rows in the given (sorted) order, so that two posters never wait on each other's
    rows in opposite orders."""
    if not sides:
        return
    table = cast(Table, GenealogyItemRow.__table__)
    rows = [{"item_id": item_id, "side": side} for item_id, side in sides]
    if connection.dialect.name == "postgresql":
        connection.execute(postgresql.insert(table).values(rows).on_conflict_do_nothing())
    else:
        connection.execute(sqlite.insert(table).values(rows).on_conflict_do_nothing())


def next_document_id(connection: Connection) -> int:
    """The id the next document gets. PostgreSQL draws it from the id sequence (never handed out
    twice, even to transactions that roll back); SQLite, whose writers hold the database's write
    lock for the whole transaction, takes the next after the highest (a rolled-back document
    leaves no gap there either)."""
    if connection.dialect.name == "postgresql":
        return int(
            connection.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('document', 'id'))"
            ).scalar_one()
        )
    return int(connection.exec_driver_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM document").scalar_one())
