"""Opening balances from a table: rows → one adjustment document, and posting violations → rows.

A file is a header row naming columns (`COLUMNS`, any order, any case) and one row per number or
quantity. Every row is checked on its own first (`parse_row`: values, lengths, dates, quantities);
the rows are then grouped by (item, location) into document lines (`Batch`), and a refusal of the
posting rules is mapped back from document lines to the file's rows (`row_errors`).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from itemtrace.domain import limits
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine, is_valid_number
from itemtrace.domain.errors import ErrorCode, ItemtraceError, Violation
from itemtrace.domain.masterdata import Location, LocationKind

COLUMNS: tuple[str, ...] = (
    "item",
    "location",
    "serial",
    "lot",
    "package",
    "quantity",
    "expiration_date",
    "warranty_date",
)
NUMBERS = ("serial", "lot", "package")
# An import is an adjustment into the location: stock that is there, from no partner.
DOCUMENT_TYPE = DocumentType.ADJUSTMENT
# Errors a rejected import keeps (the rest are counted): a report a person can read.
MAX_ERRORS = 10_000
# Rows checked and posted at a time: the memory an import holds, whatever the file's size.
SLICE = 20_000

Cell = str | int | float | Decimal | date | datetime | bool | None


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell (or row, `column` None): the file's row number, the column, a code, and why."""

    row: int
    column: str | None
    code: ErrorCode
    detail: str


class ImportRejected(ItemtraceError):
    """Some rows are bad: nothing was posted. `errors` lists every bad row (up to `MAX_ERRORS`)."""

    title = "Import refused"

    def __init__(self, errors: Sequence[RowError], *, total: int | None = None) -> None:
        self.errors = list(errors)
        self.job_id: int | None = None  # the recorded job, once it is
        self.total = total if total is not None else len(self.errors)
        first = self.errors[0]
        more = self.total - 1
        where = f"row {first.row}" + (f", column {first.column}" if first.column else "")
        detail = f"{where}: {first.detail}"
        if more:
            detail += (
                f" (and {more} more problem(s)); nothing was imported: fix the rows and import the file again"
            )
        else:
            detail += "; nothing was imported: fix the row and import the file again"
        super().__init__(detail, code=first.code)


@dataclass(frozen=True, slots=True)
class ImportRow:
    row: int
    item: str
    location: str
    tracking: TrackingLine


def read_header(cells: Sequence[Cell]) -> list[str | None]:
    """The column of each position (None: an empty header cell, whose cells must stay empty).

    Raises `ImportRejected` naming unknown or repeated columns, with the list of known ones.
    """
    known = ", ".join(COLUMNS)
    names: list[str | None] = []
    errors: list[RowError] = []
    for cell in cells:
        name = _text(cell).strip().lower() if cell is not None else ""
        if not name:
            names.append(None)
            continue
        if name not in COLUMNS:
            errors.append(
                RowError(
                    1, name, ErrorCode.VALIDATION_ERROR, f"unknown column {name!r}: the columns are {known}"
                )
            )
        elif name in names:
            errors.append(RowError(1, name, ErrorCode.VALIDATION_ERROR, f"column {name!r} appears twice"))
        names.append(name)
    if not errors and "item" not in names:
        errors.append(
            RowError(
                1,
                "item",
                ErrorCode.VALIDATION_ERROR,
                f"the header row needs an item column (columns: {known})",
            )
        )
    if errors:
        raise ImportRejected(errors)
    return names


