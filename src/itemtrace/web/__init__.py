"""The web UI: server-rendered pages over the same services as the API (docs/ui.md).

`install(app, settings)` mounts it on the API's FastAPI app: the pages (outside the OpenAPI
document), `/static`, the session cookie middleware, and error handlers that answer a page's
request with an HTML page while the API keeps its problem+json.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from itemtrace.config import Settings
from itemtrace.domain.errors import ItemtraceError
from itemtrace.web import errors
from itemtrace.web.assets import CachedStatic
from itemtrace.web.routes import ROUTERS
from itemtrace.web.security import SignInRequired, check_csrf
from itemtrace.web.sessions import WebSessions, secret_key
from itemtrace.web.templating import STATIC_DIR, STATIC_PREFIX

# Paths that are the API's, not pages: bearer tokens, JSON errors, no session cookie.
API_PATHS = ("/api/", "/docs", "/redoc", "/openapi.json", STATIC_PREFIX + "/")


def install(app: FastAPI, settings: Settings) -> None:
    app.mount(STATIC_PREFIX, CachedStatic(directory=STATIC_DIR, check_dir=False), name="static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False, dependencies=[Depends(check_csrf)])
    app.add_middleware(WebSessions, secret=secret_key(settings), skip=API_PATHS)
    _dispatch(app, ItemtraceError, errors.itemtrace_error)
    _dispatch(app, StarletteHTTPException, errors.http_error)
    _dispatch(app, RequestValidationError, errors.validation_error)
    app.add_exception_handler(SignInRequired, errors.sign_in_required)  # type: ignore[arg-type]


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(API_PATHS)


def _dispatch(app: FastAPI, kind: type[Exception], page: Callable[[Request, Any], Any]) -> None:
    """Answer `kind` with `page` on the web pages and with the API's handler everywhere else."""
    api = app.exception_handlers[kind]

    async def handler(request: Request, error: Exception) -> Any:
        if is_page(request):
            return page(request, error)
        answer = api(request, error)
        return await answer if hasattr(answer, "__await__") else answer

    app.add_exception_handler(kind, handler)
