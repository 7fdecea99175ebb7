"""The cards: an item, and a serial, lot or package number — status, where, who holds it, dates,
warranty, description, comments, service log, history, the trace (a picture and a list) — and
what a clerk does from a card: block, describe, comment, log a service, rename or re-date, print
its label.

Numbers may contain '/' (S/N-Vend0001), so the card paths use the `path` converter, and the
routes with a suffix (`/trace.svg`, `/label.pdf`, `/comments` …) are registered before the card's
own: a number that itself ends in such a suffix reaches the suffix's route. Forms check their
input with the API's schemas (`CommentIn`, `CardPatch`, `ServiceIn`: the same limits), post to
their own URL and answer 303 to the card, or the card again with the refusal next to the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from itemtrace.adapters.labels import MEDIA_TYPES
from itemtrace.api import clock
from itemtrace.domain.cards import Card, ListFilter
from itemtrace.domain.errors import ErrorCode, ItemtraceError, PostingRejected
from itemtrace.domain.labels import paper
from itemtrace.domain.tracing import TraceDirection
from itemtrace.domain.tracking import Dimension
from itemtrace.domain.users import User
from itemtrace.domain.warranty import ServiceKind
from itemtrace.schemas.cards import CardPatch, CommentIn, ServiceIn
from itemtrace.schemas.common import Number, StrictModel
from itemtrace.services import info_cards, labels, masterdata, reclass, tracing, warranty
from itemtrace.web import trace_picture, urls
from itemtrace.web.errors import FormErrors
from itemtrace.web.security import Clerk, Viewer
from itemtrace.web.templating import render

router = APIRouter()
LISTED = 50  # serials and lots listed on an item's page
PICTURE_NODES = 40  # nodes a card's trace picture shows; "show more" doubles it
MAX_PICTURE_NODES = 640
TRACE_NODES = 2_000  # past this a trace is not read for a card: run a recall for the full list
LIST_LINES = 200  # lines of the trace's nested list


def _item(uow_factory: Any, sku: str) -> dict[str, Any]:
    today = clock.today()
    first = ListFilter(item=sku, limit=LISTED)
    return {
        "policy": masterdata.get_item(uow_factory(), sku),
        "serials": info_cards.list_serials(uow_factory(), first, today=today),
        "lots": info_cards.list_lots(uow_factory(), first, today=today),
    }


@router.get("/items/{sku}")
async def item_page(request: Request, _user: Viewer, sku: str) -> Response:
    context = await run_in_threadpool(_item, request.app.state.uow_factory, sku)
    return render(request, "cards/item.html", context)


# -- where a card's pieces are ------------------------------------------------------------------


def _url(kind: Dimension, item: str | None, number: str, suffix: str = "") -> str:
    return urls.number_url(kind, item, number) + suffix


def _trace_item(card: Card, wanted: str | None = None) -> str | None:
    """The item a trace starts from: the card's, or for a package the item asked for among those
    it ever held (the first by default)."""
    if card.item:
        return card.item
    held = sorted({h.item for h in card.history if h.item})
    if wanted in held:
        return wanted
    return held[0] if held else None


# -- the card page ------------------------------------------------------------------------------


def _card_context(uow_factory: Any, kind: Dimension, item: str | None, number: str) -> dict[str, Any]:
    card = info_cards.card(uow_factory(), kind, item, number, today=clock.today())
    start = _trace_item(card)
    traced = {}
    if start:
        traced = tracing.traces(
            uow_factory(),
            start,
            serial=number if kind is Dimension.SERIAL else None,
            lot=number if kind is Dimension.LOT else None,
            package=number if kind is Dimension.PACKAGE else None,
            max_nodes=TRACE_NODES,
        )
    trees = {
        direction: trace_picture.tree(t.graph, t.partners, limit=LIST_LINES) if t else None
        for direction, t in traced.items()
    }
    return {
        "card": card,
        "trees": trees,
        "directions": list(traced),
        "trace_item": start,
        "packaged_items": sorted({h.item for h in card.history if h.item})
        if kind is Dimension.PACKAGE
        else [],
        "picture": trace_picture.dot_available(),
        "picture_nodes": PICTURE_NODES,
        "trace_nodes": TRACE_NODES,
        "service_kinds": list(ServiceKind),
        "today": clock.today(),
        "here": urls.card_url(card),
    }


async def _show(
    request: Request,
    kind: Dimension,
    item: str | None,
    number: str,
    *,
    form: str | None = None,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    context = await run_in_threadpool(_card_context, request.app.state.uow_factory, kind, item, number)
    context.update(form=form, errors=errors or FormErrors(), values=values or {})
    return render(request, "cards/card.html", context, status_code=errors.status if errors else 200)


# -- the trace picture --------------------------------------------------------------------------

Direction = Annotated[TraceDirection, Query()]
Nodes = Annotated[int, Query(ge=1, le=MAX_PICTURE_NODES)]


def _picture(
    uow_factory: Any,
    kind: Dimension,
    item: str | None,
    number: str,
    direction: TraceDirection,
    nodes: int,
    wanted: str | None,
) -> str:
    card_item = item
    if kind is Dimension.PACKAGE:
        card = info_cards.card(uow_factory(), kind, None, number, today=clock.today())
        card_item = _trace_item(card, wanted)
        if card_item is None:
            card_item = ""
    traced = tracing.trace_with_partners(
        uow_factory(),
        card_item or "",
        direction=direction,
        max_nodes=TRACE_NODES,
        serial=number if kind is Dimension.SERIAL else None,
        lot=number if kind is Dimension.LOT else None,
        package=number if kind is Dimension.PACKAGE else None,
    )
    more = None
    if nodes < MAX_PICTURE_NODES:
        more = (
            _url(kind, item, number, "/trace.svg")
            + f"?direction={direction.value}&nodes={min(nodes * 2, MAX_PICTURE_NODES)}"
        )
        if kind is Dimension.PACKAGE and card_item:
            more += f"&item={quote(card_item, safe='')}"
    source = trace_picture.dot_source(traced.graph, traced.partners, limit=nodes, more_url=more)
    title = trace_picture.title_of(direction, traced.graph.start)
    description = (
        "Each box is a unit and links to its card; the card's own is marked 'this card'. Ellipses "
        "are partners; arrows are receipts, shipments, returns, assemblies and renames. The card "
        "lists the same trace as text."
    )
    return trace_picture.draw(source, title=title, description=description)


async def _trace_svg(
    request: Request,
    kind: Dimension,
    item: str | None,
    number: str,
    direction: TraceDirection,
    nodes: int,
    wanted: str | None,
) -> Response:
    try:
        svg = await run_in_threadpool(
            _picture, request.app.state.uow_factory, kind, item, number, direction, nodes, wanted
        )
    except trace_picture.PictureFailed as failed:
        return Response(trace_picture.failed_svg(str(failed)), status_code=503, media_type="image/svg+xml")
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"})


@router.get("/items/{sku}/serials/{serial:path}/trace.svg")
async def serial_trace(
    request: Request,
    _user: Viewer,
    sku: str,
    serial: str,
    direction: Direction = TraceDirection.FORWARD,
    nodes: Nodes = PICTURE_NODES,
) -> Response:
    return await _trace_svg(request, Dimension.SERIAL, sku, serial, direction, nodes, None)


@router.get("/items/{sku}/lots/{lot:path}/trace.svg")
async def lot_trace(
    request: Request,
    _user: Viewer,
    sku: str,
    lot: str,
    direction: Direction = TraceDirection.FORWARD,
    nodes: Nodes = PICTURE_NODES,
) -> Response:
    return await _trace_svg(request, Dimension.LOT, sku, lot, direction, nodes, None)


@router.get("/packages/{package:path}/trace.svg")
async def package_trace(
    request: Request,
    _user: Viewer,
    package: str,
    direction: Direction = TraceDirection.FORWARD,
    nodes: Nodes = PICTURE_NODES,
    item: Annotated[str | None, Query(max_length=50)] = None,
) -> Response:
    return await _trace_svg(request, Dimension.PACKAGE, None, package, direction, nodes, item)


# -- the label ----------------------------------------------------------------------------------


def _label(request: Request, kind: Dimension, item: str | None, number: str) -> Response:
    wanted = labels.LabelRequest(
        item=item,
        serials=[number] if kind is Dimension.SERIAL else (),
        lots=[number] if kind is Dimension.LOT else (),
        packages=[number] if kind is Dimension.PACKAGE else (),
    )
    settings = request.app.state.settings
    content = labels.render(
        request.app.state.uow_factory(), wanted, paper(), "pdf", digital_link_base=settings.digital_link_base
    )
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in number)[:60]
    return Response(
        content,
        media_type=MEDIA_TYPES["pdf"],
        headers={"Content-Disposition": f'inline; filename="label-{safe}.pdf"'},
    )


async def _label_pdf(request: Request, kind: Dimension, item: str | None, number: str) -> Response:
    # The number must have been posted (not_found otherwise), as on the card itself.
    uow = request.app.state.uow_factory()
    await run_in_threadpool(lambda: info_cards.card(uow, kind, item, number, today=clock.today()))
    return await run_in_threadpool(_label, request, kind, item, number)


@router.get("/items/{sku}/serials/{serial:path}/label.pdf")
async def serial_label(request: Request, _user: Viewer, sku: str, serial: str) -> Response:
    return await _label_pdf(request, Dimension.SERIAL, sku, serial)


@router.get("/items/{sku}/lots/{lot:path}/label.pdf")
async def lot_label(request: Request, _user: Viewer, sku: str, lot: str) -> Response:
    return await _label_pdf(request, Dimension.LOT, sku, lot)


@router.get("/packages/{package:path}/label.pdf")
async def package_label(request: Request, _user: Viewer, package: str) -> Response:
    return await _label_pdf(request, Dimension.PACKAGE, None, package)


# -- forms: description, comments, service log, rename / re-date --------------------------------

Text = Annotated[str, Form(max_length=20_000)]
Optional = Annotated[str, Form(max_length=200)]


async def _change(
    request: Request,
    kind: Dimension,
    item: str | None,
    number: str,
    form: str,
    values: dict[str, Any],
    work: Any,
) -> Response:
    """Run `work` (a service call); 303 to the card (or the card it names), or the card again with
    the refusal in `form`."""
    try:
        target = await run_in_threadpool(work)
    except ValidationError as invalid:
        errors = FormErrors.invalid(invalid, FIELDS.get(form))
    except PostingRejected as refused:
        errors = FormErrors(status=422)
        for v in refused.violations:
            errors.add(_field_of(form, v.code, values), v.code.value, v.detail)
    except ItemtraceError as refused:
        if refused.code is ErrorCode.NOT_FOUND:
            raise  # the card itself is not there: the error page
        errors = FormErrors.of(refused, field=_field_of(form, refused.code, values))
    else:
        return RedirectResponse(target or _url(kind, item, number), status_code=303)
    return await _show(request, kind, item, number, form=form, errors=errors, values=values)


# Schema field → form field, per form (the ids on the page are unique).
FIELDS = {
    "description": {"description": "description"},
    "comment": {"text": "comment"},
    "service": {
        "kind": "service_kind",
        "note": "service_note",
        "date": "service_date",
        "replacement": "replacement",
    },
    "rename": {"new_number": "new_number", "new_expiration_date": "new_expiration_date"},
}


def _field_of(form: str, code: ErrorCode, values: dict[str, Any]) -> str | None:
    """Which field of the form a refusal is about (None: the form as a whole)."""
    if form == "rename":
        if code in (ErrorCode.SERIAL_EXISTS, ErrorCode.TRACKING_NOT_ALLOWED):
            return "new_number"
        if code in (ErrorCode.EXPIRATION_DATE_MISMATCH, ErrorCode.EXPIRATION_DATE_REQUIRED):
            return "new_expiration_date"
        if code is ErrorCode.RECLASS_RULE:
            return "new_expiration_date" if values.get("new_expiration_date") else "new_number"
        if code is ErrorCode.VALIDATION_ERROR:
            return "new_number"
        return None
    if form == "service":
        if code is ErrorCode.VALIDATION_ERROR and values.get("replacement"):
            return "replacement"
        return "service_date" if code is ErrorCode.VALIDATION_ERROR and values.get("service_date") else None
    return FIELDS[form][next(iter(FIELDS[form]))] if form in ("description", "comment") else None


def _blank(value: str) -> str | None:
    return value.strip() or None


def _describe(uow_factory: Any, kind: Dimension, item: str | None, number: str, description: str) -> None:
    checked = CardPatch.model_validate({"description": description})
    info_cards.update(uow_factory(), kind, item, number, description=checked.description, today=clock.today())


def _comment(uow_factory: Any, kind: Dimension, item: str | None, number: str, text: str, user: User) -> None:
    checked = CommentIn.model_validate({"text": text})
    info_cards.comment(
        uow_factory(), kind, item, number, checked.text, user=user, now=clock.now(), today=clock.today()
    )


class RenameForm(StrictModel):
    """The card's "Rename / re-date": a new number, a new expiration date, or both."""

    new_number: Number | None = None
    new_expiration_date: date | None = None


