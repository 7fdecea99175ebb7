"""`/docs` (Swagger UI) and `/redoc` (ReDoc), served with their scripts from this process.

FastAPI's defaults load both from a CDN: a blank page on a network without the internet. The
assets come from the `fastapi-offline` package (installed with itemtrace, never copied into
this repository) and are served under `/docs-assets`.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def install(app: FastAPI, *, openapi_url: str) -> None:
    """Add `/docs`, `/redoc` and their assets to `app` (made with `docs_url=None, redoc_url=None`)."""
    app.mount(
        ASSETS, StaticFiles(directory=Path(str(files("fastapi_offline") / "static"))), name="docs-assets"
    )
    title = f"{app.title} API"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=title,
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )
