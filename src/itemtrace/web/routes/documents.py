"""Documents: the list (`/documents`), one document with its actions (`/documents/{id}`), a new
document of any type with its scan fields (`/documents/new?type=…`), and a receipt's labels.

Actions post to `/documents/{id}/<action>` and answer with a 303 to the document they lead to;
a refusal is shown on the document's page, next to the line and tracking number it concerns.
The editor (`/documents/new`) keeps the draft in its form until "Save draft" or "Post"; each scan
is one POST that answers the editor again (with htmx, only the editor is swapped).
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from itemtrace.api import clock
from itemtrace.domain.documents import DocumentType, Status, StoredDocument, TransitStatus
from itemtrace.domain.errors import ItemtraceError, NotFound, ValidationFailed
from itemtrace.domain.labels import paper
from itemtrace.domain.users import Role, User
from itemtrace.services import corrections, documents, labels, masterdata, scanning
from itemtrace.web.document_form import DraftForm, LineRow, TrackRow
from itemtrace.web.errors import FormErrors, Shown
from itemtrace.web.security import Clerk, Viewer
from itemtrace.web.templating import render

router = APIRouter()
PAGE = 50
_LINE_PREFIX = re.compile(r"^line (\d+): ")
_NUMBER = re.compile(r"^([A-Za-z]+-)?0*(\d{1,12})$")


def document_url(document_id: int) -> str:
    return f"/documents/{document_id}"


# -- the list --------------------------------------------------------------------------------------


@router.get("/documents")
async def document_list(
    request: Request,
    _user: Viewer,
    type: Annotated[str, Query(max_length=30)] = "",
    status: Annotated[str, Query(max_length=30)] = "",
    number: Annotated[str, Query(max_length=60)] = "",
    cursor: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Newest first, 50 a page (the next page starts below the last id shown, as the API's cursor);
    a number (`RCPT-000042`, or just `42`) finds that document."""
    errors = FormErrors()
    kind = type if type in DocumentType.__members__.values() else ""
    state = status if status in Status.__members__.values() else ""
    rows: list[StoredDocument] = []
    more = False
    uow_factory = request.app.state.uow_factory
    wanted = number.strip()
    if wanted:
        found = _NUMBER.match(wanted)
        try:
            if found is None:
                raise NotFound("document", wanted)
            document = await run_in_threadpool(documents.get, uow_factory(), int(found.group(2)))
            if found.group(1) and not (document.number or "").upper().startswith(found.group(1).upper()):
                raise NotFound("document", wanted)
            rows = [document]
        except NotFound as missing:
            errors = FormErrors.of(missing, field="number")
    else:
        after = int(cursor) if cursor.isdigit() else None
        rows = await run_in_threadpool(
            lambda: documents.list_documents(
                uow_factory(), after=after, limit=PAGE + 1, type=kind or None, status=state or None
            )
        )
        more = len(rows) > PAGE
        rows = rows[:PAGE]
    query = {k: v for k, v in (("type", kind), ("status", state)) if v}
    next_url = None
    if more and rows:
        next_url = "/documents?" + urlencode({**query, "cursor": rows[-1].id})
    return render(
        request,
        "documents/list.html",
        {
            "rows": rows,
            "types": list(DocumentType),
            "statuses": list(Status),
            "type": kind,
            "status": state,
            "number": number,
            "next_url": next_url,
            "first_page": not cursor,
            "first_url": "/documents" + ("?" + urlencode(query) if query else ""),
            "errors": errors,
        },
        status_code=200 if not errors else errors.status,
    )


# -- the editor ------------------------------------------------------------------------------------


