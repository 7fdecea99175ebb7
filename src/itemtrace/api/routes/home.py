"""The page at `/`: what this is, where the API docs are, how to get a token."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from itemtrace import __version__

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>itemtrace</title></head>
<body>
<h1>itemtrace</h1>
<p>Track every unit of stock by its serial, lot and package number. Version {version}.</p>
<ul>
<li><a href="/docs">Interactive API documentation</a> (<a href="/redoc">ReDoc</a>,
<a href="/openapi.json">OpenAPI</a>)</li>
<li>The REST API lives under <code>/api/v1</code>.</li>
</ul>
<h2>Getting a token</h2>
<p>Create a user on the server with
<code>itemtrace users add NAME --role viewer|clerk|admin</code>; the last line it prints is
the API token. Send it as <code>Authorization: Bearer TOKEN</code>.</p>
</body>
</html>
"""


@router.get("/", response_class=HTMLResponse)
def home() -> HTMLResponse:
    return HTMLResponse(_PAGE.format(version=__version__))
