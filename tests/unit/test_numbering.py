"""Number patterns: rendering a series' tokens, validating patterns, customised serial runs."""

from __future__ import annotations

from datetime import date

import pytest

from itemtrace.domain.errors import ErrorCode, ValidationFailed
from itemtrace.domain.limits import MAX_SEQUENCE
from itemtrace.domain.numbering import (
    MAX_NUMBER_LENGTH,
    check_series,
    customised_run,
    longest_number,
    render,
    validate_pattern,
)

DAY = date(2026, 3, 7)


# --- render -------------------------------------------------------------------------------------


def test_the_counter_is_zero_padded_to_its_width():
    number = render("SN-{seq:5}", 42, today=DAY)

    assert number == "SN-00042"


def test_a_counter_wider_than_its_width_is_not_truncated():
    number = render("{seq:2}", 1234, today=DAY)

    assert number == "1234"


def test_a_counter_without_a_width_is_not_padded():
    number = render("LOT{seq}", 7, today=DAY)

    assert number == "LOT7"


def test_date_tokens_take_the_date_given():
    number = render("{YYYY}/{YY}-{MM}-{DD}-{seq:3}", 9, today=DAY)

    assert number == "2026/26-03-07-009"


def test_item_and_location_tokens_take_the_values_given():
    number = render("{item}@{location}-{seq:2}", 3, today=DAY, item="DRILL-X", location="WH1")

    assert number == "DRILL-X@WH1-03"


def test_text_around_the_tokens_is_kept_as_it_is():
    number = render("S/N {seq:4} (A)", 1, today=DAY)

    assert number == "S/N 0001 (A)"


# --- validate_pattern ---------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["SN-{seq:5}", "{seq}", "{item}-{YYYY}{MM}{DD}-{seq:3}-{location}"])
def test_a_pattern_with_one_counter_and_known_tokens_is_valid(pattern):
    validate_pattern(pattern)


@pytest.mark.parametrize("pattern", ["SN-0001", "{YYYY}-{MM}", "{seq:3}-{seq:3}"])
def test_a_pattern_needs_exactly_one_counter(pattern):
    with pytest.raises(ValidationFailed) as refused:
        validate_pattern(pattern)

    assert refused.value.code is ErrorCode.VALIDATION_ERROR
    assert "exactly one counter" in refused.value.detail


@pytest.mark.parametrize("pattern", ["{seq:3}-{color}", "{seq:3}}", "{{seq:3}", "{seq:x}-{seq:2}"])
def test_a_pattern_with_an_unknown_token_is_refused(pattern):
    with pytest.raises(ValidationFailed):
        validate_pattern(pattern)


def test_an_unknown_token_error_lists_the_known_tokens():
    with pytest.raises(ValidationFailed) as refused:
        validate_pattern("{seq:3}-{color}")

    assert "unknown token" in refused.value.detail
    assert "{YYYY}" in refused.value.detail


# --- customised_run -----------------------------------------------------------------------------


def test_a_customised_run_increments_the_last_digits_keeping_width_and_prefix():
    numbers = customised_run("S/N-Vend0001", 1, 3)

    assert numbers == ["S/N-Vend0001", "S/N-Vend0002", "S/N-Vend0003"]


def test_a_customised_run_keeps_the_suffix_after_the_last_digits():
    numbers = customised_run("A1-0098-X", 1, 3)

    assert numbers == ["A1-0098-X", "A1-0099-X", "A1-0100-X"]


def test_a_customised_run_steps_by_its_increment():
    numbers = customised_run("LOT10", 5, 3)

    assert numbers == ["LOT10", "LOT15", "LOT20"]


def test_a_customised_run_grows_past_its_width_rather_than_wrapping():
    numbers = customised_run("SN-99", 1, 2)

    assert numbers == ["SN-99", "SN-100"]


def test_a_customised_run_of_zero_numbers_is_empty():
    assert customised_run("SN-1", 1, 0) == []


def test_a_customised_run_start_without_digits_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        customised_run("S/N-Vend", 1, 3)

    assert refused.value.code is ErrorCode.VALIDATION_ERROR
    assert "no digits" in refused.value.detail


@pytest.mark.parametrize(("increment", "count"), [(0, 3), (-1, 3), (1, -1)])
def test_a_customised_run_with_a_bad_increment_or_count_is_refused(increment, count):
    with pytest.raises(ValidationFailed):
        customised_run("SN-1", increment, count)


def test_a_customised_run_that_would_exceed_the_number_length_is_refused():
    start = "X" * (MAX_NUMBER_LENGTH - 1) + "9"

    with pytest.raises(ValidationFailed) as refused:
        customised_run(start, 1, 2)

    assert f"exceed {MAX_NUMBER_LENGTH} characters" in refused.value.detail


# --- check_series: what a series may be saved as ------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    ["SN-{YY}-{seq:5}", "{seq}", "{item}-{location}-{seq:2}", "X" * 35 + "{seq}", "{seq:50}"],
)
def test_a_series_whose_numbers_fit_fifty_characters_can_be_saved(pattern):
    check_series(pattern, start=1, increment=1)


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("{seq:60}", "pads its counter to 60 digits"),
        ("SN-{seq:5000000}", "pads its counter to 5000000 digits"),
        ("X" * 36 + "{seq}", "51 characters"),
        ("{YYYY}" * 9 + "{seq}", "51 characters"),
        ("X" * 40 + "{seq:11}", "55 characters"),
    ],
)
def test_a_series_whose_numbers_could_pass_fifty_characters_is_refused_saying_why(pattern, why):
    with pytest.raises(ValidationFailed) as refused:
        check_series(pattern, start=1, increment=1)

    assert why in refused.value.detail
    assert "50" in refused.value.detail


@pytest.mark.parametrize(
    ("start", "increment"), [(-1, 1), (10**15, 1), (2**63, 1), (1, 0), (1, 2**31), (1, -5)]
)
def test_a_series_counter_outside_its_columns_is_refused(start, increment):
    with pytest.raises(ValidationFailed):
        check_series("SN-{seq}", start=start, increment=increment)


def test_the_longest_number_counts_the_counter_at_fifteen_digits_and_dates_at_their_width():
    assert longest_number("SN-{YYYY}{MM}-{seq:3}") == 3 + 4 + 2 + 1 + 15
    assert longest_number("{item}{location}{seq:20}") == 20


# --- render's own bounds ------------------------------------------------------------------------


def test_a_rendered_number_past_fifty_characters_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        render("{item}-{seq:4}", 1, today=DAY, item="I" * 48)

    assert "53 characters" in refused.value.detail


def test_a_counter_padded_wider_than_a_number_is_refused_before_it_is_built():
    # A series saved before widths were checked must not pad a counter to megabytes.
    with pytest.raises(ValidationFailed):
        render("{seq:5000000}", 1, today=DAY)


def test_a_used_up_counter_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        render("{seq}", MAX_SEQUENCE + 1, today=DAY)

    assert "used up" in refused.value.detail


def test_a_customised_run_with_a_huge_increment_is_refused_before_any_number_is_built():
    with pytest.raises(ValidationFailed):
        customised_run("SN-1", 10**5000, 100_000)


def test_a_customised_run_checks_its_last_number_first():
    with pytest.raises(ValidationFailed):
        customised_run("X" * 45 + "0001", 2**31 - 1, 100_000)
