"""Jinja2 rendering for the web pages: `render(request, "noun/page.html", {...})`.

Every template gets `request`, `user` (the signed-in user or None), `csrf_token()`,
`static_url(name)` (None for an asset that is not there, such as htmx before set-up), `Role`
and the URL helpers of `web.urls` (`serial_url`, `lot_url`, …).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from itemtrace import __version__
from itemtrace.domain.users import Role
from itemtrace.schemas.common import quantity_text
from itemtrace.web import urls
from itemtrace.web.security import CSRF_FIELD, CSRF_HEADER, csrf_token

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
STATIC_PREFIX = "/static"

templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(
    version=__version__,
    Role=Role,
    csrf_field=CSRF_FIELD,
    csrf_header=CSRF_HEADER,
    item_url=urls.item_url,
    serial_url=urls.serial_url,
    lot_url=urls.lot_url,
    package_url=urls.package_url,
    card_url=urls.card_url,
)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


@cache
def static_url(name: str) -> str | None:
    """`/static/NAME?v=HASH` (the hash of its content, so a long cache is safe), or None if absent."""
    path = STATIC_DIR / name
    if not path.is_file():
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{STATIC_PREFIX}/{name}?v={digest}"


templates.env.globals["static_url"] = static_url


templates.env.filters["quantity"] = quantity_text


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    values: dict[str, Any] = {
        "user": getattr(request.state, "user", None),
        "csrf_token": lambda: csrf_token(request),
    }
    values.update(context or {})
    return templates.TemplateResponse(request, name, values, status_code=status_code)
