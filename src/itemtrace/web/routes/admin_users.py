"""Users (admins only): the list, a new user (name, role, password), and each user's page: change
the role, disable or enable, set a password, give a new API token (shown that once).

The same request models and services as `api/routes/users.py` (`schemas.users`,
`services.users`): the last active admin cannot be disabled or demoted, and the page says so by
the control that tried.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from itemtrace.api import clock
from itemtrace.domain.errors import ItemtraceError
from itemtrace.domain.users import Role, User
from itemtrace.schemas.common import Password
from itemtrace.schemas.users import UserIn, UserPatch
from itemtrace.services import users
from itemtrace.web.errors import FormErrors
from itemtrace.web.routes.admin_forms import Field, FormValues, Option, invalid, refused_field
from itemtrace.web.security import Admin
from itemtrace.web.templating import render

router = APIRouter()

ROLES = [Option(r.value, r.value) for r in Role]
NEW_USER = [
    Field("name", "User name", required=True, hint="1 to 60 printable characters"),
    Field(
        "role", "Role", "select", options=ROLES, hint="viewer reads; clerk also posts; admin also administers"
    ),
    Field("password", "Password", "password", required=True, hint="for signing in to this web UI"),
]
# Where a users refusal belongs (admin_forms.refused_field).
STARTS = {r"a password": "password", r"(a|the) user name": "name", r"user \S+ already exists": "name"}
Text = Annotated[str, Form(max_length=1000)]


def user_url(name: str, action: str = "") -> str:
    return f"/admin/users/{quote(name, safe='')}" + (f"/{action}" if action else "")


@router.get("/admin/users")
async def users_page(request: Request, _user: Admin) -> Response:
    listed = await run_in_threadpool(users.list_users, request.app.state.uow_factory())
    return render(request, "admin/users.html", {"users": listed})


@router.get("/admin/users/new")
async def new_user_form(request: Request, _user: Admin) -> Response:
    return _new_form(request, FormValues({"role": Role.VIEWER.value}), FormErrors())


def _new_form(request: Request, values: FormValues, errors: FormErrors) -> Response:
    context = {"fields": NEW_USER, "values": values, "errors": errors}
    return render(request, "admin/user_new.html", context, status_code=errors.status if errors else 200)


@router.post("/admin/users")
async def create_user(
    request: Request, _user: Admin, name: Text = "", role: Text = "", password: Text = ""
) -> Response:
    values = FormValues({"name": name, "role": role, "password": ""})  # a password is never sent back
    try:
        body = UserIn.model_validate({"name": name, "role": role, "password": password or None})
        token = await run_in_threadpool(
            lambda: users.add_user(
                request.app.state.uow_factory(), body.name, body.role, password=body.password, now=clock.now()
            )
        )
    except ValidationError as refused:
        return _new_form(request, values, invalid(refused))
    except ItemtraceError as refused:
        errors = FormErrors.of(
            refused, field=refused_field(refused, values, ["name", "password"], starts=STARTS)
        )
        return _new_form(request, values, errors)
    return await _user_page(request, body.name, token=token, created=True, status=201)


async def _user_page(
    request: Request,
    name: str,
    *,
    errors: FormErrors | None = None,
    token: str | None = None,
    created: bool = False,
    saved: str | None = None,
    status: int = 200,
) -> Response:
    shown: User = await run_in_threadpool(users.get_user, request.app.state.uow_factory(), name)
    errors = errors or FormErrors()
    context: dict[str, Any] = {
        "shown": shown,
        "roles": ROLES,
        "errors": errors,
        "token": token,
        "created": created,
        "saved": saved,
        "url": lambda action="": user_url(shown.name, action),
    }
    page = render(request, "admin/user.html", context, status_code=errors.status if errors else status)
    if token is not None:  # kept by nobody: not the browser's cache, not a proxy's
        page.headers["Cache-Control"] = "no-store"
    return page


@router.get("/admin/users/{name:path}")
async def user_page(request: Request, _user: Admin, name: str, saved: str | None = None) -> Response:
    return await _user_page(request, name, saved=saved)


async def _change(request: Request, name: str, field: str, body: dict[str, Any]) -> Response:
    """Change the role or the active flag (`field`); a refusal is shown by that control."""
    try:
        patch = UserPatch.model_validate(body)
        await run_in_threadpool(
            lambda: users.update_user(
                request.app.state.uow_factory(), name, role=patch.role, active=patch.active
            )
        )
    except ValidationError as refused:
        return await _user_page(request, name, errors=invalid(refused))
    except ItemtraceError as refused:
        return await _user_page(request, name, errors=FormErrors.of(refused, field=field))
    return RedirectResponse(user_url(name) + f"?saved={field}", status_code=303)


@router.post("/admin/users/{name:path}/role")
async def change_role(request: Request, _user: Admin, name: str, role: Text = "") -> Response:
    return await _change(request, name, "role", {"role": role})


@router.post("/admin/users/{name:path}/active")
async def change_active(request: Request, _user: Admin, name: str, active: Text = "") -> Response:
    return await _change(request, name, "active", {"active": active == "true"})


@router.post("/admin/users/{name:path}/password")
async def set_password(request: Request, _user: Admin, name: str, password: Text = "") -> Response:
    try:
        checked = _password(password)
        await run_in_threadpool(users.set_password, request.app.state.uow_factory(), name, checked)
    except ValidationError as refused:
        return await _user_page(request, name, errors=invalid(refused))
    except ItemtraceError as refused:
        return await _user_page(request, name, errors=FormErrors.of(refused, field="password"))
    return RedirectResponse(user_url(name) + "?saved=password", status_code=303)


def _password(password: str) -> str:
    """The password as `UserIn` takes it (same length and character rules)."""
    body = UserIn.model_validate({"name": "x", "role": Role.VIEWER.value, "password": password})
    checked: Password = body.password or ""
    return checked


@router.post("/admin/users/{name:path}/token")
async def rotate_token(request: Request, _user: Admin, name: str) -> Response:
    """A new API token, shown on the page this once (never stored but as a hash, never redirected)."""
    _, token = await run_in_threadpool(users.rotate_token, request.app.state.uow_factory(), name)
    return await _user_page(request, name, token=token)
