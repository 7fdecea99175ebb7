"""Date formulas: shelf life and warranty periods as D/W/M/Y terms."""

from __future__ import annotations

from datetime import date

import pytest

from itemtrace.domain import formulas
from itemtrace.domain.errors import ErrorCode, ValidationFailed


@pytest.mark.parametrize(
    ("formula", "start", "expected"),
    [
        ("30D", date(2026, 1, 15), date(2026, 2, 14)),
        ("2W", date(2026, 12, 25), date(2027, 1, 8)),
        ("6M", date(2026, 1, 15), date(2026, 7, 15)),
        ("2Y", date(2026, 1, 31), date(2028, 1, 31)),
        ("0D", date(2026, 1, 15), date(2026, 1, 15)),
        ("14M", date(2026, 11, 30), date(2028, 1, 30)),
    ],
)
def test_a_single_term_adds_days_weeks_months_or_years(formula, start, expected):
    assert formulas.apply(formula, start) == expected


@pytest.mark.parametrize(
    ("formula", "start", "expected"),
    [
        ("1M", date(2026, 1, 31), date(2026, 2, 28)),
        ("1M", date(2028, 1, 31), date(2028, 2, 29)),
        ("1M", date(2026, 3, 31), date(2026, 4, 30)),
        ("1Y", date(2028, 2, 29), date(2029, 2, 28)),
        ("-1M", date(2026, 3, 31), date(2026, 2, 28)),
    ],
)
def test_months_and_years_clamp_to_the_last_day_of_a_shorter_month(formula, start, expected):
    assert formulas.apply(formula, start) == expected


@pytest.mark.parametrize(
    ("formula", "start", "expected"),
    [
        ("1Y+6M", date(2026, 1, 15), date(2027, 7, 15)),
        ("1Y+6M", date(2026, 8, 31), date(2028, 2, 29)),
        ("1M-1D", date(2026, 1, 1), date(2026, 1, 31)),
        ("1W+2D", date(2026, 1, 1), date(2026, 1, 10)),
        ("-1Y", date(2026, 1, 1), date(2025, 1, 1)),
        (" 1y + 2m ", date(2026, 1, 1), date(2027, 3, 1)),
    ],
)
def test_terms_are_applied_left_to_right_with_their_signs(formula, start, expected):
    assert formulas.apply(formula, start) == expected


@pytest.mark.parametrize("formula", ["", "  ", "30", "D", "30X", "1Y+", "abc", "1.5M", "1Y 6 months"])
def test_a_formula_that_is_not_understood_is_refused(formula):
    with pytest.raises(ValidationFailed) as refused:
        formulas.apply(formula, date(2026, 1, 1))

    assert refused.value.code is ErrorCode.VALIDATION_ERROR
    assert "30D" in refused.value.detail


def test_validate_accepts_a_good_formula_without_a_date():
    formulas.validate("1Y+6M")


@pytest.mark.parametrize("formula", ["9000Y", "-3000Y", "99999999D", "999999999999W"])
def test_a_formula_reaching_past_the_calendar_is_refused_as_invalid(formula):
    with pytest.raises(ValidationFailed) as refused:
        formulas.apply(formula, date(2026, 1, 1))

    assert refused.value.code is ErrorCode.VALIDATION_ERROR
