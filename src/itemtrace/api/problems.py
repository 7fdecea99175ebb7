"""Errors → `application/problem+json` (RFC 9457) with the SPEC's stable `code`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from itemtrace.domain.errors import (
    Conflict,
    ErrorCode,
    Forbidden,
    ItemtraceError,
    NotFound,
    PostingRejected,
    Unauthorized,
    ValidationFailed,
)

PROBLEM_JSON = "application/problem+json"

# Most specific first: the first class an error is an instance of gives its HTTP status.
_STATUS: list[tuple[type[ItemtraceError], int]] = [
    (PostingRejected, 422),
    (Conflict, 409),
    (NotFound, 404),
    (ValidationFailed, 422),
    (Unauthorized, 401),
    (Forbidden, 403),
]


def problem(
    status: int, title: str, detail: str, code: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_of(error: ItemtraceError) -> int:
    return next((status for cls, status in _STATUS if isinstance(error, cls)), 422)


def _itemtrace_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ItemtraceError)
    extra: dict[str, Any] = {}
    if isinstance(exc, PostingRejected):
        extra["errors"] = [
            {"line": v.line, "tracking": v.tracking, "code": v.code.value, "detail": v.detail}
            for v in exc.violations
        ]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return problem(status_of(exc), exc.title, exc.detail, exc.code.value, headers=headers, **extra)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])
    detail = f"{where}: {first['msg']}" if where else str(first["msg"])
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more problem(s))"
    return problem(422, "Invalid input", detail, ErrorCode.VALIDATION_ERROR.value, errors=errors)


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {
        401: ErrorCode.UNAUTHORIZED,
        403: ErrorCode.FORBIDDEN,
        404: ErrorCode.NOT_FOUND,
    }
    code = codes.get(exc.status_code, ErrorCode.VALIDATION_ERROR)
    if exc.status_code == 404:
        detail = "no such resource: see /openapi.json for the paths"
    else:
        detail = str(exc.detail)
    title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Request refused")
    return problem(exc.status_code, title, detail, code.value, headers=getattr(exc, "headers", None))


def install(app: FastAPI) -> None:
    app.add_exception_handler(ItemtraceError, _itemtrace_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
