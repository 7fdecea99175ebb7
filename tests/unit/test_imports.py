"""The import's rows: header, cells, grouping into lines, and violations back onto rows."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from itemtrace.adapters import spreadsheets
from itemtrace.adapters.spreadsheets import SheetFormat
from itemtrace.domain import limits
from itemtrace.domain.errors import ErrorCode, Violation
from itemtrace.domain.imports import COLUMNS, Batch, ImportRejected, ImportRow, parse_row, read_header

ALL = list(COLUMNS)


def row(*cells: object, number: int = 2, default: str | None = None) -> ImportRow | list:
    parsed = parse_row(list(cells), ALL, number, default_location=default)  # type: ignore[arg-type]
    assert parsed is not None
    return parsed


def test_the_header_is_case_insensitive_and_refuses_unknown_and_repeated_columns() -> None:
    assert read_header(["Serial", " ITEM ", None]) == ["serial", "item", None]
    with pytest.raises(ImportRejected) as refused:
        read_header(["item", "expiry_date", "item"])
    assert [(e.row, e.column) for e in refused.value.errors] == [(1, "expiry_date"), (1, "item")]
    with pytest.raises(ImportRejected, match="needs an item column"):
        read_header(["serial"])


def test_a_serial_row_is_one_unit_and_dates_are_read_from_text_or_cells() -> None:
    parsed = row("DRILL", "WH1", "SN/1", None, None, None, "2027-01-31", datetime(2028, 6, 30))
    assert isinstance(parsed, ImportRow)
    assert parsed.tracking.quantity == 1 and parsed.tracking.serial == "SN/1"
    assert parsed.tracking.expiration_date == date(2027, 1, 31)
    assert parsed.tracking.warranty_date == date(2028, 6, 30)
    assert isinstance(row("SCREW", None, None, None, None, 2.5, default="WH2"), ImportRow)
    assert parse_row(["", "  ", None], ALL, 7, default_location=None) is None  # an empty row


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        (["SCREW", "WH1", None, None, None, "many"], "quantity"),
        (["SCREW", "WH1", None, None, None, "0"], "quantity"),
        (["SCREW", "WH1", None, None, None, "1.0001"], "quantity"),
        (["SCREW", "WH1", None, None, None, "1e13"], "quantity"),
        (["SCREW", "WH1", None, None, None, "NaN"], "quantity"),
        (["SCREW", "WH1", None, None, None, None], "quantity"),
        (["SCREW", None, None, None, None, "1"], "location"),
        ([None, "WH1", "SN-1"], "item"),
        (["S" * (limits.SKU + 1), "WH1", "SN-1"], "item"),
        (["DRILL", "WH1", "SN\x00"], "serial"),
        (["MILK", "WH1", None, "L-1", None, "1", "2027-02-30"], "expiration_date"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(cells: list[object], column: str) -> None:
    errors = row(*cells, number=9)
    assert isinstance(errors, list)
    assert [(e.row, e.column, e.code) for e in errors] == [(9, column, ErrorCode.VALIDATION_ERROR)]


@given(st.lists(st.one_of(st.none(), st.text(max_size=60), st.integers(), st.floats()), max_size=10))
def test_any_cells_give_a_row_or_errors_never_an_exception(cells: list[object]) -> None:
    parsed = parse_row(cells, ALL, 2, default_location="WH1")  # type: ignore[arg-type]
    assert parsed is None or isinstance(parsed, ImportRow | list)


def test_rows_group_into_lines_by_item_and_location_and_violations_come_back_to_rows() -> None:
    batch = Batch()
    lines: list[list[object]] = [
        ["DRILL", "WH1", "SN-1"],
        ["SCREW", "WH1", None, None, None, "5"],
        ["DRILL", "WH1", "SN-2"],
        ["SCREW", "WH1", None, None, None, "2"],
        ["DRILL", "WH2", "SN-1"],
    ]
    for number, cells in enumerate(lines, start=2):
        parsed = row(*cells, number=number)
        assert isinstance(parsed, ImportRow)
        batch.add(parsed)
    document = batch.document(reference="import x.csv", posting_date=None)
    assert [(ln.item, ln.to_location, ln.quantity, len(ln.tracking)) for ln in document.lines] == [
        ("DRILL", "WH1", Decimal(2), 2),
        ("SCREW", "WH1", Decimal(7), 0),
        ("DRILL", "WH2", Decimal(1), 1),
    ]
    errors = batch.row_errors(
        [
            Violation(1, "SN-2", ErrorCode.SERIAL_EXISTS, "line 1: serial SN-2 of DRILL is already in stock"),
            Violation(2, None, ErrorCode.LOCATION_CLOSED, "line 2: location WH1 is closed"),
            Violation(
                3, "SN-1", ErrorCode.SERIAL_QUANTITY, "line 3: serial SN-1 of DRILL appears more than once"
            ),
        ]
    )
    assert [(e.row, e.column, e.code) for e in errors] == [
        (2, "serial", ErrorCode.SERIAL_QUANTITY),
        (3, "location", ErrorCode.LOCATION_CLOSED),
        (4, "serial", ErrorCode.SERIAL_EXISTS),
        (5, "location", ErrorCode.LOCATION_CLOSED),
        (6, "serial", ErrorCode.SERIAL_QUANTITY),
    ]
    assert errors[2].detail == "serial SN-2 of DRILL is already in stock"  # no document line number


def test_a_group_is_split_into_lines_of_at_most_max_tracking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TRACKING", 2)
    batch = Batch()
    for n in range(5):
        parsed = row("DRILL", "WH1", f"SN-{n}", number=n + 2)
        assert isinstance(parsed, ImportRow)
        batch.add(parsed)
    assert [len(ln.tracking) for ln in batch.document(reference=None, posting_date=None).lines] == [2, 2, 1]


def test_streamed_csv_is_what_the_whole_file_writer_writes() -> None:
    rows = [["DRILL", "WH1", "SN-1", None, None, Decimal("1.000"), date(2027, 1, 1), None]] * 3
    streamed = b"".join(spreadsheets.csv_chunks(ALL, [rows[:2], rows[2:], []]))
    assert streamed == spreadsheets.write_csv(ALL, rows)
    assert list(spreadsheets.read_rows(SheetFormat.CSV, io.BytesIO(b"\xef\xbb\xbf" + streamed)))[1][:3] == [
        "DRILL",
        "WH1",
        "SN-1",
    ]


def test_streamed_xlsx_has_a_header_and_date_cells() -> None:
    out = io.BytesIO()
    spreadsheets.write_xlsx_stream(
        ["item", "expiration_date"], [[["MILK", date(2027, 1, 31)]]], out, sheet="stock"
    )
    rows = list(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows(values_only=True))
    assert rows == [("item", "expiration_date"), ("MILK", datetime(2027, 1, 31))]
    assert [list(r) for r in spreadsheets.read_rows(SheetFormat.XLSX, io.BytesIO(out.getvalue()))][1][
        0
    ] == "MILK"
