"""How results reach the terminal: JSON for scripts, plain-text tables for people, in one place.

Commands hand over the API's response models (one home for each JSON shape) or plain dicts;
`--json` prints exactly that JSON; otherwise scalar fields become a two-column list and every
list of records below them a table of its own (columns that are empty throughout are left out).

Tables fit the terminal: one that is wider than the terminal is folded into one record per
block (`column  value` lines), and long values wrap at spaces. No line ends in spaces.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from itemtrace.cli.context import Cli
from itemtrace.domain.errors import ItemtraceError, PostingRejected

Record = Any  # an API response model (pydantic) or a mapping
GAP = "  "


def as_json(value: Any) -> Any:
    """The JSON form: models dump with their aliases (`from`), quantities as numbers, dates ISO."""
    if hasattr(value, "model_dump"):
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
    scalars = {k: cell(v) for k, v in data.items() if not _is_records(v)}
    lines = [title] if title else []
    lines += fields(scalars, cli.width)
    for key, value in data.items():
        if _is_records(value) and value:
            lines += ["", *table(value, title=key, columns=(columns or {}).get(key), width=cli.width)]
    echo(lines)


def show_list(
    cli: Cli, records: Sequence[Record], *, title: str | None = None, columns: Sequence[str] | None = None
) -> None:
    """Many objects: `{"items": [...]}` as JSON (the API's list shape), or one table."""
    rows = [as_json(r) for r in records]
    if cli.json:
        print_json({"items": rows})
        return
    if not rows:
        echo([f"no {title or 'rows'}"])
        return
    echo(table(rows, title=title, columns=columns, width=cli.width))


def say(cli: Cli, text: str, data: Mapping[str, Any]) -> None:
    """A short confirmation for people, or `data` for scripts."""
    if cli.json:
        print_json(as_json(data))
    else:
        echo([text])


def echo(lines: Sequence[str]) -> None:
    print("\n".join(line.rstrip() for line in lines), flush=True)


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


def fields(values: Mapping[str, str], width: int) -> list[str]:
    """`name  value` lines, names aligned; a long value wraps under itself."""
    if not values:
        return []
    name_width = max(len(name) for name in values)
    room = max(width - name_width - len(GAP), 20)
    lines = []
    for name, value in values.items():
        wrapped = _wrap(value, room) or [""]
        lines.append(f"{name:<{name_width}}{GAP}{wrapped[0]}".rstrip())
        lines += [f"{'':<{name_width}}{GAP}{more}" for more in wrapped[1:]]
    return lines


def table(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str | None,
    columns: Sequence[str] | None = None,
    width: int,
) -> list[str]:
    """Rows as a table with a header, or, when that is wider than `width`, as one block per row."""
    if columns is None:
        seen: dict[str, None] = {}
        for row in rows:
            seen.update(dict.fromkeys(row))
        columns = list(seen)
    columns = [c for c in columns if any(row.get(c) not in (None, "", [], {}) for row in rows)]
    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = [title] if title else []
    if sum(widths) + len(GAP) * (len(widths) - 1) <= width:
        lines.append(GAP.join(f"{c:<{w}}" for c, w in zip(columns, widths, strict=True)).rstrip())
        lines.append(GAP.join("-" * w for w in widths))
        lines += [GAP.join(f"{v:<{w}}" for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
        return lines
    for number, r in enumerate(cells):
        if number:
            lines.append("")
        lines += fields({c: v for c, v in zip(columns, r, strict=True) if v}, width)
    return lines


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) if len(text) > width else [text]


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


# -- errors -----------------------------------------------------------------------------------------


def error_lines(error: ItemtraceError) -> list[str]:
    """`error[serial_exists]: line 1: serial SN-1 …`: one line per problem a refusal has, all of them."""
    if isinstance(error, PostingRejected):
        return [f"error[{v.code.value}]: {v.detail}" for v in error.violations]
    return [f"error[{error.code.value}]: {error.detail}"]


def error_json(error: ItemtraceError) -> dict[str, Any]:
    """The problem as the API would answer it (RFC 9457 fields without the HTTP status)."""
    problem: dict[str, Any] = {"title": error.title, "code": error.code.value, "detail": error.detail}
    if isinstance(error, PostingRejected):
        problem["errors"] = [
            {"line": v.line, "tracking": v.tracking, "code": v.code.value, "detail": v.detail}
            for v in error.violations
        ]
    return problem