def parse_row(
    cells: Sequence[Cell], columns: Sequence[str | None], row: int, *, default_location: str | None
) -> ImportRow | list[RowError] | None:
    """One data row as a tracking line of an item at a location, or every problem it has.

    None for an empty row (skipped, as spreadsheets leave them). Text cells are trimmed.
    """
    values: dict[str, Cell] = {}
    errors: list[RowError] = []
    width = len(columns)
    for index, cell in enumerate(cells):
        if cell is None:
            continue
        if type(cell) is str:
            cell = cell.strip()
            if not cell:
                continue
        name = columns[index] if index < width else None
        if name is None:
            errors.append(
                RowError(
                    row, None, ErrorCode.VALIDATION_ERROR, f"cell {index + 1} has no column in the header row"
                )
            )
            continue
        values[name] = cell
    if not values and not errors:
        return None
    item = _name(values, "item", limits.SKU, row, errors)
    if "item" not in values:
        errors.append(RowError(row, "item", ErrorCode.VALIDATION_ERROR, "the item is missing"))
    if "location" in values:
        location = _name(values, "location", limits.LOCATION_CODE, row, errors)
    elif default_location is not None:
        location = default_location
    else:
        location = None
        errors.append(
            RowError(
                row,
                "location",
                ErrorCode.VALIDATION_ERROR,
                "the location is missing: fill the column, or give a default location (--location)",
            )
        )
    serial = _number(values, "serial", row, errors)
    lot = _number(values, "lot", row, errors)
    package = _number(values, "package", row, errors)
    quantity = _quantity(values.get("quantity"), "serial" in values, row, errors)
    expiration = _date(values, "expiration_date", row, errors) if "expiration_date" in values else None
    warranty = _date(values, "warranty_date", row, errors) if "warranty_date" in values else None
    if errors or item is None or location is None or quantity is None:
        return errors
    return ImportRow(
        row,
        item,
        location,
        TrackingLine(
            serial=serial,
            lot=lot,
            package=package,
            quantity=quantity,
            expiration_date=expiration,
            warranty_date=warranty,
        ),
    )


def _name(values: Mapping[str, Cell], name: str, width: int, row: int, errors: list[RowError]) -> str | None:
    """A code (SKU, location): at most `width` printable characters."""
    cell = values.get(name)
    if cell is None:
        return None
    value = cell if type(cell) is str else _text(cell).strip()
    if len(value) > width:
        errors.append(
            RowError(
                row,
                name,
                ErrorCode.VALIDATION_ERROR,
                f"{name} is {len(value)} characters long; at most {width}",
            )
        )
        return None
    if not value.isprintable():
        errors.append(
            RowError(row, name, ErrorCode.VALIDATION_ERROR, f"{name} has control characters: remove them")
        )
        return None
    return value


def _number(values: Mapping[str, Cell], name: str, row: int, errors: list[RowError]) -> str | None:
    """A serial, lot or package number (1 to 50 printable characters)."""
    cell = values.get(name)
    if cell is None:
        return None
    number = cell if type(cell) is str else _text(cell).strip()
    if is_valid_number(number):
        return number
    errors.append(
        RowError(
            row,
            name,
            ErrorCode.VALIDATION_ERROR,
            f"{name} {number[:60]!r} is not a valid number: use 1 to {limits.NUMBER} printable characters",
        )
    )
    return None


def check_references(
    groups: Iterable[tuple[str, str]],
    rows_of: Callable[[str, str], Sequence[int]],
    items: Iterable[str],
    locations: Mapping[str, Location],
) -> list[RowError]:
    """Rows naming an unknown item, an unknown location, or a place stock cannot be put (only
    internal locations hold opening balances). `groups` is (item, location); `rows_of` gives
    a group's rows (asked for the bad groups only)."""
    known_items = set(items)
    errors: list[RowError] = []
    for item, code in groups:
        location = locations.get(code)
        if item in known_items and location is not None and location.kind is LocationKind.INTERNAL:
            continue
        for row in rows_of(item, code):
            if item not in known_items:
                errors.append(
                    RowError(row, "item", ErrorCode.NOT_FOUND, f"item {item} does not exist: create it first")
                )
            if location is None:
                errors.append(
                    RowError(
                        row,
                        "location",
                        ErrorCode.NOT_FOUND,
                        f"location {code} does not exist: create it first",
                    )
                )
            elif location.kind is not LocationKind.INTERNAL:
                errors.append(
                    RowError(
                        row,
                        "location",
                        ErrorCode.VALIDATION_ERROR,
                        f"location {code} is a {location.kind.value} location: import into an internal location",
                    )
                )
    return sorted(errors, key=lambda e: (e.row, COLUMNS.index(e.column or "item")))


@dataclass(slots=True)
class _Chunk:
    tracking: list[TrackingLine] = field(default_factory=list)
    tracking_rows: array[int] = field(default_factory=lambda: array("q"))
    rest: Decimal = Decimal(0)
    rest_rows: array[int] = field(default_factory=lambda: array("q"))

    @property
    def size(self) -> int:
        return len(self.tracking) + len(self.rest_rows)


