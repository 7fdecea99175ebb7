"""Date formulas: shelf life → expiration date, warranty formula → warranty date.

A formula is one or more signed terms of a whole number and a unit: `D` days, `W` weeks,
`M` months, `Y` years (`"30D"`, `"2Y"`, `"1Y+6M"`, `"1M-1D"`). Months and years keep the
day of month, clamped to the month's last day (31 Jan + 1M = 28/29 Feb).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from itemtrace.domain.errors import ValidationFailed

_TERM = re.compile(r"([+-]?)\s*(\d+)\s*([DWMY])", re.IGNORECASE)
_WHOLE = re.compile(r"^\s*([+-]?\s*\d+\s*[DWMY]\s*)+$", re.IGNORECASE)


def validate(formula: str) -> None:
    if not _WHOLE.match(formula):
        raise ValidationFailed(
            f"date formula {formula!r} is not understood: write terms like 30D, 2W, 6M, 1Y or 1Y+6M"
        )


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def apply(formula: str, start: date) -> date:
    """`apply("2Y", date(2026, 1, 31))` → `date(2028, 1, 31)`."""
    validate(formula)
    result = start
    try:
        for sign, number, unit in _TERM.findall(formula):
            n = int(number) * (-1 if sign == "-" else 1)
            match unit.upper():
                case "D":
                    result += timedelta(days=n)
                case "W":
                    result += timedelta(weeks=n)
                case "M":
                    result = _add_months(result, n)
                case _:
                    result = _add_months(result, 12 * n)
    except (OverflowError, ValueError):
        # A huge term ("9000Y") runs past year 9999: a bad formula, not a server error.
        raise ValidationFailed(
            f"date formula {formula!r} applied to {start.isoformat()} leaves the calendar: use a shorter period"
        ) from None
    return result