def _rename(
    uow_factory: Any, kind: Dimension, item: str | None, number: str, values: dict[str, Any], user: User
) -> str:
    form = RenameForm.model_validate({k: _blank(v) for k, v in values.items()})
    reclass.rename(
        uow_factory(),
        kind,
        item,
        number,
        new_number=form.new_number,
        new_expiration_date=form.new_expiration_date,
        user=user,
        today=clock.today(),
        now=clock.now(),
    )
    return _url(kind, item, form.new_number or number)


def _service(uow_factory: Any, sku: str, serial: str, values: dict[str, Any], user: User) -> None:
    body = ServiceIn.model_validate(
        {
            "kind": values["service_kind"],
            "note": values["service_note"],
            "date": _blank(values["service_date"]),
            "replacement": _blank(values["replacement"]),
        }
    )
    warranty.log_service(
        uow_factory(),
        sku,
        serial,
        body.kind,
        body.note,
        on=body.date,
        replacement=body.replacement,
        user=user,
        now=clock.now(),
        today=clock.today(),
    )


def _register_forms(path: str, kind: Dimension) -> None:
    """The description, comment and rename forms of one kind of card, at `path` + suffix."""
    with_item = kind is not Dimension.PACKAGE

    def parts(params: dict[str, str]) -> tuple[str | None, str]:
        return (params["sku"] if with_item else None), params[kind.value]

    async def describe(
        request: Request, _user: Clerk, description: Annotated[str, Form(max_length=20_000)] = ""
    ) -> Response:
        item, number = parts(request.path_params)
        return await _change(
            request,
            kind,
            item,
            number,
            "description",
            {"description": description},
            lambda: _describe(request.app.state.uow_factory, kind, item, number, description),
        )

    async def comment(
        request: Request, user: Clerk, comment: Annotated[str, Form(max_length=20_000)] = ""
    ) -> Response:
        item, number = parts(request.path_params)
        return await _change(
            request,
            kind,
            item,
            number,
            "comment",
            {"comment": comment},
            lambda: _comment(request.app.state.uow_factory, kind, item, number, comment, user),
        )

    async def rename(
        request: Request,
        user: Clerk,
        new_number: Annotated[str, Form(max_length=200)] = "",
        new_expiration_date: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        item, number = parts(request.path_params)
        values = {"new_number": new_number, "new_expiration_date": new_expiration_date}
        return await _change(
            request,
            kind,
            item,
            number,
            "rename",
            values,
            lambda: _rename(request.app.state.uow_factory, kind, item, number, values, user),
        )

    router.add_api_route(path + "/description", describe, methods=["POST"])
    router.add_api_route(path + "/comments", comment, methods=["POST"])
    router.add_api_route(path + "/rename", rename, methods=["POST"])


SERIAL_PATH = "/items/{sku}/serials/{serial:path}"
LOT_PATH = "/items/{sku}/lots/{lot:path}"
PACKAGE_PATH = "/packages/{package:path}"
_register_forms(SERIAL_PATH, Dimension.SERIAL)
_register_forms(LOT_PATH, Dimension.LOT)
_register_forms(PACKAGE_PATH, Dimension.PACKAGE)


@router.post(SERIAL_PATH + "/service")
async def log_service(
    request: Request,
    user: Clerk,
    sku: str,
    serial: str,
    service_kind: Annotated[str, Form(max_length=50)] = "",
    service_note: Annotated[str, Form(max_length=20_000)] = "",
    service_date: Annotated[str, Form(max_length=50)] = "",
    replacement: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    values = {
        "service_kind": service_kind,
        "service_note": service_note,
        "service_date": service_date,
        "replacement": replacement,
    }
    return await _change(
        request,
        Dimension.SERIAL,
        sku,
        serial,
        "service",
        values,
        lambda: _service(request.app.state.uow_factory, sku, serial, values, user),
    )


# -- the cards themselves, and Block / Unblock (a form posting to the card's own URL) -----------


@router.get(SERIAL_PATH)
async def serial_card(request: Request, _user: Viewer, sku: str, serial: str) -> Response:
    return await _show(request, Dimension.SERIAL, sku, serial)


@router.get(LOT_PATH)
async def lot_card(request: Request, _user: Viewer, sku: str, lot: str) -> Response:
    return await _show(request, Dimension.LOT, sku, lot)


@router.get(PACKAGE_PATH)
async def package_card(request: Request, _user: Viewer, package: str) -> Response:
    return await _show(request, Dimension.PACKAGE, None, package)


Blocked = Annotated[Literal["true", "false"], Form()]


async def _set_blocked(
    request: Request, kind: Dimension, item: str | None, number: str, blocked: str
) -> Response:
    uow = request.app.state.uow_factory()
    card = await run_in_threadpool(
        lambda: info_cards.update(uow, kind, item, number, blocked=blocked == "true", today=clock.today())
    )
    return RedirectResponse(urls.card_url(card), status_code=303)


@router.post(SERIAL_PATH)
async def block_serial(request: Request, _user: Clerk, sku: str, serial: str, blocked: Blocked) -> Response:
    return await _set_blocked(request, Dimension.SERIAL, sku, serial, blocked)


@router.post(LOT_PATH)
async def block_lot(request: Request, _user: Clerk, sku: str, lot: str, blocked: Blocked) -> Response:
    return await _set_blocked(request, Dimension.LOT, sku, lot, blocked)


@router.post(PACKAGE_PATH)
async def block_package(request: Request, _user: Clerk, package: str, blocked: Blocked) -> Response:
    return await _set_blocked(request, Dimension.PACKAGE, None, package, blocked)