class Batch:
    """Rows grouped by (item, location) into document lines of at most `limits.MAX_TRACKING`
    tracking lines each, remembering which file row each tracking line came from.

    An import posts its file a slice of `SLICE` rows at a time into one document: each slice is
    a batch whose lines are numbered on from the lines of the slices before (`first_line`)."""

    def __init__(self, first_line: int = 1) -> None:
        self._groups: dict[tuple[str, str], list[_Chunk]] = {}
        self.rows = 0
        self.first_line = first_line

    def add(self, row: ImportRow) -> None:
        chunks = self._groups.setdefault((row.item, row.location), [])
        if not chunks or chunks[-1].size >= limits.MAX_TRACKING:
            chunks.append(_Chunk())
        chunk = chunks[-1]
        t = row.tracking
        if t.named or t.expiration_date or t.warranty_date:
            chunk.tracking.append(t)
            chunk.tracking_rows.append(row.row)
        else:  # a plain quantity: the line's undefined quantity
            chunk.rest += t.quantity
            chunk.rest_rows.append(row.row)
        self.rows += 1

    def groups(self) -> list[tuple[str, str]]:
        """(item, location) per group, in the order they first appear."""
        return list(self._groups)

    def rows_of(self, item: str, location: str) -> list[int]:
        """The file rows of one group, in file order."""
        return sorted(
            r for c in self._groups.get((item, location), []) for r in (*c.tracking_rows, *c.rest_rows)
        )

    def _lines(self) -> list[tuple[str, str, _Chunk]]:
        return [(item, loc, chunk) for (item, loc), chunks in self._groups.items() for chunk in chunks]

    def without(self, rows: Collection[int]) -> Batch:
        """The batch without the given rows (the rows a refusal named), numbered from the same
        line: the rest of a refused slice, posted so that later slices see what it puts in stock.
        A line's plain quantity goes with any of its rows."""
        rest = Batch(first_line=self.first_line)
        for (item, location), chunks in self._groups.items():
            for chunk in chunks:
                for t, row in zip(chunk.tracking, chunk.tracking_rows, strict=True):
                    if row not in rows:
                        rest.add(ImportRow(row, item, location, t))
                if chunk.rest_rows and not any(row in rows for row in chunk.rest_rows):
                    rest.add(ImportRow(chunk.rest_rows[0], item, location, TrackingLine(quantity=chunk.rest)))
                    rest._groups[(item, location)][-1].rest_rows = array("q", chunk.rest_rows)
        return rest

    @property
    def line_count(self) -> int:
        return sum(len(chunks) for chunks in self._groups.values())

    def _index(self, v: Violation, count: int) -> int | None:
        """The position in `_lines()` of the line a violation names, None for the document."""
        if v.line is None or not 0 <= v.line - self.first_line < count:
            return None
        return v.line - self.first_line

    def imported_before(
        self,
        violations: Sequence[Violation],
        imported: Callable[[set[tuple[str, str]]], set[tuple[str, str]]],
    ) -> dict[tuple[str, str], list[int]]:
        """The serials this slice repeats from an earlier slice of the same file, with this
        slice's rows of each: `serial_exists` because the import itself put them in stock
        (`imported` says which of the (item, serial) pairs it asks about this import entered)."""
        lines = self._lines()
        asked: set[tuple[str, str]] = set()
        for v in violations:
            index = self._index(v, len(lines))
            if v.code is ErrorCode.SERIAL_EXISTS and index is not None and v.tracking is not None:
                asked.add((lines[index][0], v.tracking))
        if not asked:
            return {}
        found = imported(asked)
        rows: dict[tuple[str, str], list[int]] = {}
        for item, _location, chunk in lines:
            for t, row in zip(chunk.tracking, chunk.tracking_rows, strict=True):
                if t.serial is not None and (item, t.serial) in found:
                    rows.setdefault((item, t.serial), []).append(row)
        return rows

    def document(self, *, reference: str | None, posting_date: date | None) -> Document:
        lines = tuple(
            Line(
                item=item,
                quantity=sum((t.quantity for t in chunk.tracking), chunk.rest),
                to_location=location,
                tracking=tuple(chunk.tracking),
                line_no=number,
            )
            for number, (item, location, chunk) in enumerate(self._lines(), self.first_line)
        )
        return Document(type=DOCUMENT_TYPE, lines=lines, reference=reference, posting_date=posting_date)

    def row_errors(
        self, violations: Sequence[Violation], *, skip: Collection[tuple[str, str]] = ()
    ) -> list[RowError]:
        """The file rows each posting violation is about: the rows with its number, else the
        line's rows without numbers, else the line's first row. `skip`: (item, serial) pairs
        reported otherwise (repeated from an earlier slice, `imported_before`)."""
        lines = self._lines()
        repeated = self._repeated_serials(violations, lines)
        errors: list[RowError] = []
        for v in violations:
            index = self._index(v, len(lines))
            if index is None:
                errors.append(RowError(1, None, v.code, v.detail))
                continue
            item, _location, chunk = lines[index]
            if v.tracking is not None and (item, v.tracking) in skip:
                continue
            if (item, v.tracking) in repeated:
                rows_of = repeated[(item, v.tracking)]
                errors.extend(repeated_serial(item, v.tracking or "", rows_of))
                continue
            rows: list[tuple[int, str | None]] = []
            if v.tracking is not None:
                for t, row in zip(chunk.tracking, chunk.tracking_rows, strict=True):
                    column = next((n for n in NUMBERS if getattr(t, n) == v.tracking), None)
                    if column is not None:
                        rows.append((row, _column(v, column)))
            if not rows:
                column = _column(v, None)
                targets = list(chunk.rest_rows) or list(chunk.tracking_rows[:1]) or [1]
                if v.code is ErrorCode.TRACKING_REQUIRED and not chunk.rest_rows:
                    targets = [
                        row
                        for t, row in zip(chunk.tracking, chunk.tracking_rows, strict=True)
                        if column in NUMBERS and getattr(t, column) is None
                    ] or targets
                rows = [(row, column) for row in targets]
            errors.extend(RowError(row, column, v.code, _detail(v.detail)) for row, column in rows)
        unique = {(e.row, e.column, e.code, e.detail): e for e in errors}
        return sorted(unique.values(), key=lambda e: e.row)

    def _repeated_serials(
        self, violations: Sequence[Violation], lines: Sequence[tuple[str, str, _Chunk]]
    ) -> dict[tuple[str, str | None], list[int]]:
        """The rows of each serial the file names more than once, in one pass over the rows."""
        wanted = {
            (lines[index][0], v.tracking)
            for v in violations
            if v.code is ErrorCode.SERIAL_QUANTITY
            and "more than once" in v.detail
            and (index := self._index(v, len(lines))) is not None
        }
        found: dict[tuple[str, str | None], list[int]] = {}
        if not wanted:
            return found
        for item, _location, chunk in lines:
            for t, row in zip(chunk.tracking, chunk.tracking_rows, strict=True):
                if (item, t.serial) in wanted:
                    found.setdefault((item, t.serial), []).append(row)
        return {key: sorted(rows) for key, rows in found.items()}


