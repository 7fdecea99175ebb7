"""`limit` + opaque `cursor` ⇄ keyset position; `Page[T]` = `{items, next_cursor}`.

The cursor is urlsafe base64 of the JSON of the last item's keyset position. Routes ask the
service for `limit + 1` rows: the extra row only says there is a next page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from itemtrace.domain import limits
from itemtrace.domain.errors import ValidationFailed
from itemtrace.schemas.common import has_control

T = TypeVar("T")
R = TypeVar("R")

Limit = Annotated[int, Query(ge=1, le=500, description="Page size, 1 to 500")]
Cursor = Annotated[str | None, Query(max_length=2000, description="The `next_cursor` of the previous page")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(position: Any) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    """The keyset position a cursor stands for, or None for the first page."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        raise _invalid() from None


def _invalid() -> ValidationFailed:
    return ValidationFailed("cursor is not valid: pass the next_cursor of the previous page")


# Positions are codes, names and numbers of rows: no longer than the longest column they come from.
_LONGEST_POSITION = max(limits.SKU, limits.NUMBER, limits.LOCATION_CODE, limits.USER_NAME)


def _is_code(position: object) -> bool:
    return isinstance(position, str) and len(position) <= _LONGEST_POSITION and not has_control(position)


def cursor_str(cursor: str | None) -> str | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    if not _is_code(position):
        raise _invalid()
    return str(position)


def cursor_int(cursor: str | None) -> int | None:
    """An id position: a made-up one out of the id columns' range is refused, not sent to SQL."""
    position = decode_cursor(cursor)
    if position is None:
        return None
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= limits.MAX_ID + 1:
        raise _invalid()
    return position


def cursor_pair(cursor: str | None) -> tuple[str, str] | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    if not (isinstance(position, list) and len(position) == 2 and all(_is_code(p) for p in position)):
        raise _invalid()
    return (position[0], position[1])


def page(
    rows: Sequence[R], limit: int, *, present: Callable[[R], T], position: Callable[[R], Any]
) -> Page[T]:
    """The first `limit` rows presented; a cursor after the last one when more rows were fetched."""
    shown = rows[:limit]
    more = len(rows) > limit and bool(shown)
    return Page[T](
        items=[present(r) for r in shown],
        next_cursor=encode_cursor(position(shown[-1])) if more else None,
    )


def cursor_date_id(cursor: str | None) -> tuple[date, int] | None:
    """A (date, id) position, as the expiring report pages by date."""
    position = decode_cursor(cursor)
    if position is None:
        return None
    try:
        day, row_id = position
        found = (date.fromisoformat(day), int(row_id))
    except (TypeError, ValueError):
        raise _invalid() from None
    if isinstance(row_id, bool) or not 0 <= found[1] <= limits.MAX_ID:
        raise _invalid()
    return found
