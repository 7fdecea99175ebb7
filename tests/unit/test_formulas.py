"""Date formulas: shelf life and warranty periods as D/W/M/Y terms."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# -- Business Central's own syntax ----------------------------------------------------------------
BC_DAY = date(1996, 5, 21)  # a Tuesday: the date Business Central's documentation works from


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("CQ+1M-10D", date(1996, 7, 20)),
        ("-WD2", date(1996, 5, 14)),
        ("CM+30D", date(1996, 6, 30)),
        ("CM+1D", date(1996, 6, 1)),
        ("<1Y>", date(1997, 5, 21)),
        ("<CM+1D>", date(1996, 6, 1)),
        ("cm+1d", date(1996, 6, 1)),
        ("1Q", date(1996, 8, 21)),
    ],
)
def test_business_centrals_worked_examples(formula, expected):
    assert formulas.apply(formula, BC_DAY) == expected


@pytest.mark.parametrize(
    ("formula", "start", "expected"),
    [
        # The current period's last day, and with a minus sign its first.
        ("CD", date(2026, 5, 13), date(2026, 5, 13)),
        ("CW", date(2026, 5, 13), date(2026, 5, 17)),  # Wednesday → Sunday
        ("-CW", date(2026, 5, 13), date(2026, 5, 11)),  # → Monday
        ("CW", date(2026, 5, 17), date(2026, 5, 17)),  # a Sunday is its week's end
        ("CM", date(2028, 2, 10), date(2028, 2, 29)),  # leap February
        ("CM", date(2027, 2, 10), date(2027, 2, 28)),
        ("-CM", date(2026, 12, 31), date(2026, 12, 1)),
        ("CQ", date(2026, 11, 30), date(2026, 12, 31)),
        ("-CQ", date(2026, 11, 30), date(2026, 10, 1)),
        ("CQ", date(2026, 1, 1), date(2026, 3, 31)),
        ("CY", date(2026, 1, 1), date(2026, 12, 31)),
        ("-CY", date(2026, 12, 31), date(2026, 1, 1)),
        ("-CM-1D", date(2026, 3, 15), date(2026, 2, 28)),  # last day of the previous month
        ("CM+1D+CM", date(2026, 1, 31), date(2026, 2, 28)),  # end of next month
    ],
)
def test_current_period_terms_go_to_its_end_or_with_a_minus_to_its_start(formula, start, expected):
    assert formulas.apply(formula, start) == expected


@pytest.mark.parametrize(
    ("formula", "start", "expected"),
    [
        ("D10", date(2026, 5, 9), date(2026, 5, 10)),
        ("D10", date(2026, 5, 10), date(2026, 6, 10)),  # "next" is strictly after
        ("-D10", date(2026, 5, 10), date(2026, 4, 10)),  # and "previous" strictly before
        ("D31", date(2026, 2, 5), date(2026, 2, 28)),  # a shorter month: its last day
        ("D31", date(2028, 2, 5), date(2028, 2, 29)),
        ("D31", date(2026, 4, 30), date(2026, 5, 31)),  # 30 April is April's "31st": next is May
        ("D1", date(2026, 12, 31), date(2027, 1, 1)),
        ("WD1", date(2026, 11, 30), date(2026, 12, 7)),  # Monday → the next Monday
        ("WD7", date(2026, 11, 30), date(2026, 12, 6)),  # → Sunday
        ("-WD5", date(2026, 11, 30), date(2026, 11, 27)),  # → the Friday before
        ("WD2+1W", date(2026, 11, 30), date(2026, 12, 8)),
    ],
)
def test_a_unit_and_a_number_is_the_next_such_day(formula, start, expected):
    assert formulas.apply(formula, start) == expected


@pytest.mark.parametrize(
    ("formula", "start", "expected"),
    [
        ("1WD", date(2026, 11, 27), date(2026, 11, 30)),  # Friday → Monday
        ("5WD", date(2026, 11, 30), date(2026, 12, 7)),
        ("-1WD", date(2026, 11, 30), date(2026, 11, 27)),
        ("1WD", date(2026, 11, 28), date(2026, 11, 30)),  # Saturday counts from Friday
    ],
)
def test_working_days_skip_weekends(formula, start, expected):
    assert formulas.apply(formula, start) == expected


@pytest.mark.parametrize(
    ("formula", "where"),
    [
        ("CQ+1X", "not understood at '+1X' (character 3)"),
        ("1Y6M", "sign (+ or -) is missing before '6M'"),
        ("D0", "'D0' needs a day of the month"),
        ("D32", "'D32' needs a day of the month"),
        ("WD8", "'WD8' needs a weekday from 1 (Monday) to 7 (Sunday)"),
        ("C", "'C' (character 1)"),
        ("<>", "is empty"),
    ],
)
def test_a_bad_formula_says_what_is_wrong_and_where(formula, where):
    with pytest.raises(ValidationFailed) as refused:
        formulas.validate(formula)

    assert where in refused.value.detail


@given(text=st.text(alphabet="0123456789DWMQYCdwmqyc+-<> ", max_size=12))
def test_any_text_is_a_date_or_a_clear_refusal(text):
    try:
        result = formulas.apply(text, date(2026, 1, 31))
    except ValidationFailed as refused:
        assert refused.code is ErrorCode.VALIDATION_ERROR
    else:
        assert isinstance(result, date)
