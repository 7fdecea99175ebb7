"""Sign-in and sign-out: `/login` (a form of user name and password) and `POST /logout`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from itemtrace.domain.errors import Unauthorized
from itemtrace.services import users
from itemtrace.web.errors import FormErrors
from itemtrace.web.security import current_user, safe_next, sign_in, sign_out
from itemtrace.web.templating import render

router = APIRouter()


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    if await current_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"next": safe_next(next), "name": "", "errors": FormErrors()})


@router.post("/login")
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    try:
        user = await run_in_threadpool(users.login, request.app.state.uow_factory(), name, password)
    except Unauthorized as refused:
        errors = FormErrors.of(refused)
        context = {"next": safe_next(next), "name": name, "errors": errors}
        return render(request, "auth/login.html", context, status_code=401)
    sign_in(request, user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)
