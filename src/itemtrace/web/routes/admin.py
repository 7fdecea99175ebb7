"""Administration (admins only): `/admin`, and for each master-data noun of `admin_masterdata`
the same five pages: its list, a new form, create (POST), an edit form, update (POST).

    /admin/items                 the list (`?after=SKU`: the next page)
    /admin/items/new             an empty form; POST /admin/items creates (303 to its form)
    /admin/items/{sku}           its form; POST there saves (303 back, "Saved")

A refusal (the API model's or the service's) re-renders the form with the message next to its
field, its code and the API's status. Users are in `admin_users`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from itemtrace.domain.errors import ItemtraceError
from itemtrace.web.errors import FormErrors
from itemtrace.web.routes.admin_forms import FormValues, field_names, invalid, read_form, refused_field
from itemtrace.web.routes.admin_masterdata import LISTED, NOUNS, Noun
from itemtrace.web.security import Admin
from itemtrace.web.templating import render

router = APIRouter()


def admin_url(noun: str, key: str | None = None) -> str:
    return f"/admin/{noun}" if key is None else f"/admin/{noun}/{quote(key, safe='')}"


@router.get("/admin")
async def admin_index(request: Request, _user: Admin) -> Response:
    return render(request, "admin/index.html", {"nouns": NOUNS})


def _pages(noun: Noun) -> None:
    """Mount the five pages of `noun`."""

    async def listing(request: Request, _user: Admin, after: str | None = None) -> Response:
        rows = await run_in_threadpool(noun.rows, request.app.state.uow_factory, after)
        more = noun.paged and len(rows) > LISTED
        rows = rows[:LISTED] if noun.paged else rows
        context = {"noun": noun, "rows": rows, "next_after": rows[-1].key if more else None}
        return render(request, "admin/list.html", context)

    async def new_form(request: Request, _user: Admin) -> Response:
        return await _form(request, noun, None, FormValues(dict(noun.defaults)), FormErrors())

    async def create(request: Request, _user: Admin) -> Response:
        return await _save(request, noun, None)

    async def edit_form(request: Request, _user: Admin, key: str, saved: bool = False) -> Response:
        values = await run_in_threadpool(noun.current, request.app.state.uow_factory, key)
        return await _form(request, noun, key, values, FormErrors(), saved=saved)

    async def update(request: Request, _user: Admin, key: str) -> Response:
        return await _save(request, noun, key)

    base = f"/admin/{noun.path}"
    name = noun.path.replace("-", "_")
    router.add_api_route(base, listing, methods=["GET"], name=f"admin_{name}")
    router.add_api_route(base, create, methods=["POST"], name=f"admin_create_{name}")
    router.add_api_route(base + "/new", new_form, methods=["GET"], name=f"admin_new_{name}")
    router.add_api_route(base + "/{key:path}", edit_form, methods=["GET"], name=f"admin_edit_{name}")
    router.add_api_route(base + "/{key:path}", update, methods=["POST"], name=f"admin_update_{name}")


async def _form(
    request: Request,
    noun: Noun,
    key: str | None,
    values: FormValues,
    errors: FormErrors,
    *,
    saved: bool = False,
) -> Response:
    groups = await run_in_threadpool(noun.fields, request.app.state.uow_factory, key is None)
    context: dict[str, Any] = {
        "noun": noun,
        "key": key,
        "groups": groups,
        "values": values,
        "errors": errors,
        "saved": saved,
        "action": admin_url(noun.path, key),
    }
    return render(request, "admin/form.html", context, status_code=errors.status if errors else 200)


async def _save(request: Request, noun: Noun, key: str | None) -> Response:
    factory = request.app.state.uow_factory
    groups = await run_in_threadpool(noun.fields, factory, key is None)
    values = read_form(await request.form(), groups)
    try:
        if key is None:
            key = await run_in_threadpool(noun.create, factory(), values)
            return RedirectResponse(admin_url(noun.path, key) + "?saved=true", status_code=303)
        await run_in_threadpool(noun.update, factory(), key, values)
        return RedirectResponse(admin_url(noun.path, key) + "?saved=true", status_code=303)
    except ValidationError as refused:
        errors = invalid(refused)
    except ItemtraceError as refused:
        field = refused_field(refused, values, field_names(groups), starts=noun.starts)
        errors = FormErrors.of(refused, field=field)
    if key is not None:  # the key is not a field of the edit form: show it as it is
        values.values.setdefault(noun.key, key)
    return await _form(request, noun, key, values, errors)


for _noun in NOUNS:
    _pages(_noun)
