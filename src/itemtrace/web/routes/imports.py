"""Imports of opening balances: the upload form, the job page (status, rows, document, row errors)
and the errors as CSV, over the import service's public functions (as `api/routes/bulk.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from itemtrace.api import clock
from itemtrace.domain import limits
from itemtrace.domain.errors import ItemtraceError
from itemtrace.domain.imports import COLUMNS, FINISHED
from itemtrace.services import imports
from itemtrace.web.errors import FormErrors
from itemtrace.web.security import Clerk, Viewer
from itemtrace.web.templating import render

router = APIRouter()

ImportId = Annotated[int, Path(ge=1, le=limits.MAX_ID)]


def _form(request: Request, errors: FormErrors, location: str = "", *, status_code: int = 200) -> Response:
    context = {"errors": errors, "location": location, "columns": COLUMNS}
    return render(request, "imports/new.html", context, status_code=status_code)


@router.get("/imports/new")
async def new_import(request: Request, _user: Clerk) -> Response:
    return _form(request, FormErrors())


@router.post("/imports/new")
async def upload(
    request: Request,
    user: Clerk,
    file: Annotated[UploadFile | None, File()] = None,
    location: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Start the import in the background (all rows posted, or none) and show its job page,
    which polls its status until it is posted, or lists its row errors."""
    location = location.strip()
    errors = FormErrors()
    if file is None or not file.filename:
        errors.add("file", "validation_error", "choose a .csv or .xlsx file to import")
    if len(location) > limits.LOCATION_CODE or not location.isprintable():
        errors.add("location", "validation_error", f"at most {limits.LOCATION_CODE} printable characters")
    if errors or file is None:
        return _form(request, errors, location, status_code=errors.status)
    try:
        job = await run_in_threadpool(
            lambda: imports.start_import(
                request.app.state.uow_factory,
                request.app.state.imports,
                file.file,
                file_name=file.filename or "upload.csv",
                user=user,
                default_location=location or None,
                today=clock.today(),
                now=clock.now(),
            )
        )
    except ItemtraceError as refused:  # not a table at all: nothing recorded
        errors = FormErrors.of(refused, field="file")
        return _form(request, errors, location, status_code=errors.status)
    finally:
        await file.close()
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


@router.get("/imports/{import_id}")
async def job_page(request: Request, _user: Viewer, import_id: ImportId) -> Response:
    job = await run_in_threadpool(
        imports.get_job, request.app.state.uow_factory(), import_id, request.app.state.imports
    )
    return render(request, "imports/job.html", {"job": job, "finished": job.status in FINISHED})


@router.get("/imports/{import_id}/status")
async def job_status(request: Request, _user: Viewer, import_id: ImportId) -> Response:
    """The job's status line alone: what the job page polls (htmx) until the job is finished;
    then htmx is told to reload the page, which shows the document or the row errors."""
    job = await run_in_threadpool(
        imports.get_job, request.app.state.uow_factory(), import_id, request.app.state.imports
    )
    finished = job.status in FINISHED
    answer = render(request, "imports/_status.html", {"job": job, "finished": finished})
    if finished and request.headers.get("hx-request") == "true":
        answer.headers["HX-Refresh"] = "true"
    return answer


@router.get("/imports/{import_id}/errors.csv")
async def errors_download(request: Request, _user: Viewer, import_id: ImportId) -> Response:
    job = await run_in_threadpool(imports.get_job, request.app.state.uow_factory(), import_id)
    return Response(
        imports.errors_csv(job.errors),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{import_id}-errors.csv"'},
    )
