"""GS1 numbers and scans without a database: check digits (against biip's), GTIN forms, SSCCs,
the {sscc} number-series token, label paper, and the parsing of GS1's published examples."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itemtrace.adapters import gs1
from itemtrace.domain import barcodes, numbering
from itemtrace.domain.barcodes import ScanKind
from itemtrace.domain.errors import ErrorCode, ValidationFailed
from itemtrace.domain.labels import Label, paper
from itemtrace.domain.tracking import Dimension

TODAY = date(2026, 11, 30)


@given(st.text(alphabet="0123456789", min_size=1, max_size=17))
def test_the_check_digit_is_the_one_biip_computes(payload):
    assert barcodes.check_digit(payload) == gs1.check_digit(payload)


@pytest.mark.parametrize(
    "gtin", ["4006381333931", "09506000134352", "9506000134352", "96385074", "036000291452"]
)
def test_valid_gtins_of_every_length_are_accepted_as_given(gtin):
    assert barcodes.check_gtin(gtin) == gtin


def test_a_gtin_with_a_wrong_check_digit_says_which_digit_is_expected():
    with pytest.raises(ValidationFailed, match=r"wrong check digit: expected 1, got 2"):
        barcodes.check_gtin("4006381333932")


def test_a_gtin_matches_its_8_12_13_and_14_digit_forms():
    assert barcodes.gtin_forms("4006381333931") == ["04006381333931", "4006381333931"]
    assert barcodes.gtin_forms("00000096385074") == [
        "00000096385074",
        "0000096385074",
        "000096385074",
        "96385074",
    ]


def test_an_sscc_is_extension_prefix_reference_and_check_digit():
    # GS1's example SSCC (General Specifications): 3 7610425 002123456 9
    assert barcodes.sscc(3, "7610425", 2123456) == "376104250021234569"


def test_an_sscc_needs_a_company_prefix_and_a_reference_that_fits():
    with pytest.raises(ValidationFailed, match="ITEMTRACE_GS1_COMPANY_PREFIX"):
        barcodes.sscc(0, "", 1)
    with pytest.raises(ValidationFailed, match="used up"):
        barcodes.sscc(0, "952123456789", 10_000)


def test_the_sscc_token_renders_the_counter_as_serial_reference():
    number = numbering.render("{sscc:3}", 1, today=TODAY, company_prefix="7610425")

    assert number == "376104250000000017"
    assert gs1.parse(f"]C100{number}").sscc == number


def test_an_sscc_pattern_is_the_token_alone():
    numbering.check_series("{sscc}", start=1, increment=1)
    with pytest.raises(ValidationFailed, match="whole pattern"):
        numbering.check_series("P-{sscc}", start=1, increment=1)
    with pytest.raises(ValidationFailed, match="whole pattern"):
        numbering.check_series("{sscc}{seq}", start=1, increment=1)


# GS1's published example element strings, each in the forms a scanner may send.
@pytest.mark.parametrize(
    "data",
    [
        "]C10109506000134352172612311" + "0ABC123\x1d21SN1",
        "]d20109506000134352172612311" + "0ABC123\x1d21SN1",
        "(01)09506000134352(17)261231(10)ABC123(21)SN1",
        "0109506000134352172612311" + "0ABC123\x1d21SN1",
        "https://id.gs1.org/01/09506000134352/10/ABC123/21/SN1?17=261231",
        "]Q3https://id.gs1.org/01/09506000134352/10/ABC123/21/SN1?17=261231",
    ],
)
def test_gs1_example_element_strings_parse_in_every_form(data):
    scan = gs1.parse(data)

    assert (scan.gtin, scan.lot, scan.serial, scan.expiration_date) == (
        "09506000134352",
        "ABC123",
        "SN1",
        date(2026, 12, 31),
    )


def test_a_day_00_expiry_means_the_end_of_the_month():
    assert gs1.parse("(01)09506000134352(17)270200").expiration_date == date(2027, 2, 28)


def test_plain_text_and_numbers_that_are_not_gs1_are_plain_scans():
    assert gs1.parse("S/N-Vend0001").kind is ScanKind.PLAIN
    assert gs1.parse("10ABC").kind is ScanKind.PLAIN  # not read as lot ABC without ]C1 or (10)
    assert gs1.parse("]C0SN-1").data == "SN-1"


@pytest.mark.parametrize(
    "data",
    [
        "]C10109506000134353",  # GTIN check digit
        "]C100376104250021234568",  # SSCC check digit
        "(01)0950600013435",  # too short
        "(17)261331",  # month 13
        "(01)09506000134352(99",  # broken parentheses
        "]d2",  # nothing after the identifier
        "]E09506000134353",  # EAN-13 check digit
    ],
)
def test_malformed_data_and_wrong_check_digits_are_bad_barcodes(data):
    with pytest.raises(ValidationFailed) as refused:
        gs1.parse(data)

    assert refused.value.code is ErrorCode.BAD_BARCODE


def test_a_serial_label_carries_gtin_expiry_lot_and_serial_with_variable_fields_last():
    label = Label(
        "DRILL",
        "Drill",
        Dimension.SERIAL,
        "SN1",
        gtin="9506000134352",
        expiration_date=date(2027, 1, 31),
        lot="L1",
    )

    assert label.fields() == [("01", "09506000134352"), ("17", "270131"), ("10", "L1"), ("21", "SN1")]
    assert label.text() == ["DRILL", "Drill", "SN SN1  LOT L1", "EXP 2027-01-31"]


def test_a_package_label_carries_its_sscc_and_a_plain_package_number_nothing_gs1():
    assert Label(None, None, Dimension.PACKAGE, "376104250021234569").fields() == [
        ("00", "376104250021234569")
    ]
    assert Label("BOX", "Box", Dimension.PACKAGE, "P-1", gtin="9506000134352").fields() == []


def test_paper_is_a_label_size_or_a_sheet_grid():
    assert paper().label_mm == (50.0, 25.0)
    assert paper("100x50").page_mm == (100.0, 50.0)
    sheet = paper(sheet="a4-3x8")
    assert (sheet.columns, sheet.rows, sheet.label_mm, sheet.per_page) == (3, 8, (70.0, 37.125), 24)
    for size, sheet_name in (("50", None), ("5x5", None), (None, "a4-0x8"), ("50x25", "a4-3x8")):
        with pytest.raises(ValidationFailed):
            paper(size, sheet_name)


def test_an_image_of_more_labels_than_fit_one_is_refused_in_favour_of_a_pdf():
    from itemtrace.adapters import labels as drawing

    many = [Label("DRILL", "Drill", Dimension.SERIAL, f"S{i}") for i in range(drawing.MAX_IMAGE_LABELS + 1)]

    with pytest.raises(ValidationFailed, match="print more as a pdf"):
        drawing.render(many, paper(), "png")
