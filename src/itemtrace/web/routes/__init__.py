"""One module per noun, each with its `router` and its templates in templates/<noun>/.

Add a module here to mount it; every router gets the CSRF check and stays out of the OpenAPI
document (`web.install`).
"""

from __future__ import annotations

from fastapi import APIRouter

from itemtrace.web.routes import (
    admin,
    admin_users,
    auth,
    cards,
    dashboard,
    documents,
    imports,
    recalls,
    reports,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    dashboard.router,
    cards.router,
    documents.router,
    recalls.router,
    reports.router,
    imports.router,
    admin_users.router,
    admin.router,
)
