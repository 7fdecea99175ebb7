"""Import opening balances from a CSV or XLSX table: every row valid and posted, or none.

The file is read row by row (never whole into memory) and posted a slice of `imports.SLICE`
rows at a time, all inside one transaction: each row is checked on its own, the slice's items
and locations are looked up (each once per import), and its rows, grouped by (item, location)
into lines, are planned with the normal posting rules (`services.documents`: the same
`posting.plan` as any document, so every rule applies: `serial_exists`, `tracking_required`,
`expiration_date_required`…) against the stock as the slices before left it, and written into
the one adjustment document. A refusal is mapped back to the file's rows and columns; once a
row is bad the import goes on checking (and writing the good rows, so that later slices see
what the file put in stock) and rolls everything back at the end. Nothing is visible to anyone
else before the commit, which also writes the import's job row.

Each import is recorded as a job (`GET /imports/{id}`). Run synchronously (`import_file`), the
job is written finished, in the posting transaction (or, rejected, just after). Run in the
background (`start_import`, `Prefer: respond-async`), the job is first committed `running` in a
short transaction of its own, then finished the same way; see `Runner` for its progress.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import IO

from itemtrace.adapters import spreadsheets
from itemtrace.adapters.spreadsheets import SheetFormat, UnreadableFile
from itemtrace.domain import imports, limits
from itemtrace.domain.documents import Document, Line, StoredDocument
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.imports import Batch, Cell, ImportJob, ImportRejected, RowError, StoredImportJob
from itemtrace.domain.masterdata import Location
from itemtrace.domain.tracking import ItemPolicy
from itemtrace.domain.users import User
from itemtrace.services.documents import _plan, _Planned, _prepare, _record
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention

Progress = Callable[[int], None]  # called with the data rows read so far
Rows = Callable[[], Iterable[Sequence[Cell]]]  # the file's rows, header first, read from the start
_PROGRESS_EVERY = 10_000
_log = logging.getLogger(__name__)
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
    job_id: int | None = None,
) -> tuple[StoredImportJob, StoredDocument]:
    """Read a `.csv` or `.xlsx` file and post its rows; the job and the posted document (its
    lines without their tracking lines, which a million-row file would hold in memory: read
    the document for them). `job_id`: a `running` job already recorded, finished here (else a
    finished job is added).

    Raises:
        ImportRejected: every bad row (nothing posted); the job is recorded as `rejected`.
        ValidationFailed: a file that is neither CSV nor XLSX, or cannot be read.
    """
    try:
        format = spreadsheets.format_of(file_name)
    except UnreadableFile as error:
        raise ValidationFailed(str(error)) from None

    again = source.seekable()  # an upload or a file: read again for a repeated serial's rows

    def rows() -> Iterable[Sequence[Cell]]:
        if again:
            source.seek(0)
        return spreadsheets.read_rows(format, source)

    return import_rows(
        uow,
        rows,
        file_name=file_name,
        user=user,
        default_location=default_location,
        posting_date=posting_date,
        today=today,
        now=now,
        progress=progress,
        again=again,
        job_id=job_id,
    )


def import_rows(
    uow: UnitOfWork,
    rows: Rows,
    *,
    file_name: str,
    user: User,
    default_location: str | None = None,
    posting_date: date | None = None,
    today: date,
    now: datetime,
    progress: Progress | None = None,
    again: bool = True,
    job_id: int | None = None,
) -> tuple[StoredImportJob, StoredDocument]:
    """`import_file` for rows already read (header first). `rows()` gives them from the start;
    with `again` it is called a second time when a serial repeats across slices, to name every
    row of it."""
    run = _Import(uow, file_name=file_name, user=user, default_location=default_location, now=now)
    try:
        with uow.write():
            header = _posted_header(file_name, posting_date, user=user, now=now, today=today)
            reader = iter(rows())
            try:
                columns = run.read_header(next(reader, None))
                for batch in run.slices(reader, columns, progress):
                    run.post(batch, header, today=today)
            except UnreadableFile as error:
                raise ValidationFailed(str(error)) from None
            finally:
                _close(reader)
            if run.rows == 0 and not run.errors:
                run.fail(
                    RowError(
                        2, None, ErrorCode.VALIDATION_ERROR, "the file has no data rows under its header"
                    )
                )
            if run.errors or run.repeated:
                raise run.rejected(rows if again else None, columns)
            assert run.stored is not None
            job = _save_job(
                uow,
                job_id,
                ImportJob(
                    file_name=file_name[: limits.FILE_NAME],
                    rows=run.rows,
                    status=imports.POSTED,
                    started_at=now,
                    finished_at=datetime.now(UTC),
                    user=user.name,
                    document=run.stored.number,
                    document_id=run.stored.id,
                ),
            )
            uow.commit()
    except ImportRejected as rejected:
        _record_rejection(uow, file_name, run.rows, rejected, user=user, now=now, job_id=job_id)
        raise
    return job, replace(run.stored, lines=tuple(run.lines))


class _Import:
    """One import's running state: what it read, what it refused, the document it writes."""

    def __init__(
        self, uow: UnitOfWork, *, file_name: str, user: User, default_location: str | None, now: datetime
    ) -> None:
        self.uow = uow
        self.file_name = file_name
        self.user = user
        self.default_location = default_location
        self.now = now
        self.rows = 0  # data rows read and valid on their own
        self.errors: list[RowError] = []
        self.total = 0  # every problem found (errors keeps the first MAX_ERRORS)
        # Serials repeated from an earlier slice: (item, serial) → the later rows seen so far.
        self.repeated: dict[tuple[str, str], list[int]] = {}
        self.stored: StoredDocument | None = None
        self.lines: list[Line] = []  # the document's lines, without their tracking lines
        self.written = 0  # ledger entries written
        self.analyzed = imports.SLICE // 2  # entries written when the planner last counted them
        self.policies: dict[str, ItemPolicy] = {}
        self.locations: dict[str, Location] = {}

    def fail(self, *errors: RowError) -> None:
        self.total += len(errors)
        self.errors.extend(errors[: max(0, imports.MAX_ERRORS - len(self.errors))])

    def read_header(self, header: Sequence[Cell] | None) -> list[str | None]:
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
        return imports.read_header(header)

    def slices(
        self, reader: Iterator[Sequence[Cell]], columns: Sequence[str | None], progress: Progress | None
    ) -> Iterator[Batch]:
        """The valid rows, `SLICE` at a time; bad rows go to `errors`."""
        batch = Batch(first_line=len(self.lines) + 1)
        number = 1
        for number, cells in enumerate(reader, start=2):
            parsed = imports.parse_row(cells, columns, number, default_location=self.default_location)
            if isinstance(parsed, list):
                self.fail(*parsed)
            elif parsed is not None:
                batch.add(parsed)
                self.rows += 1
                if batch.rows == imports.SLICE:
                    yield batch
                    batch = Batch(first_line=len(self.lines) + 1)
            if progress is not None and number % _PROGRESS_EVERY == 0:
                progress(number - 1)
        if batch.rows:
            yield batch
        if progress is not None:
            progress(number - 1)

    def post(self, batch: Batch, header: Document, *, today: date) -> None:
        """Check a slice's references and posting rules; write it unless it is refused."""
        bad = self._check_references(batch)
        if bad:  # reported; the slice's other rows are still checked
            self.fail(*bad)
            batch = batch.without({e.row for e in bad})
            if not batch.rows:
                return
        try:
            prepared, planned = self._plan(batch, header, today=today)
        except PostingRejected as refused:
            named = self._refused(batch, refused)
            # The rest of the slice is still written (and rolled back at the end with the
            # rest): a later slice repeating one of its serials is then told so.
            batch = batch.without(named)
            if not batch.rows:
                return
            try:
                prepared, planned = self._plan(batch, header, today=today)
            except PostingRejected:
                return
        if self.stored is None:
            self.stored = self.uow.documents.add(header, user=self.user.name, now=self.now)
        self.uow.documents.add_lines(self.stored.id, prepared.lines)
        try:
            _record(self.uow, self.stored, planned, user=self.user, now=self.now)
        except PostingRejected as raced:
            # The database's backstop (a serial another posting put in stock at the same moment):
            # the transaction is spent, so the import stops here with what it found so far.
            self.fail(*(RowError(1, None, v.code, v.detail) for v in raced.violations))
            raise self.rejected(None, ()) from None
        self.lines.extend(replace(line, tracking=()) for line in prepared.lines)
        self.written += len(planned.entries)
        if self.written >= 2 * self.analyzed:  # the balances doubled: plan the lookups anew
            self.uow.stock.analyze()
            self.analyzed = self.written

    def _plan(self, batch: Batch, header: Document, *, today: date) -> tuple[Document, _Planned]:
        """A slice as a document of the import's (locations resolved) and its planned entries:
        the same steps and rules as `documents.create`. Raises `PostingRejected`."""
        draft = batch.document(reference=header.reference, posting_date=header.posting_date)
        prepared = _prepare(self.uow, draft, today=today)
        return prepared, _plan(self.uow, prepared, today=today)

    def _refused(self, batch: Batch, refused: PostingRejected) -> set[int]:
        """Report a slice's refusal on its rows; the rows it names."""
        stored = self.stored
        repeated = (
            batch.imported_before(
                refused.violations,
                lambda asked: self.uow.ledger.serials_entered(stored.id, asked),
            )
            if stored is not None
            else {}
        )
        for key, rows in repeated.items():
            self.repeated.setdefault(key, []).extend(rows)
        errors = batch.row_errors(refused.violations, skip=repeated)
        self.fail(*errors)
        return {e.row for e in errors} | {row for rows in repeated.values() for row in rows}

    def _check_references(self, batch: Batch) -> list[RowError]:
        """Rows naming unknown items or locations, or places that hold no stock: one query each
        for the names no slice before this one used."""
        groups = batch.groups()
        items = {item for item, _ in groups} - set(self.policies)
        codes = {location for _, location in groups} - set(self.locations)
        if items:
            self.policies.update(self.uow.masterdata.policies(items))
        if codes:
            self.locations.update(self.uow.masterdata.locations(codes))
        return imports.check_references(groups, batch.rows_of, self.policies, self.locations)

    def rejected(self, rows: Rows | None, columns: Sequence[str | None]) -> ImportRejected:
        """Every problem found; serials repeated across slices with every row they are on (the
        file read once more, when it can be)."""
        found = list(self.errors)
        if self.repeated:
            every = self.repeated
            if rows is not None:
                reader = iter(rows())
                try:
                    next(reader, None)
                    every = imports.rows_of_serials(reader, columns, set(self.repeated))
                finally:
                    _close(reader)
            for (item, serial), at in sorted(every.items()):
                more = imports.repeated_serial(item, serial, at)
                self.total += len(more)
                found.extend(more)
        found.sort(key=lambda e: e.row)
        return ImportRejected(found[: imports.MAX_ERRORS], total=self.total)