@router.get("/documents/new")
async def new_document(
    request: Request,
    _user: Clerk,
    type: Annotated[str, Query(max_length=30)] = "",
    location: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    """The editor for a new document of `type`; without a type, the list of types to choose from.
    `?type=count&location=CODE` counts everything at that location."""
    if type not in DocumentType.__members__.values():
        return render(request, "documents/choose.html", {"types": list(DocumentType)})
    form = DraftForm.blank(DocumentType(type), location=location.strip())
    return await _editor(request, form, FormErrors())


@router.post("/documents/new")
async def edit_new_document(request: Request, user: Clerk) -> Response:
    """One step of the editor: the scans typed, then the button pressed (`action`): `update` (the
    default, what Enter in a scan field presses), `add_line`, `remove:I:J`, `assign:I:serial|lot`,
    `save` or `post`."""
    data = {k: str(v) for k, v in (await request.form()).items()}
    try:
        form = DraftForm.parse(data)
    except ValueError:
        raise ValidationFailed("choose a document type: /documents/new?type=receipt") from None
    action = data.get("action", "update")
    errors = FormErrors()
    uow_factory = request.app.state.uow_factory
    focus = None
    for i, row in enumerate(form.lines):
        text = data.get(f"lines-{i}-scan", "").strip()
        if text:
            focus = i
            await run_in_threadpool(_scan_into, uow_factory, row, i, text, errors)
    if action == "add_line":
        form.lines.append(LineRow(to_location=form.lines[-1].to_location if form.lines else ""))
    elif action.startswith(("remove:", "assign:")):
        verb, at, what = [*action.split(":"), "", ""][:3]
        chosen = form.lines[int(at)] if at.isdigit() and int(at) < len(form.lines) else None
        if chosen is not None and verb == "remove" and what.isdigit() and int(what) < len(chosen.tracking):
            del chosen.tracking[int(what)]
        elif chosen is not None and verb == "assign" and what in ("serial", "lot", ""):
            chosen.assign = what
    elif action in ("save", "post") and not errors:
        form.lines = [row for row in form.lines if row.item or row.tracking]
        draft = form.to_domain(errors)
        if draft is not None:
            try:
                stored = await run_in_threadpool(
                    lambda: documents.create(
                        uow_factory(),
                        draft,
                        user=user,
                        post=action == "post",
                        today=clock.today(),
                        now=clock.now(),
                    )
                )
            except ItemtraceError as refused:
                errors = _placed(refused)
            else:
                return _go(request, document_url(stored.id))
    return await _editor(request, form, errors, focus=focus)


def _scan_into(uow_factory: Any, row: LineRow, i: int, text: str, errors: FormErrors) -> None:
    """Add the tracking line one scan names to `row`: a GS1 code's serial, lot (with its expiry) or
    SSCC, its GTIN naming the line's item; a plain number is the item's serial (or its lot, or its
    package number, whichever the item is tracked by)."""
    name = f"lines-{i}-scan"
    try:
        answer = scanning.scan(uow_factory(), text, today=clock.today())
    except ItemtraceError as refused:
        errors.add(name, refused.code.value, refused.detail)
        return
    found = answer.scan
    if found.kind.value != "plain":
        if found.gtin is not None:
            if answer.item is None:
                errors.add(name, "not_found", answer.message)
                return
            if row.item and row.item != answer.item:
                errors.add(
                    name,
                    "validation_error",
                    f"this barcode is item {answer.item}, the line is {row.item}: scan it on a line of {answer.item}",
                )
                return
            row.item = answer.item
        expiry = str(found.expiration_date or "")
        if found.serial:
            added = TrackRow(serial=found.serial, lot=found.lot or "", expiry=expiry)
        elif found.lot:
            added = TrackRow(lot=found.lot, expiry=expiry, quantity=_rest(row))
        elif found.sscc:
            added = TrackRow(package=found.sscc, quantity=_rest(row))
        else:
            errors.add(name, "bad_barcode", "this barcode names no serial, lot or package number")
            return
    else:
        if not row.item:
            errors.add(
                name, "validation_error", "give the line's item first, or scan a GS1 barcode with a GTIN"
            )
            return
        try:
            policy = masterdata.get_item(uow_factory(), row.item)
        except NotFound as missing:
            errors.add(name, missing.code.value, missing.detail)
            return
        number = found.data.strip()
        if policy.code.serial.tracked:
            added = TrackRow(serial=number)
        elif policy.code.lot.tracked:
            added = TrackRow(lot=number, quantity=_rest(row))
        elif policy.code.package.tracked:
            added = TrackRow(package=number, quantity=_rest(row))
        else:
            errors.add(name, "validation_error", f"item {row.item} is not tracked: it has no numbers to scan")
            return
    if any(t.number == added.number and (t.serial or not added.serial) for t in row.tracking):
        errors.add(name, "validation_error", f"{added.number} is on this line already")
        return
    row.tracking.append(added)
    if row.amount() < row.tracked:  # each scan counts one more unit
        row.quantity = format(row.tracked, "f")


def _rest(row: LineRow) -> str:
    rest = row.undefined
    return format(rest, "f") if rest > 0 else "1"


def _placed(refused: ItemtraceError) -> FormErrors:
    """A refusal as the page shows it: posting violations keep their line and number; a
    validation message that begins "line N:" goes to line N too."""
    errors = FormErrors.of(refused)
    placed = []
    for shown in errors.general:
        found = _LINE_PREFIX.match(shown.detail) if shown.line is None else None
        placed.append(Shown(shown.code, shown.detail, int(found.group(1))) if found else shown)
    errors.general = placed
    return errors


async def _editor(
    request: Request, form: DraftForm, errors: FormErrors, *, focus: int | None = None
) -> Response:
    lists = await run_in_threadpool(_choices, request.app.state.uow_factory)
    context = {"form": form, "errors": errors, "focus": focus, **lists}
    status = errors.status if errors else 200
    if request.headers.get("HX-Request") == "true":
        # htmx swaps only the editor; it swaps 2xx answers, so a refusal is 200 with its messages.
        return render(request, "documents/_editor.html", context)
    return render(request, "documents/edit.html", context, status_code=status)


def _choices(uow_factory: Any) -> dict[str, Any]:
    """What the editor's inputs suggest (datalists): items, locations, partners."""
    return {
        "items": masterdata.list_items(uow_factory(), limit=500),
        "locations": masterdata.list_locations(uow_factory(), limit=500),
        "partners": masterdata.list_partners(uow_factory(), limit=500),
    }


def _go(request: Request, url: str) -> Response:
    """303 to `url`; htmx is told to load it as a page (HX-Redirect)."""
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


# -- one document ----------------------------------------------------------------------------------


@router.get("/documents/{document_id}")
async def document_page(request: Request, user: Viewer, document_id: int) -> Response:
    return await _document(request, user, document_id, FormErrors())


async def _document(
    request: Request, user: User, document_id: int, errors: FormErrors, *, status: int | None = None
) -> Response:
    document = await run_in_threadpool(documents.get, request.app.state.uow_factory(), document_id)
    clerk = user.role.allows(Role.CLERK)
    actions = {
        "post": clerk and document.status is Status.DRAFT,
        "cancel": clerk and document.status is Status.DRAFT,
        "undo": clerk
        and document.status is Status.POSTED
        and document.links.reversed_by is None
        and document.links.reverses is None,
        "return": clerk and document.status is Status.POSTED and document.type is DocumentType.SHIPMENT,
        "receive": clerk
        and document.transit_status is TransitStatus.IN_TRANSIT
        and document.links.reversed_by is None,
        "labels": document.type in (DocumentType.RECEIPT, DocumentType.RETURN_RECEIPT)
        and document.status is Status.POSTED,
    }
    return render(
        request,
        "documents/detail.html",
        {"document": document, "errors": errors, "actions": actions},
        status_code=status or (errors.status if errors else 200),
    )


async def _act(request: Request, user: User, document_id: int, use_case: Any) -> Response:
    """Run one action; its refusal is shown on the document's page, by line where it has one."""
    try:
        result = await run_in_threadpool(use_case, request.app.state.uow_factory())
    except NotFound:
        raise
    except ItemtraceError as refused:
        return await _document(request, user, document_id, _placed(refused))
    return RedirectResponse(document_url(result.id if result is not None else document_id), status_code=303)


@router.post("/documents/{document_id}/post")
async def post_document(request: Request, user: Clerk, document_id: int) -> Response:
    return await _act(
        request,
        user,
        document_id,
        lambda uow: documents.post(uow, document_id, user=user, today=clock.today(), now=clock.now()),
    )


@router.post("/documents/{document_id}/cancel")
async def cancel_document(request: Request, user: Clerk, document_id: int) -> Response:
    return await _act(request, user, document_id, lambda uow: documents.cancel(uow, document_id, user=user))


@router.post("/documents/{document_id}/undo")
async def undo_document(request: Request, user: Clerk, document_id: int) -> Response:
    """Post the reversal (services/corrections.py reverse) and show it; `not_reversible` on the page."""
    return await _act(
        request,
        user,
        document_id,
        lambda uow: corrections.reverse(uow, document_id, user=user, today=clock.today(), now=clock.now()),
    )


@router.post("/documents/{document_id}/receive")
async def receive_document(request: Request, user: Clerk, document_id: int) -> Response:
    """Receive all of an in-transit transfer that is still on the road at its destination."""
    return await _act(
        request,
        user,
        document_id,
        lambda uow: documents.receive(
            uow, document_id, None, user=user, today=clock.today(), now=clock.now()
        ),
    )


@router.post("/documents/{document_id}/return")
async def return_document(request: Request, user: Clerk, document_id: int) -> Response:
    """A return receipt draft for what the shipment delivered and was not returned yet."""
    return await _act(
        request,
        user,
        document_id,
        lambda uow: corrections.return_from_shipment(
            uow, document_id, user=user, to_location=None, today=clock.today(), now=clock.now()
        ),
    )


@router.get("/documents/{document_id}/labels.pdf")
async def document_labels(request: Request, _user: Viewer, document_id: int) -> Response:
    """One label per serial, lot and package on the document, as a PDF (50x25 mm pages)."""
    uow_factory = request.app.state.uow_factory
    settings = request.app.state.settings

    def draw() -> tuple[str, bytes]:
        document = documents.get(uow_factory(), document_id)
        number = document.number or str(document_id)
        content = labels.render(
            uow_factory(),
            labels.LabelRequest(document=number),
            paper(),
            "pdf",
            digital_link_base=settings.digital_link_base,
        )
        return number, content

    number, content = await run_in_threadpool(draw)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="labels-{number}.pdf"'},
    )
