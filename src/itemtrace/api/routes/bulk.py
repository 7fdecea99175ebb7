"""Bulk routes: import opening balances from a CSV/XLSX upload; export stock and the ledger."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from itemtrace.adapters.spreadsheets import SheetFormat
from itemtrace.api import clock
from itemtrace.api.deps import Clerk, Uow, Viewer
from itemtrace.api.params import ItemFilter, LocationFilter, LotFilter
from itemtrace.api.problems import PROBLEM_JSON, problem
from itemtrace.domain import limits
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.imports import ImportRejected
from itemtrace.schemas.bulk import ImportJobOut, RowErrorOut
from itemtrace.schemas.documents import DocumentOut
from itemtrace.services import exports, imports

router = APIRouter(tags=["bulk"])

ImportId = Annotated[int, Path(ge=1, le=limits.MAX_ID, description="The import's id")]
_SHEET_TYPES: dict[str, dict[str, object]] = {SheetFormat.CSV.media_type: {}, SheetFormat.XLSX.media_type: {}}


_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "A `.csv` or `.xlsx` table with a header row",
                    }
                },
                "required": ["file"],
                "additionalProperties": False,
            }
        }
    },
}


@router.post(
    "/imports",
    status_code=201,
    openapi_extra={"requestBody": _UPLOAD_BODY},
    responses={
        201: {"description": "The posted adjustment document, with `import` (the job's id and rows)"},
        202: {
            "description": "With `Prefer: respond-async`: the job, `running`, at once; `Location` "
            "is the job to poll (`GET /imports/{id}`) until it is `posted`, `rejected` or `failed`",
            "model": ImportJobOut,
        },
        422: {
            "description": "Bad rows: `errors: [{row, column, code, detail}]`, nothing posted "
            "(as CSV with `?errors=csv` or `Accept: text/csv`)",
            "content": {PROBLEM_JSON: {}, "text/csv": {}},
        },
    },
)
async def import_file(
    request: Request,
    uow: Uow,
    user: Clerk,
    location: Annotated[LocationFilter, Query(description="The location of rows that name none")] = None,
    posting_date: Annotated[date | None, Query(description="The posting date (default: today)")] = None,
    errors: Annotated[
        str | None, Query(pattern="^(json|csv)$", description="`csv`: errors as a CSV table")
    ] = None,
) -> Response:
    """Opening balances: every row becomes part of one posted `adjustment` into its location,
    with every posting rule checked. All rows or none. A multipart upload, field `file`.

    With the header `Prefer: respond-async` (RFC 7240) the import runs in the background in the
    server process that took it (one at a time per process) and the answer is 202 with the job,
    `running`; poll its `Location` for `rows` read so far and how it ended."""
    upload = await _upload(request)
    if _respond_async(request):
        try:
            job = await run_in_threadpool(
                imports.start_import,
                request.app.state.uow_factory,
                request.app.state.imports,
                upload.file,
                file_name=upload.filename or "upload.csv",
                user=user,
                default_location=location,
                posting_date=posting_date,
                today=clock.today(),
                now=clock.now(),
            )
        finally:
            await upload.close()
        return JSONResponse(
            jsonable_encoder(ImportJobOut.from_domain(job)),
            status_code=202,
            headers={"Location": f"{request.url.path}/{job.id}", "Preference-Applied": "respond-async"},
        )
    try:
        job, document = await run_in_threadpool(
            imports.import_file,
            uow,
            upload.file,
            file_name=upload.filename or "upload.csv",
            user=user,
            default_location=location,
            posting_date=posting_date,
            today=clock.today(),
            now=clock.now(),
        )
    except ImportRejected as rejected:
        as_csv = errors == "csv" or (errors is None and "text/csv" in request.headers.get("accept", ""))
        if as_csv:
            return Response(
                imports.errors_csv(rejected.errors), status_code=422, media_type="text/csv; charset=utf-8"
            )
        return problem(
            422,
            rejected.title,
            rejected.detail,
            rejected.code.value,
            errors=[RowErrorOut.from_domain(e).model_dump() for e in rejected.errors],
            error_count=rejected.total,
            import_id=rejected.job_id,
        )
    finally:
        await upload.close()
    body = jsonable_encoder(DocumentOut.from_domain(document))
    body["import"] = {"id": job.id, "rows": job.rows, "status": job.status}
    return JSONResponse(body, status_code=201, headers={"Location": f"{request.url.path}/{job.id}"})


def _respond_async(request: Request) -> bool:
    """`Prefer: respond-async` among the request's preferences (RFC 7240: comma-separated,
    each maybe with parameters after `;`)."""
    preferences = ",".join(request.headers.getlist("prefer"))
    return any(p.split(";")[0].strip().lower() == "respond-async" for p in preferences.split(","))


async def _upload(request: Request) -> UploadFile:
    """The multipart field `file`; any other field is refused by name (strict input)."""
    try:
        form = await request.form()
    except (AssertionError, ValueError, KeyError) as error:  # not multipart, or malformed
        raise ValidationFailed(
            f"send the table as a multipart/form-data upload in the field `file` ({error})"
        ) from None
    unknown = sorted(set(form.keys()) - {"file"})
    upload = form.get("file")
    if unknown or not isinstance(upload, UploadFile):
        await form.close()  # the files it spooled
        if unknown:
            raise ValidationFailed(
                f"unknown form field(s) {', '.join(unknown)}: the upload has one field, `file`"
            )
        raise ValidationFailed("the field `file` must be a file upload (.csv or .xlsx)")
    return upload


@router.get("/imports/{import_id}")
def get_import(request: Request, import_id: ImportId, uow: Uow, _user: Viewer) -> ImportJobOut:
    """An import as recorded: `running` with the rows read so far (a background import), then
    `posted` with its document, `rejected` with its errors or `failed` with its `detail`."""
    return ImportJobOut.from_domain(imports.get_job(uow, import_id, request.app.state.imports))


@router.get("/exports/stock", response_class=Response, responses={200: {"content": _SHEET_TYPES}})
def export_stock(
    uow: Uow,
    _user: Viewer,
    item: ItemFilter = None,
    location: Annotated[LocationFilter, Query(description="A location: it and its bins")] = None,
    lot: LotFilter = None,
    format: SheetFormat = SheetFormat.CSV,
) -> Response:
    """Stock on hand at internal locations, one row per number (or quantity) and place, in the
    import's columns: an export imports again as it is."""
    pages = exports.stock_pages(uow, item=item, location=location, lot=lot)
    return _stream(format, exports.STOCK_COLUMNS, pages, "stock")