def _posted_header(
    file_name: str, posting_date: date | None, *, user: User, now: datetime, today: date
) -> Document:
    """The import's adjustment as posted, before any line: its lines are added slice by slice."""
    draft = Document(
        type=imports.DOCUMENT_TYPE, lines=(), reference=_reference(file_name), posting_date=posting_date
    )
    return draft.posted(by=user.name, at=now, posting_date=posting_date or today)


def _close(reader: Iterator[Sequence[Cell]]) -> None:
    close = getattr(reader, "close", None)
    if close is not None:  # a reader stopped early gives its file back now
        close()


@run_again_on_contention
def get_job(uow: UnitOfWork, job_id: int, runner: Runner | None = None) -> StoredImportJob:
    """A job as recorded; a `running` one this process runs (`runner`) with the rows it has
    read so far (on SQLite its row cannot say: see `Runner`)."""
    with uow.read():
        job = uow.bulk.job(job_id)
    read = runner.rows_read(job_id) if runner is not None and job.status == imports.RUNNING else None
    return job if read is None or read <= job.rows else replace(job, rows=read)


def error_rows(errors: Iterable[RowError]) -> list[list[str | int | None]]:
    """The rows of the errors table (`ERROR_COLUMNS`), for CSV."""
    return [[e.row, e.column, e.code.value, e.detail] for e in errors]


