"""The HTTP edge, before any route runs: control characters, body size, the token of a body's sender.

A pure ASGI middleware, so it decides before FastAPI reads a byte of the body:

- a control character (NUL…) in the path, the query string or a header is 422;
- a body whose `Content-Length` is over the limit is 413 at once, unread; a body sent without
  a length (chunked) is counted as it streams and refused at the byte that crosses the limit;
- a request with a body under /api/v1 must carry a known bearer token, checked here, so an
  unauthenticated client cannot make the server read (let alone parse) what it sends. The
  user found is kept in the request scope: `deps.get_current_user` takes it from there instead
  of looking the token up again. A database too busy to look the token up answers as it does
  for the routes (`unavailable`: 503), since this runs outside their exception handlers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from itemtrace.api import problems
from itemtrace.domain.errors import ErrorCode, Unauthorized
from itemtrace.domain.users import User
from itemtrace.schemas.common import CONTROL_MESSAGE, has_control

USER_SCOPE_KEY = "itemtrace.user"
_NO_TOKEN = "send `Authorization: Bearer TOKEN`; create a token with `itemtrace users add NAME --role ROLE`"
# Control bytes a header value may not hold (a tab may: it is whitespace there).
_HEADER_CONTROL = frozenset(range(0x20)) - {0x09} | {0x7F}


class PayloadTooLarge(HTTPException):
    """Raised from `receive` when a streamed body crosses the limit; answered as 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"the body is larger than {limit} bytes, the most this server reads: send less "
            "(split the document), or ask the operator to raise the limit",
        )


class RequestGuard:
    """See the module docstring. `authenticate(token)` returns the token's user or raises
    `Unauthorized`; it runs in a worker thread (it reads the database). `unavailable(error)` is
    the answer to an error `authenticate` raised when the database was busy, None for any other."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        authenticate: Callable[[str], User],
        unavailable: Callable[[Exception], Response | None],
        max_body_bytes: int,
        prefix: str,
        public: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.authenticate = authenticate
        self.unavailable = unavailable
        self.max_body_bytes = max_body_bytes
        self.prefix = prefix
        self.public = public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._control_characters(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        headers = _headers(scope)
        length = headers.get("content-length", "").strip()
        if length and not length.isdigit():
            detail = "the Content-Length header is not a number of bytes"
            await _closing(problems.problem(422, "Invalid input", detail, ErrorCode.VALIDATION_ERROR.value))(
                scope, receive, send
            )
            return
        if length and int(length) > self.max_body_bytes:
            detail = PayloadTooLarge(self.max_body_bytes).detail
            await _closing(problems.problem(413, "Payload too large", detail, problems.PAYLOAD_TOO_LARGE))(
                scope, receive, send
            )
            return
        has_body = "transfer-encoding" in headers or length not in ("", "0")
        path: str = scope["path"]
        if has_body and path.startswith(self.prefix) and path not in self.public:
            try:
                token = _bearer(headers.get("authorization"))
                user = await run_in_threadpool(self.authenticate, token)
            except Unauthorized as refused:
                unauthorized = problems.problem(
                    401,
                    refused.title,
                    refused.detail,
                    refused.code.value,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await _closing(unauthorized)(scope, receive, send)
                return
            except Exception as error:
                busy = self.unavailable(error)
                if busy is None:
                    raise
                await _closing(busy)(scope, receive, send)
                return
            scope[USER_SCOPE_KEY] = (token, user)
        await self.app(scope, self._counting(receive), send)

    def _control_characters(self, scope: Scope) -> Any:
        """A 422 answer when the path, query or a header holds a control character, else None."""
        where = None
        if has_control(scope["path"]):
            where = "the path"
        else:
            query = scope.get("query_string", b"").decode("latin-1")
            for name, value in parse_qsl(query, keep_blank_values=True):
                if has_control(name) or has_control(value):
                    where = f"query parameter {name[:40]!r}"
                    break
        if where is None:
            for name, value in scope["headers"]:
                if _HEADER_CONTROL.intersection(value):
                    where = f"header {name.decode('latin-1')[:40]!r}"
                    break
        if where is None:
            return None
        detail = f"{where}: {CONTROL_MESSAGE}"
        return _closing(problems.problem(422, "Invalid input", detail, ErrorCode.VALIDATION_ERROR.value))

    def _counting(self, receive: Receive) -> Receive:
        limit = self.max_body_bytes
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        return counted


def authenticated_user(request: Request, token: str) -> User | None:
    """The user the guard found for this request's token, if it looked (requests with a body)."""
    found = request.scope.get(USER_SCOPE_KEY)
    if found is None or found[0] != token:
        return None
    user: User = found[1]
    return user


def _headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}


def _bearer(authorization: str | None) -> str:
    # Read as FastAPI's HTTPBearer reads it, so `deps` finds the same token in the scope.
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(_NO_TOKEN)
    return token


def _closing(response: Any) -> Any:
    # The body was not read: the connection cannot carry another request after this answer.
    response.headers["connection"] = "close"
    return response
