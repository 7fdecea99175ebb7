"""CSV and XLSX tables out: one header row, then one row per record.

Cells are written as their kind: numbers as numbers (`2`, not `2.000`), dates as dates (ISO
`YYYY-MM-DD` in CSV, real date cells in XLSX), booleans as `true`/`false`, None as an empty cell.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import IO

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


# -- streaming: rows in and out in constant memory ------------------------------------------------

ReadCell = str | int | float | date | datetime | bool | None


class UnreadableFile(ValueError):
    """The file is not the CSV or XLSX its name says."""


def format_of(file_name: str) -> SheetFormat:
    """The format a file name says (`.csv`, `.xlsx`); ValueError for anything else."""
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in {f.value for f in SheetFormat}:
        raise UnreadableFile(f"{file_name!r} is neither .csv nor .xlsx: save the table as CSV or XLSX")
    return SheetFormat(suffix)


def read_rows(format: SheetFormat, source: IO[bytes]) -> Iterator[Sequence[ReadCell]]:
    """The rows of a table, header first, one at a time (CSV: UTF-8, with or without a BOM;
    XLSX: the first worksheet, read in openpyxl's read-only mode)."""
    if format is SheetFormat.CSV:
        return _read_csv(source)
    return _read_xlsx(source)


def _read_csv(source: IO[bytes]) -> Iterator[Sequence[ReadCell]]:
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        yield from csv.reader(text)
    except (UnicodeDecodeError, csv.Error) as error:
        raise UnreadableFile(f"the CSV file cannot be read ({error}): save it as UTF-8 CSV") from error
    finally:
        with contextlib.suppress(ValueError):  # the source was closed first: nothing to give back
            text.detach()


def _read_xlsx(source: IO[bytes]) -> Iterator[Sequence[ReadCell]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableFile(
            f"the XLSX file cannot be read ({type(error).__name__}): save it again as XLSX"
        ) from error
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_read_cell(c) for c in row]
    finally:
        book.close()


def _read_cell(value: object) -> ReadCell:
    if value is None or isinstance(value, str | int | float | date | bool):
        return value
    return str(value)


def csv_chunks(header: Sequence[str], pages: Iterable[Iterable[Sequence[Cell]]]) -> Iterator[bytes]:
    """CSV as it is produced: the header, then one chunk of bytes per page of rows (the same
    text `write_csv` gives for all of them)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    yield out.getvalue().encode("utf-8")
    for page in pages:
        out.seek(0)
        out.truncate()
        writer.writerows([_text(c) for c in row] for row in page)
        chunk = out.getvalue()
        if chunk:
            yield chunk.encode("utf-8")


def write_xlsx_stream(
    header: Sequence[str],
    pages: Iterable[Iterable[Sequence[Cell]]],
    target: IO[bytes],
    *,
    sheet: str = "Sheet1",
) -> None:
    """One worksheet written in openpyxl's write-only mode (rows go to disk as they come):
    a bold, frozen header, dates as date cells."""
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(len(name), 12) + 2
    bold = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        bold.append(cell)
    ws.append(bold)
    for page in pages:
        for row in page:
            values: list[object] = []
            for value in row:
                converted = _xlsx_cell(value)
                if type(converted) is date:
                    cell = WriteOnlyCell(ws, value=converted)  # type: ignore[arg-type]  # a date cell
                    cell.number_format = "yyyy-mm-dd"
                    values.append(cell)
                else:
                    values.append(converted)
            ws.append(values)
    book.save(target)