def errors_csv(errors: Iterable[RowError]) -> bytes:
    return spreadsheets.write(SheetFormat.CSV, ERROR_COLUMNS, error_rows(errors), sheet="errors")


def _reference(file_name: str) -> str:
    return f"import {file_name}"[: limits.REFERENCE]


def _save_job(uow: UnitOfWork, job_id: int | None, job: ImportJob) -> StoredImportJob:
    """Add a finished job, or finish the `running` one recorded before."""
    return uow.bulk.add_job(job) if job_id is None else uow.bulk.finish_job(job_id, job)


def _record_rejection(
    uow: UnitOfWork,
    file_name: str,
    rows: int,
    rejected: ImportRejected,
    *,
    user: User,
    now: datetime,
    job_id: int | None = None,
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
        stored = _save_job(uow, job_id, job)
        uow.commit()
    rejected.job_id = stored.id


# -- background imports (`Prefer: respond-async`) --------------------------------------------


class Runner:
    """The imports this process runs in the background: one at a time (a single thread), and
    how many rows each running one has read.

    The count lives here, in the process: on SQLite an import holds the database's write lock
    until it ends, so its job row cannot be updated meanwhile; `get_job` asks the runner. On
    PostgreSQL each count is also written to the job row in a short transaction of its own, so
    every worker process sees it (on SQLite, another worker sees `running` without a count).
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="itemtrace-import")
        self._read: dict[int, int] = {}
        self._lock = threading.Lock()
        # Called in the import's thread after each count (job id, rows read): a test's hook.
        self.on_progress: Callable[[int, int], None] | None = None

    def rows_read(self, job_id: int) -> int | None:
        with self._lock:
            return self._read.get(job_id)

    def submit(self, job_id: int, work: Callable[[Progress], None]) -> Future[None]:
        with self._lock:
            self._read[job_id] = 0

        def run() -> None:
            def progress(rows: int) -> None:
                with self._lock:
                    self._read[job_id] = rows
                if self.on_progress is not None:
                    self.on_progress(job_id, rows)

            try:
                work(progress)
            finally:
                with self._lock:
                    self._read.pop(job_id, None)

        return self._pool.submit(run)

    def drain(self) -> None:
        """Wait until every import submitted so far has ended (the thread runs them in turn)."""
        self._pool.submit(lambda: None).result()

    def close(self) -> None:
        """Wait for the imports submitted, then stop the thread."""
        self._pool.shutdown(wait=True)


def start_import(
    new_uow: Callable[[], UnitOfWork],
    runner: Runner,
    source: IO[bytes],
    *,
    file_name: str,
    user: User,
    default_location: str | None = None,
    posting_date: date | None = None,
    today: date,
    now: datetime,
) -> StoredImportJob:
    """Record a `running` job (committed at once), copy the upload and import it in `runner`'s
    thread; the job, at once. It ends `posted`, `rejected` with its row errors, or `failed` with
    the unexpected error's message. `new_uow` makes each transaction its own unit of work.

    Raises:
        ValidationFailed: a file that is neither CSV nor XLSX (nothing recorded).
    """
    try:
        spreadsheets.format_of(file_name)
    except UnreadableFile as error:
        raise ValidationFailed(str(error)) from None
    copy = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the import
    try:
        shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.seek(0)
        uow = new_uow()
        with uow.write():
            job = uow.bulk.add_job(
                ImportJob(
                    file_name=file_name[: limits.FILE_NAME],
                    rows=0,
                    status=imports.RUNNING,
                    started_at=now,
                    finished_at=None,
                    user=user.name,
                )
            )
            shared = uow.bulk.progress_shared()
            uow.commit()
    except BaseException:
        copy.close()
        raise

    def work(progress: Progress) -> None:
        def report(rows: int) -> None:
            if shared:  # its own transaction: the import's own never touches the job row
                counter = new_uow()
                with counter.write():
                    counter.bulk.set_rows_read(job.id, rows)
                    counter.commit()
            progress(rows)

        with copy:
            try:
                import_file(
                    new_uow(),
                    copy,
                    file_name=file_name,
                    user=user,
                    default_location=default_location,
                    posting_date=posting_date,
                    today=today,
                    now=now,
                    progress=report,
                    job_id=job.id,
                )
            except ImportRejected:
                pass  # recorded with its row errors
            except Exception as error:
                _log.exception("import %s failed", job.id)
                _fail(new_uow(), job, str(error) or type(error).__name__, runner.rows_read(job.id) or 0)

    runner.submit(job.id, work)
    return job


def _fail(uow: UnitOfWork, job: StoredImportJob, detail: str, rows: int) -> None:
    failed = replace(
        job, rows=rows, status=imports.FAILED, finished_at=datetime.now(UTC), detail=detail[:2000]
    )
    with uow.write():
        uow.bulk.finish_job(job.id, failed)
        uow.commit()


def fail_abandoned(uow: UnitOfWork, *, now: datetime) -> int:
    """At server start: jobs left `running` by a server that stopped are `failed`; how many."""
    with uow.write():
        count = uow.bulk.fail_running(imports.STOPPED, now)
        uow.commit()
    return count
