"""Errors → `application/problem+json` (RFC 9457) with a stable `code` from `ErrorCode`."""

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
# Codes of the HTTP layer alone: no use case raises them, so they are not in `ErrorCode`.
METHOD_NOT_ALLOWED = "method_not_allowed"
PAYLOAD_TOO_LARGE = "payload_too_large"
INTERNAL_ERROR = "internal_error"

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
    errors = [_error(e) for e in exc.errors()]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])
    detail = f"{where}: {first['msg']}" if where else str(first["msg"])
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more problem(s))"
    return problem(422, "Invalid input", detail, ErrorCode.VALIDATION_ERROR.value, errors=errors)


def _error(e: Any) -> dict[str, Any]:
    """One of Pydantic's errors as `{loc, msg, type}`; never the input itself (it may be huge)."""
    loc = [str(part) for part in e.get("loc", ())]
    kind = e.get("type")
    if kind == "extra_forbidden":
        msg = f"unknown field {loc[-1]!r}: this endpoint does not take it (check the spelling)"
    elif kind == "json_invalid":
        msg = f"the body is not valid JSON ({e.get('ctx', {}).get('error', 'decode error')})"
    else:
        msg = str(e.get("msg", ""))
    return {"loc": loc, "msg": msg, "type": kind}


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = getattr(exc, "headers", None)
    status = exc.status_code
    if status == 404:
        return problem(404, "Not found", "no such resource: see /openapi.json for the paths", "not_found")
    if status == 405:
        allowed = (headers or {}).get("Allow", "")
        detail = f"this path does not take that method; it takes {allowed}" if allowed else str(exc.detail)
        return problem(405, "Method not allowed", detail, METHOD_NOT_ALLOWED, headers=headers)
    if status == 413:
        return problem(413, "Payload too large", str(exc.detail), PAYLOAD_TOO_LARGE, headers=headers)
    if status == 400:
        # The framework's word for a body it could not parse (bad encoding, a number with
        # thousands of digits, JSON nested past the parser's depth): malformed input, like JSON
        # that does not decode.
        detail = "the body could not be read: send JSON (UTF-8) that matches the schema in /openapi.json"
        return problem(422, "Invalid input", detail, ErrorCode.VALIDATION_ERROR.value)
    codes = {401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN}
    code = codes.get(status, ErrorCode.VALIDATION_ERROR)
    return problem(status, "Request refused", str(exc.detail), code.value, headers=headers)


def _server_error(_request: Request, _exc: Exception) -> JSONResponse:
    # A bug, never an answer to input: still problem+json, never a plain-text page. The
    # exception goes on to the server's log (Starlette re-raises it after this answer).
    detail = (
        "the server failed on this request (it is logged); the use case was rolled back: retry, or report it"
    )
    return problem(500, "Internal server error", detail, INTERNAL_ERROR)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _server_error)
    app.add_exception_handler(ItemtraceError, _itemtrace_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
