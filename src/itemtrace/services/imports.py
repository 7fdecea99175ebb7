"""Import opening balances from a CSV or XLSX table: every row valid and posted, or none.

The file is read row by row (never whole into memory); each row is checked on its own, then the
items and locations it names are looked up in one query each, and the rows, grouped by (item,
location) into lines, are posted as one adjustment with the normal posting rules
(`services.documents.create`), so every rule applies: `serial_exists`, `tracking_required`,
`expiration_date_required`… A refusal is mapped back to the file's rows and columns.

Each import is recorded as a job (`GET /imports/{id}`): the import runs synchronously, so the
job is finished when the request answers; its row says what happened afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import IO

from itemtrace.adapters import spreadsheets
from itemtrace.adapters.spreadsheets import SheetFormat, UnreadableFile
from itemtrace.domain import imports, limits
from itemtrace.domain.documents import StoredDocument
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.imports import Batch, Cell, ImportJob, ImportRejected, RowError
from itemtrace.domain.users import User
from itemtrace.services import documents
from itemtrace.storage.unit_of_work import UnitOfWork

Progress = Callable[[int], None]  # called with the data rows read so far
_PROGRESS_EVERY = 10_000
ERROR_COLUMNS = ("row", "column", "code", "detail")


def import_file(
    uow: UnitOfWork,
    source: IO[bytes],
    *,
    file_name: str,
    user: User,
    default_location: str | None = None,
    posting_date: date | None = None,
    today: date,
    now: datetime,
    progress: Progress | None = None,
) -> tuple[ImportJob, StoredDocument]:
    """Read a `.csv` or `.xlsx` file and post its rows; the job and the posted document.

    Raises:
        ImportRejected: every bad row (nothing posted); the job is recorded as `rejected`.
        ValidationFailed: a file that is neither CSV nor XLSX, or cannot be read.
    """
    try:
        format = spreadsheets.format_of(file_name)
    except UnreadableFile as error:
        raise ValidationFailed(str(error)) from None
    return import_rows(
        uow,
        spreadsheets.read_rows(format, source),
        file_name=file_name,
        user=user,
        default_location=default_location,
        posting_date=posting_date,
        today=today,
        now=now,
        progress=progress,
    )


def import_rows(
    uow: UnitOfWork,
    rows: Iterable[Sequence[Cell]],
    *,
    file_name: str,
    user: User,
    default_location: str | None = None,
    posting_date: date | None = None,
    today: date,
    now: datetime,
    progress: Progress | None = None,
) -> tuple[ImportJob, StoredDocument]:
    """`import_file` for rows already read (header first)."""
    batch = Batch()
    errors: list[RowError] = []
    total = 0
    reader = iter(rows)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportRejected(
                [
                    RowError(
                        1,
                        None,
                        ErrorCode.VALIDATION_ERROR,
                        f"the file is empty: it needs a header row ({', '.join(imports.COLUMNS)})",
                    )
                ]
            )
        columns = imports.read_header(header)
        for number, cells in enumerate(reader, start=2):
            parsed = imports.parse_row(cells, columns, number, default_location=default_location)
            if isinstance(parsed, list):
                total += len(parsed)
                errors.extend(parsed[: max(0, imports.MAX_ERRORS - len(errors))])
            elif parsed is not None:
                batch.add(parsed)
            if progress is not None and number % _PROGRESS_EVERY == 0:
                progress(number - 1)
        if progress is not None:
            progress(batch.rows + total)
    except UnreadableFile as error:
        raise ValidationFailed(str(error)) from None
    except ImportRejected as rejected:
        _record_rejection(uow, file_name, batch.rows, rejected, user=user, now=now)
        raise
    finally:
        close = getattr(reader, "close", None)
        if close is not None:  # a reader stopped early gives its file back now
            close()
    try:
        if not batch.rows and not errors:
            raise ImportRejected(
                [RowError(2, None, ErrorCode.VALIDATION_ERROR, "the file has no data rows under its header")]
            )
        unknown = _check_references(uow, batch)
        if errors or unknown:
            found = sorted([*errors, *unknown[: imports.MAX_ERRORS]], key=lambda e: e.row)
            raise ImportRejected(found[: imports.MAX_ERRORS], total=total + len(unknown))
        draft = batch.document(reference=_reference(file_name), posting_date=posting_date)
        try:
            posted = documents.create(uow, draft, user=user, post=True, today=today, now=now)
        except PostingRejected as refused:
            found = batch.row_errors(refused.violations)
            raise ImportRejected(found[: imports.MAX_ERRORS], total=len(found)) from None
    except ImportRejected as rejected:
        _record_rejection(uow, file_name, batch.rows, rejected, user=user, now=now)
        raise
    job = ImportJob(
        file_name=file_name[: limits.FILE_NAME],
        rows=batch.rows,
        status=imports.POSTED,
        started_at=now,
        finished_at=datetime.now(UTC),
        user=user.name,
        document=posted.number,
        document_id=posted.id,
    )
    with uow.write():
        job = uow.bulk.add_job(job)
        uow.commit()
    return job, posted


def get_job(uow: UnitOfWork, job_id: int) -> ImportJob:
    with uow.read():
        return uow.bulk.job(job_id)


def error_rows(errors: Iterable[RowError]) -> list[list[str | int | None]]:
    """The rows of the errors table (`ERROR_COLUMNS`), for CSV."""
    return [[e.row, e.column, e.code.value, e.detail] for e in errors]


def errors_csv(errors: Iterable[RowError]) -> bytes:
    return spreadsheets.write(SheetFormat.CSV, ERROR_COLUMNS, error_rows(errors), sheet="errors")


def _reference(file_name: str) -> str:
    return f"import {file_name}"[: limits.REFERENCE]


def _check_references(uow: UnitOfWork, batch: Batch) -> list[RowError]:
    """Rows naming unknown items or locations, or places that hold no stock: one query each."""
    groups = batch.groups()
    if not groups:
        return []
    with uow.read():
        items = uow.masterdata.policies({item for item, _ in groups})
        locations = uow.masterdata.locations({location for _, location in groups})
    return imports.check_references(groups, batch.rows_of, items, locations)


def _record_rejection(
    uow: UnitOfWork, file_name: str, rows: int, rejected: ImportRejected, *, user: User, now: datetime
) -> None:
    """Record the refused import (nothing else is written) and give the error its job id."""
    job = ImportJob(
        file_name=file_name[: limits.FILE_NAME],
        rows=rows,
        status=imports.REJECTED,
        started_at=now,
        finished_at=datetime.now(UTC),
        user=user.name,
        errors=tuple(rejected.errors),
        error_count=rejected.total,
    )
    with uow.write():
        stored = uow.bulk.add_job(job)
        uow.commit()
    rejected.job_id = stored.id
