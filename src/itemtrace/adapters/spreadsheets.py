"""CSV and XLSX tables out: one header row, then one row per record.

Cells are written as their kind: numbers as numbers (`2`, not `2.000`), dates as dates (ISO
`YYYY-MM-DD` in CSV, real date cells in XLSX), booleans as `true`/`false`, None as an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = str | int | float | Decimal | date | bool | None


class SheetFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        if self is SheetFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(_number(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 CSV with a header row and `\\r\\n` line ends (RFC 4180, what spreadsheets expect)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_text(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _xlsx_cell(value: Cell) -> str | int | float | date | bool | None:
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # XLSX has no time zones; callers pass UTC
    return value


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, sheet: str = "Sheet1") -> bytes:
    """One worksheet: a bold, frozen header row, then the rows; columns sized to their content."""
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = sheet[:31]  # Excel's limit on sheet names
    ws.append(list(header))
    widths = [len(h) for h in header]
    for row in rows:
        values = [_xlsx_cell(c) for c in row]
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
        widths = [max(w, len(_text(c))) for w, c in zip(widths, row, strict=False)]
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(format: SheetFormat, header: Sequence[str], rows: Iterable[Sequence[Cell]], *, sheet: str) -> bytes:
    rows = list(rows)
    if format is SheetFormat.CSV:
        return write_csv(header, rows)
    return write_xlsx(header, rows, sheet=sheet)