def repeated_serial(item: str, serial: str, rows: Sequence[int]) -> list[RowError]:
    """One error on each row of a serial the file names more than once."""
    ordered = sorted(rows)
    listed = ", ".join(str(r) for r in ordered[:10]) + (" …" if len(ordered) > 10 else "")
    detail = f"serial {serial} of {item} is on rows {listed}: each serial is one unit, keep one row"
    return [RowError(row, "serial", ErrorCode.SERIAL_QUANTITY, detail) for row in ordered]


def rows_of_serials(
    rows: Iterable[Sequence[Cell]], columns: Sequence[str | None], wanted: Collection[tuple[str, str]]
) -> dict[tuple[str, str], list[int]]:
    """Every data row of each wanted (item, serial), read again from the file's data rows (the
    header left out): the earlier rows of a serial repeated across slices."""
    if "serial" not in columns:
        return {}
    item_at, serial_at = columns.index("item"), columns.index("serial")
    found: dict[tuple[str, str], list[int]] = {}
    for number, cells in enumerate(rows, start=2):
        if len(cells) <= max(item_at, serial_at):
            continue
        item, serial = cells[item_at], cells[serial_at]
        if item is None or serial is None:
            continue
        key = (_text(item).strip(), _text(serial).strip())
        if key in wanted:
            found.setdefault(key, []).append(number)
    return found


