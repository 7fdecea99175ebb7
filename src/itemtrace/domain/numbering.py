"""Number patterns: render a series' pattern for a counter value, and customised serial runs.

Never touches storage: the counter is allocated by the storage layer, this only renders it.
"""

from __future__ import annotations

import re
from datetime import date

from itemtrace.domain.errors import ValidationFailed

_TOKEN = re.compile(r"\{(seq(?::(\d+))?|YYYY|YY|MM|DD|item|location)\}")
_LAST_DIGITS = re.compile(r"(\d+)(\D*)$")
MAX_NUMBER_LENGTH = 50


def validate_pattern(pattern: str) -> None:
    """A pattern needs exactly one `{seq}` / `{seq:N}` counter and only known tokens."""
    counters = [m for m in _TOKEN.finditer(pattern) if m.group(1).startswith("seq")]
    if len(counters) != 1:
        raise ValidationFailed(
            f"pattern {pattern!r} must contain exactly one counter token such as {{seq:5}}"
        )
    leftover = _TOKEN.sub("", pattern)
    if "{" in leftover or "}" in leftover:
        raise ValidationFailed(
            f"pattern {pattern!r} has an unknown token: use {{seq:N}}, {{YYYY}}, {{YY}}, {{MM}}, {{DD}}, "
            "{item} or {location}"
        )


def render(pattern: str, seq: int, *, today: date, item: str = "", location: str = "") -> str:
    """Render one number: `render("SN-{YY}-{seq:4}", 7, today=...)` → `"SN-26-0007"`."""

    def token(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("seq"):
            width = int(match.group(2) or 0)
            return str(seq).zfill(width)
        return {
            "YYYY": f"{today.year:04d}",
            "YY": f"{today.year % 100:02d}",
            "MM": f"{today.month:02d}",
            "DD": f"{today.day:02d}",
            "item": item,
            "location": location,
        }[name]

    return _TOKEN.sub(token, pattern)


def customised_run(start: str, increment: int, count: int) -> list[str]:
    """Business Central's *Create Customized SN*: `S/N-Vend0001`, +1, 3 → 0001, 0002, 0003.

    The last group of digits is incremented, keeping its width, prefix and suffix.
    """
    match = _LAST_DIGITS.search(start)
    if match is None:
        raise ValidationFailed(
            f"customised run start {start!r} has no digits to increment: write it like 'S/N-Vend0001'"
        )
    if increment < 1:
        raise ValidationFailed(f"increment must be 1 or more, got {increment}")
    if count < 0:
        raise ValidationFailed(f"count must not be negative, got {count}")
    digits, suffix = match.group(1), match.group(2)
    prefix = start[: match.start(1)]
    width = len(digits)
    first = int(digits)
    numbers = [f"{prefix}{str(first + i * increment).zfill(width)}{suffix}" for i in range(count)]
    too_long = [n for n in numbers if len(n) > MAX_NUMBER_LENGTH]
    if too_long:
        raise ValidationFailed(f"number {too_long[0]!r} would exceed {MAX_NUMBER_LENGTH} characters")
    return numbers
