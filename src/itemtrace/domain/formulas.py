"""Date formulas as Business Central writes them: shelf life → expiration, warranty → warranty date.

A formula is a sequence of signed terms read left to right (`"CQ+1M-10D"`); each term is one of

- a number and a unit: `30D` days, `2W` weeks, `1M` months, `1Q` quarters, `1Y` years, `5WD`
  working days (Monday to Friday). Months, quarters and years keep the day of the month, clamped to
  the month's last day (31 Jan + 1M = 28/29 Feb);
- `C` and a unit, the current period's last day (`CW` Sunday, `CM`, `CQ`, `CY`; `CD` is the day
  itself); with a minus sign its first day (`-CM` is the 1st of the month, `-CW` the Monday);
- a unit and a number, the next such day, strictly after: `D10` the next 10th (in a shorter month
  its last day), `WD2` the next Tuesday (weeks run Monday 1 to Sunday 7); with a minus sign the
  previous one (`-WD2`).

Units and `C` may be lower case, and the angle brackets users paste from Business Central
(`<1Y>`) are accepted. Worked examples from 1996-05-21: `CQ+1M-10D` → 1996-07-20, `-WD2` →
1996-05-14, `CM+30D` → 1996-06-30.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta, weekday

from itemtrace.domain.errors import ValidationFailed

Unit = Literal["D", "WD", "W", "M", "Q", "Y"]

_HINT = (
    "write signed terms like 30D, 2W, 1M, 1Q, 1Y, CM (end of the month), -CM (its first day), "
    "D10 (the next 10th) or WD2 (the next Tuesday), e.g. 1Y+6M or CM+1D"
)
# One term at a time, anchored where the previous one ended: sign, then one of the three shapes.
_TERM = re.compile(
    r"(?P<sign>[+-]?)(?:"
    r"(?P<count>\d+)(?P<unit>WD|[DWMQY])"
    r"|C(?P<period>[DWMQY])"
    r"|(?P<day_unit>WD|D)(?P<day>\d+)"
    r")",
    re.IGNORECASE,
)
_MONTHS = {"M": 1, "Q": 3, "Y": 12}


@dataclass(frozen=True, slots=True)
class _Step:
    """`30D`, `-1M`, `5WD`: move by a number of units."""

    sign: int
    count: int
    unit: str

    def apply(self, day: date) -> date:
        n = self.sign * self.count
        if self.unit == "D":
            return day + timedelta(days=n)
        if self.unit == "W":
            return day + timedelta(weeks=n)
        if self.unit == "WD":
            return _working_days(day, n)
        return day + relativedelta(months=_MONTHS[self.unit] * n)


@dataclass(frozen=True, slots=True)
class _PeriodEdge:
    """`CM`: the last day of the current month; `-CM`: its first day."""

    sign: int
    unit: str

    def apply(self, day: date) -> date:
        start = day
        if self.unit == "W":
            start = day - timedelta(days=day.weekday())
        elif self.unit == "M":
            start = day.replace(day=1)
        elif self.unit == "Q":
            start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        elif self.unit == "Y":
            start = date(day.year, 1, 1)
        if self.sign < 0 or self.unit == "D":
            return start
        length = relativedelta(weeks=1) if self.unit == "W" else relativedelta(months=_MONTHS[self.unit])
        return start + length - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _NextDay:
    """`D10`: the next 10th of a month; `WD2`: the next Tuesday; `-WD2`: the previous one."""

    sign: int
    unit: str
    number: int

    def apply(self, day: date) -> date:
        if self.unit == "WD":
            step = weekday(self.number - 1)(self.sign)  # dateutil's MO(+1): this or the next Monday
            return day + timedelta(days=self.sign) + relativedelta(weekday=step)
        # The next (or previous) month whose `number`th day (clamped to its end) is past `day`.
        month = day.replace(day=1)
        while True:
            candidate = month + relativedelta(day=self.number)  # relativedelta clamps day=31 to the end
            if (candidate > day) if self.sign > 0 else (candidate < day):
                return candidate
            month += relativedelta(months=self.sign)


_Term = _Step | _PeriodEdge | _NextDay


def _working_days(day: date, n: int) -> date:
    """Monday to Friday only; a start on a weekend counts from the Friday before (or Monday after)."""
    step = 1 if n >= 0 else -1
    while day.weekday() >= 5:
        day += timedelta(days=-step)
    weeks, rest = divmod(abs(n), 5)
    day += timedelta(weeks=step * weeks)
    for _ in range(rest):
        day += timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
    return day


def parse(formula: str) -> tuple[_Term, ...]:
    """The formula's terms, or `ValidationFailed` saying what is wrong and where."""
    text = formula.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    text = re.sub(r"\s+", "", text)
    if not text:
        raise ValidationFailed(f"date formula {formula!r} is empty: {_HINT}")
    terms: list[_Term] = []
    at = 0
    while at < len(text):
        found = _TERM.match(text, at)
        if found is None or (terms and not found["sign"]):
            rest = text[at:]
            problem = "a sign (+ or -) is missing before" if found is not None else "not understood at"
            raise ValidationFailed(
                f"date formula {formula!r}: {problem} {rest!r} (character {at + 1}): {_HINT}"
            )
        terms.append(_term(found, formula))
        at = found.end()
    return tuple(terms)


def _term(found: re.Match[str], formula: str) -> _Term:
    sign = -1 if found["sign"] == "-" else 1
    if found["unit"]:
        return _Step(sign, int(found["count"]), found["unit"].upper())
    if found["period"]:
        return _PeriodEdge(sign, found["period"].upper())
    unit, number = found["day_unit"].upper(), int(found["day"])
    limit = 7 if unit == "WD" else 31
    if not 1 <= number <= limit:
        what = "a weekday from 1 (Monday) to 7 (Sunday)" if unit == "WD" else "a day of the month, 1 to 31"
        raise ValidationFailed(f"date formula {formula!r}: {found.group(0)!r} needs {what}: {_HINT}")
    return _NextDay(sign, unit, number)


def validate(formula: str) -> None:
    parse(formula)


def apply(formula: str, start: date) -> date:
    """`apply("CM+1D", date(2026, 1, 15))` → `date(2026, 2, 1)`."""
    terms = parse(formula)
    result = start
    try:
        for term in terms:
            result = term.apply(result)
    except (OverflowError, ValueError):
        # A huge term ("9000Y") runs past year 9999: a bad formula, not a server error.
        raise ValidationFailed(
            f"date formula {formula!r} applied to {start.isoformat()} leaves the calendar: use a shorter period"
        ) from None
    return result
