"""CSV and XLSX writing: numbers stay numbers, dates stay dates, empty cells stay empty."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from itemtrace.adapters.spreadsheets import SheetFormat, write

HEADER = ["item", "quantity", "date", "contains", "lot"]
ROWS = [
    ("DRILL", Decimal("2.000"), date(2026, 3, 3), True, None),
    ("GLUE", Decimal("2.5"), None, False, "L1"),
]


def test_csv_writes_plain_numbers_iso_dates_and_empty_cells():
    content = write(SheetFormat.CSV, HEADER, ROWS, sheet="x")

    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))

    assert rows == [HEADER, ["DRILL", "2", "2026-03-03", "true", ""], ["GLUE", "2.5", "", "false", "L1"]]
    assert content.endswith(b"\r\n")


def test_xlsx_writes_one_sheet_with_typed_cells():
    content = write(SheetFormat.XLSX, HEADER, ROWS, sheet="recall 1")

    book = load_workbook(io.BytesIO(content))

    assert book.sheetnames == ["recall 1"]
    header, first, second = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(header) == HEADER
    assert isinstance(first[2], datetime)
    assert (first[0], first[1], first[2].date(), first[3], first[4]) == (
        "DRILL",
        2,
        date(2026, 3, 3),
        True,
        None,
    )
    assert (second[1], second[2]) == (2.5, None)
