"""Number patterns: render a series' pattern for a counter value, and customised serial runs.

Never touches storage: the counter is allocated by the storage layer, this only renders it.
"""

from __future__ import annotations

import re
from datetime import date

from itemtrace.domain import barcodes, limits
from itemtrace.domain.errors import ValidationFailed

_TOKEN = re.compile(r"\{(seq(?::(\d+))?|sscc(?::(\d))?|YYYY|YY|MM|DD|item|location)\}")
_SSCC = re.compile(r"\{sscc(?::(\d))?\}")
_LAST_DIGITS = re.compile(r"(\d+)(\D*)$")
MAX_NUMBER_LENGTH = limits.NUMBER
# What each date token renders to; {item} and {location} depend on the draw, checked then.
_DATE_WIDTH = {"YYYY": 4, "YY": 2, "MM": 2, "DD": 2}
_COUNTER_DIGITS = len(str(limits.MAX_SEQUENCE))


def validate_pattern(pattern: str) -> None:
    """A pattern needs exactly one `{seq}` / `{seq:N}` counter and only known tokens; `{sscc}` /
    `{sscc:E}` (E the extension digit) is a counter that stands alone, so the number is an SSCC."""
    counters = [m for m in _TOKEN.finditer(pattern) if m.group(1).startswith(("seq", "sscc"))]
    if _SSCC.search(pattern) and not _SSCC.fullmatch(pattern):
        raise ValidationFailed(
            f"pattern {pattern!r}: an {{sscc}} token must be the whole pattern (an SSCC is 18 digits "
            "and nothing else, so that its barcode scans back to the package)"
        )
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


def check_series(pattern: str, *, start: int, increment: int) -> None:
    """A series can be saved when its pattern is valid, its counter within the counter's range,
    and every number it can render fits a number's 50 characters.

    The longest number counts the counter at the widest it can grow (15 digits, or its width
    if wider) and the date tokens at their width; {item} and {location} are the values of each
    draw, so a number they make too long is refused when it is drawn.
    """
    validate_pattern(pattern)
    if not 0 <= start <= limits.MAX_SEQUENCE:
        raise ValidationFailed(f"start must be between 0 and {limits.MAX_SEQUENCE}, got {_shown(start)}")
    if not 1 <= increment <= limits.MAX_INCREMENT:
        raise ValidationFailed(
            f"increment must be between 1 and {limits.MAX_INCREMENT}, got {_shown(increment)}"
        )
    width = _width(pattern)
    if width > MAX_NUMBER_LENGTH:
        raise ValidationFailed(
            f"pattern {pattern!r} pads its counter to {width} digits, but a number holds at most "
            f"{MAX_NUMBER_LENGTH} characters: use a width such as {{seq:5}}"
        )
    longest = longest_number(pattern)
    if longest > MAX_NUMBER_LENGTH:
        raise ValidationFailed(
            f"pattern {pattern!r} can render numbers of {longest} characters (its counter may grow to "
            f"{max(width, _COUNTER_DIGITS)} digits), but a number holds at most {MAX_NUMBER_LENGTH}: "
            "shorten the text around the tokens"
        )


def longest_number(pattern: str) -> int:
    """The most characters a number of `pattern` can have, {item} and {location} left empty."""
    length = 0
    for match in _TOKEN.finditer(pattern):
        name = match.group(1)
        length += (
            max(_width(pattern), _COUNTER_DIGITS)
            if name.startswith("seq")
            else barcodes.SSCC_LENGTH
            if name.startswith("sscc")
            else _DATE_WIDTH.get(name, 0)
        )
    return length + len(_TOKEN.sub("", pattern))


def _width(pattern: str) -> int:
    counter = next((m for m in _TOKEN.finditer(pattern) if m.group(1).startswith("seq")), None)
    return int(counter.group(2) or 0) if counter is not None else 0


def render(
    pattern: str, seq: int, *, today: date, item: str = "", location: str = "", company_prefix: str = ""
) -> str:
    """Render one number: `render("SN-{YY}-{seq:4}", 7, today=...)` → `"SN-26-0007"`; `{sscc}`
    renders the SSCC of `company_prefix` with the counter as serial reference.

    Refused (`validation_error`) past the counter's range or the 50 characters of a number:
    drawn inside the transaction that allocated the counter, the refusal hands nothing out.
    """
    if seq > limits.MAX_SEQUENCE:
        raise ValidationFailed(
            f"the series with pattern {pattern!r} is used up: its counter reached {limits.MAX_SEQUENCE}"
        )
    if _width(pattern) > MAX_NUMBER_LENGTH:
        # A series saved before widths were checked: never pad a counter to megabytes.
        raise ValidationFailed(
            f"pattern {pattern!r} pads its counter past the {MAX_NUMBER_LENGTH} characters of a number"
        )

    def token(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("sscc"):
            return barcodes.sscc(int(match.group(3) or 0), barcodes.check_company_prefix(company_prefix), seq)
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

    number = _TOKEN.sub(token, pattern)
    if len(number) > MAX_NUMBER_LENGTH:
        raise ValidationFailed(
            f"number {number[:60]!r} of pattern {pattern!r} would have {len(number)} characters, "
            f"but a number holds at most {MAX_NUMBER_LENGTH}: shorten the pattern or the item/location"
        )
    return number


def customised_run(start: str, increment: int, count: int) -> list[str]:
    """Business Central's *Create Customized SN*: `S/N-Vend0001`, +1, 3 → 0001, 0002, 0003.

    The last group of digits is incremented, keeping its width, prefix and suffix.
    """
    match = _LAST_DIGITS.search(start)
    if match is None:
        raise ValidationFailed(
            f"customised run start {start!r} has no digits to increment: write it like 'S/N-Vend0001'"
        )
    if not 1 <= increment <= limits.MAX_INCREMENT:
        raise ValidationFailed(
            f"increment must be between 1 and {limits.MAX_INCREMENT}, got {_shown(increment)}"
        )
    if count < 0:
        raise ValidationFailed(f"count must not be negative, got {_shown(count)}")
    digits, suffix = match.group(1), match.group(2)
    prefix = start[: match.start(1)]
    width = len(digits)
    first = int(digits)

    def number(i: int) -> str:
        return f"{prefix}{str(first + i * increment).zfill(width)}{suffix}"

    # Numbers only grow: when the last one fits, they all do (and nothing big is built first).
    if count and len(last := number(count - 1)) > MAX_NUMBER_LENGTH:
        raise ValidationFailed(f"number {last[:60]!r} would exceed {MAX_NUMBER_LENGTH} characters")
    return [number(i) for i in range(count)]


def _shown(value: int) -> str:
    # An integer of thousands of digits cannot even be turned into text (Python refuses).
    return str(value) if abs(value) < 10**30 else "a number of more than 30 digits"