@router.get("/exports/ledger", response_class=Response, responses={200: {"content": _SHEET_TYPES}})
def export_ledger(
    uow: Uow,
    _user: Viewer,
    item: ItemFilter = None,
    location: Annotated[
        LocationFilter, Query(description="A location: movements from or to it and its bins")
    ] = None,
    lot: LotFilter = None,
    since: Annotated[date | None, Query(alias="from", description="First posting date")] = None,
    until: Annotated[date | None, Query(alias="to", description="Last posting date")] = None,
    format: SheetFormat = SheetFormat.CSV,
) -> Response:
    """Every ledger entry, oldest first: document, item, numbers, quantity, from, to, partner."""
    pages = exports.ledger_pages(uow, item=item, location=location, lot=lot, since=since, until=until)
    return _stream(format, exports.LEDGER_COLUMNS, pages, "ledger")


def _stream(
    format: SheetFormat, header: tuple[str, ...], pages: Iterator[exports.Page], name: str
) -> Response:
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{format.value}"'}
    if format is SheetFormat.CSV:
        return StreamingResponse(
            exports.csv_stream(header, pages), media_type=format.media_type, headers=disposition
        )
    # XLSX is a zip: openpyxl's write-only mode writes it to a temporary file, sent in chunks.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the stream
    exports.write(format, header, pages, spool, sheet=name)
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        with spool:
            while chunk := spool.read(256 * 1024):
                yield chunk

    return StreamingResponse(chunks(), media_type=format.media_type, headers=disposition)
