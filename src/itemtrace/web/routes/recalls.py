"""Recalls: the list, the form (preview, then record), the report, "Block all on hand", downloads.

The form previews with a GET (nothing is written: `tracing.preview_recall`) and records with a
POST to `/recalls` (`tracing.recall`, as `POST /api/v1/recalls` does), then shows the recorded
report. Downloads are the CLI's and the API's recall export (`tracing.export_recall`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from itemtrace.adapters.spreadsheets import SheetFormat
from itemtrace.api import clock
from itemtrace.domain import limits
from itemtrace.domain.documents import is_valid_number
from itemtrace.domain.errors import ItemtraceError
from itemtrace.domain.tracing import RecallReport, StoredRecall
from itemtrace.domain.users import User
from itemtrace.services import tracing
from itemtrace.web.errors import FormErrors
from itemtrace.web.security import Clerk, Viewer
from itemtrace.web.templating import render

router = APIRouter()

LISTED = 50  # recalls on a page of the list
SHOWN = 500  # rows of each part of a report a page shows (the download has them all)
KINDS = ("lot", "serial", "package")
RecallId = Annotated[int, Path(ge=1, le=limits.MAX_ID)]
Text = Annotated[str, Form(max_length=2000)]


@dataclass(frozen=True, slots=True)
class RecallForm:
    """What the clerk typed: the item, which kind of number and the number, and why."""

    item: str = ""
    kind: str = "lot"
    number: str = ""
    reason: str = ""

    def check(self) -> FormErrors:
        errors = FormErrors()
        if not self.item.strip():
            errors.add("item", "validation_error", "type the item's SKU")
        elif len(self.item) > limits.SKU or not self.item.isprintable():
            errors.add("item", "validation_error", f"a SKU is 1 to {limits.SKU} printable characters")
        if self.kind not in KINDS:
            errors.add("kind", "validation_error", "choose lot, serial or package")
        if not self.number:
            errors.add("number", "validation_error", f"type the {self.kind} number to recall")
        elif not is_valid_number(self.number):
            errors.add("number", "validation_error", "a number is 1 to 50 printable characters")
        if len(self.reason) > limits.RECALL_REASON or any(
            not c.isprintable() and c not in "\n\t" for c in self.reason
        ):
            errors.add(
                "reason",
                "validation_error",
                f"at most {limits.RECALL_REASON} characters, no control characters",
            )
        return errors

    def numbers(self) -> dict[str, str | None]:
        return {kind: (self.number if kind == self.kind else None) for kind in KINDS}


@router.get("/recalls")
async def recalls_page(
    request: Request, _user: Viewer, after: Annotated[int | None, Query(ge=1, le=limits.MAX_ID)] = None
) -> Response:
    uow = request.app.state.uow_factory()
    found = await run_in_threadpool(lambda: tracing.list_recalls(uow, after=after, limit=LISTED + 1))
    more = found[LISTED - 1].id if len(found) > LISTED else None
    return render(request, "recalls/list.html", {"recalls": found[:LISTED], "more": more, "after": after})


@router.get("/recalls/new")
async def new_recall(
    request: Request,
    user: Clerk,
    item: Annotated[str, Query(max_length=2000)] = "",
    kind: Annotated[str, Query(max_length=20)] = "lot",
    number: Annotated[str, Query(max_length=2000)] = "",
    reason: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    """The form; with an item and a number, the report the recall would give (nothing recorded)."""
    form = RecallForm(item.strip(), kind, number.strip(), reason)
    if not item and not number:
        return _form(request, form, FormErrors())
    errors = form.check()
    if errors:
        return _form(request, form, errors, status_code=errors.status)
    uow = request.app.state.uow_factory()
    try:
        preview = await run_in_threadpool(
            lambda: tracing.preview_recall(
                uow, form.item, **form.numbers(), reason=form.reason, user=user, now=clock.now()
            )
        )
    except ItemtraceError as refused:
        errors = FormErrors.of(refused, field="number")
        return _form(request, form, errors, status_code=errors.status)
    return _form(request, form, errors, preview=preview)


def _form(
    request: Request,
    form: RecallForm,
    errors: FormErrors,
    *,
    preview: RecallReport | None = None,
    status_code: int = 200,
) -> Response:
    context = {"form": form, "errors": errors, "preview": preview, "kinds": KINDS, "shown": SHOWN}
    return render(request, "recalls/new.html", context, status_code=status_code)


@router.post("/recalls")
async def record_recall(
    request: Request,
    user: Clerk,
    item: Text = "",
    kind: Text = "lot",
    number: Text = "",
    reason: Text = "",
    block: Annotated[bool, Form()] = False,
) -> Response:
    """Record the recall (blocking all it reaches on hand with `block`), then show its report."""
    form = RecallForm(item.strip(), kind, number.strip(), reason)
    errors = form.check()
    if errors:
        return _form(request, form, errors, status_code=errors.status)
    uow = request.app.state.uow_factory()
    try:
        stored = await run_in_threadpool(lambda: _record(uow, form, block, user))
    except ItemtraceError as refused:
        errors = FormErrors.of(refused, field="number")
        return _form(request, form, errors, status_code=errors.status)
    return RedirectResponse(f"/recalls/{stored.id}", status_code=303)


def _record(uow: Any, form: RecallForm, block: bool, user: User) -> StoredRecall:
    return tracing.recall(
        uow, form.item, **form.numbers(), block=block, reason=form.reason, user=user, now=clock.now()
    )


@router.get("/recalls/{recall_id}")
async def recall_page(
    request: Request,
    _user: Viewer,
    recall_id: RecallId,
    blocked: Annotated[int | None, Query(ge=0, le=limits.MAX_ID)] = None,
) -> Response:
    uow = request.app.state.uow_factory()
    report = await run_in_threadpool(tracing.get_recall, uow, recall_id)
    context = {"report": report, "just_blocked": blocked, "shown": SHOWN}
    return render(request, "recalls/report.html", context)


@router.post("/recalls/{recall_id}/block")
async def block_all_on_hand(request: Request, _user: Clerk, recall_id: RecallId) -> Response:
    """Block the recalled unit and everything it reaches on hand now (one transaction)."""
    uow = request.app.state.uow_factory()
    count = await run_in_threadpool(tracing.block_recalled, uow, recall_id)
    return RedirectResponse(f"/recalls/{recall_id}?blocked={count}", status_code=303)


@router.get("/recalls/{recall_id}/export.{format}")
async def download_recall(
    request: Request, _user: Viewer, recall_id: RecallId, format: SheetFormat
) -> Response:
    uow = request.app.state.uow_factory()
    content = await run_in_threadpool(tracing.export_recall, uow, recall_id, format)
    return Response(
        content,
        media_type=format.media_type,
        headers={"Content-Disposition": f'attachment; filename="recall-{recall_id}.{format.value}"'},
    )