_COLUMN_OF_CODE = {
    ErrorCode.SERIAL_EXISTS: "serial",
    ErrorCode.SERIAL_NOT_AVAILABLE: "serial",
    ErrorCode.EXPIRATION_DATE_REQUIRED: "expiration_date",
    ErrorCode.EXPIRATION_DATE_MISMATCH: "expiration_date",
    ErrorCode.LOT_EXPIRED: "expiration_date",
    ErrorCode.WARRANTY_DATE_REQUIRED: "warranty_date",
    ErrorCode.LOCATION_CLOSED: "location",
    ErrorCode.POSTING_DATE_ORDER: None,
}
_DIMENSION = re.compile(r"\b(serial|lot|package)\b")


def _column(v: Violation, numbered: str | None) -> str | None:
    if v.code in _COLUMN_OF_CODE:
        return _COLUMN_OF_CODE[v.code]
    if numbered is not None:
        return numbered
    found = _DIMENSION.search(v.detail)
    if v.code is ErrorCode.TRACKING_INCOMPLETE and "undefined quantity" in v.detail:
        return "quantity"
    return found.group(1) if found else "quantity"


def _detail(detail: str) -> str:
    """A violation's detail without its document line prefix (the row says where)."""
    return re.sub(r"^line \d+: ", "", detail)


def _text(cell: Cell) -> str:
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _quantity(cell: Cell, serial: bool, row: int, errors: list[RowError]) -> Decimal | None:
    if cell is None:
        if serial:
            return Decimal(1)
        errors.append(RowError(row, "quantity", ErrorCode.VALIDATION_ERROR, "the quantity is missing"))
        return None
    try:
        if isinstance(cell, bool | date):
            raise InvalidOperation
        value = Decimal(str(cell).strip()) if not isinstance(cell, Decimal) else cell
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(
            RowError(
                row, "quantity", ErrorCode.VALIDATION_ERROR, f"quantity {str(cell)[:40]!r} is not a number"
            )
        )
        return None
    if value <= 0:
        errors.append(
            RowError(row, "quantity", ErrorCode.VALIDATION_ERROR, f"quantity must be positive, got {value}")
        )
        return None
    if value > limits.MAX_QUANTITY or value != value.quantize(Decimal("0.001")):
        errors.append(
            RowError(
                row,
                "quantity",
                ErrorCode.VALIDATION_ERROR,
                f"quantity {value} has more than 3 decimals or 12 digits before the point",
            )
        )
        return None
    return value


def _date(values: Mapping[str, Cell], name: str, row: int, errors: list[RowError]) -> date | None:
    cell = values.get(name)
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    try:
        return date.fromisoformat(str(cell).strip())
    except ValueError:
        errors.append(
            RowError(
                row,
                name,
                ErrorCode.VALIDATION_ERROR,
                f"{name} {str(cell)[:40]!r} is not a date: use YYYY-MM-DD",
            )
        )
        return None


@dataclass(frozen=True, slots=True)
class ImportJob:
    """An import as recorded: the file, its data rows (read so far, while `running`), `running`,
    `posted`, `rejected` or `failed`, the document it posted, the errors it was refused for (the
    first `MAX_ERRORS`) and how many there were, and why it failed (`detail`)."""

    file_name: str
    rows: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    user: str | None = None
    document: str | None = None
    document_id: int | None = None
    errors: tuple[RowError, ...] = ()
    error_count: int = 0
    detail: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredImportJob(ImportJob):
    """An import job storage has written: it has its id (`GET /imports/{id}`)."""

    id: int


RUNNING = "running"  # a background import (`Prefer: respond-async`) not finished yet
POSTED = "posted"
REJECTED = "rejected"
FAILED = "failed"  # stopped by an unexpected error, or by the server stopping: nothing posted
FINISHED = (POSTED, REJECTED, FAILED)
STOPPED = "the server stopped during the import"
