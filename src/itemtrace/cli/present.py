"""How results reach the terminal: JSON for scripts, rich tables for people, in one place.

Commands hand over the API's response models (one home for each JSON shape) or plain dicts;
`--json` prints exactly that JSON; otherwise scalar fields become a two-column table and every
list of records below them a table of its own (columns that are empty throughout are left out).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from itemtrace.cli.context import Cli
from itemtrace.domain.errors import ItemtraceError, PostingRejected

Record = BaseModel | Mapping[str, Any]


def as_json(value: Any) -> Any:
    """The JSON form: models dump with their aliases (`from`), quantities as numbers, dates ISO."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Mapping):
        return {str(key): as_json(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value


def show(
    cli: Cli,
    record: Record,
    *,
    title: str | None = None,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """One object: JSON, or its fields then one table per list of records (lines, history…).

    `columns` picks and orders the columns of those tables by field name (`{"history": [...]}`).
    """
    data = as_json(record)
    if cli.json:
        print_json(data)
        return
    scalars = {k: v for k, v in data.items() if not _is_records(v)}
    grid = Table(title=title, show_header=False, box=box.SIMPLE, title_justify="left")
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for key, value in scalars.items():
        grid.add_row(key, Text(cell(value)))
    cli.console.print(grid)
    for key, value in data.items():
        if _is_records(value) and value:
            _table(cli.console, value, title=key, columns=(columns or {}).get(key))


def show_list(
    cli: Cli, records: Sequence[Record], *, title: str | None = None, columns: Sequence[str] | None = None
) -> None:
    """Many objects: `{"items": [...]}` as JSON (the API's list shape), or one table."""
    rows = [as_json(r) for r in records]
    if cli.json:
        print_json({"items": rows})
        return
    if not rows:
        cli.console.print(Text(f"no {title or 'rows'}"))
        return
    _table(cli.console, rows, title=title, columns=columns)


def say(cli: Cli, text: str, data: Mapping[str, Any]) -> None:
    """A short confirmation for people, or `data` for scripts."""
    if cli.json:
        print_json(as_json(data))
    else:
        cli.console.print(Text(text))


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False), flush=True)


def cell(value: Any) -> str:
    """A value as table text: nested records compact (`serial=SN-1 quantity=1`), lists comma-joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        shown = {k: v for k, v in value.items() if v not in (None, "", False, [], {})}
        if shown.get("serial") and shown.get("quantity") == 1:
            del shown["quantity"]  # a serial is one unit: say so only when it is not
        return " ".join(f"{k}={cell(v)}" for k, v in shown.items())
    if isinstance(value, list):
        separator = "; " if any(isinstance(v, Mapping) for v in value) else ", "
        return separator.join(cell(v) for v in value)
    return str(value)


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _table(
    console: Console,
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str | None,
    columns: Sequence[str] | None = None,
) -> None:
    if columns is None:
        seen: dict[str, None] = {}
        for row in rows:
            seen.update(dict.fromkeys(row))
        columns = list(seen)
    columns = [c for c in columns if any(row.get(c) not in (None, "", [], {}) for row in rows)]
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell(row.get(c))) for c in columns))
    console.print(table)


# -- errors -----------------------------------------------------------------------------------------


def error_line(error: ItemtraceError) -> str:
    """`error[serial_exists]: line 1: serial SN-1 …`; a refused posting names its first problem
    (its details already name the line) and how many more there are."""
    return f"error[{error.code.value}]: {error.detail}"


def error_json(error: ItemtraceError) -> dict[str, Any]:
    """The problem as the API would answer it (RFC 9457 fields without the HTTP status)."""
    problem: dict[str, Any] = {"title": error.title, "code": error.code.value, "detail": error.detail}
    if isinstance(error, PostingRejected):
        problem["errors"] = [
            {"line": v.line, "tracking": v.tracking, "code": v.code.value, "detail": v.detail}
            for v in error.violations
        ]
    return problem
