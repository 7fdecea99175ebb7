"""`create_app(settings)`: routers under /api/v1, problem+json handlers, the page at `/`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from itemtrace import __version__
from itemtrace.api import docs, problems
from itemtrace.api.routes import availability, cards, documents, health, home, masterdata, tracing, users
from itemtrace.config import Settings
from itemtrace.storage.engine import make_engine
from itemtrace.storage.unit_of_work import UnitOfWork

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None, *, session_factory: Callable[[], Session] | None = None
) -> FastAPI:
    """The ASGI app. Builds its engine from `settings` unless a `session_factory` is given.

    It never migrates the database: run `itemtrace init` first.
    """
    engine: Engine | None = None
    if session_factory is None:
        settings = settings or Settings.from_env()
        engine = make_engine(settings.database_url)
        session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    factory = session_factory

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if engine is not None:  # only the engine this app made is ours to close
            engine.dispose()

    app = FastAPI(
        title="itemtrace",
        version=__version__,
        description="Track every unit of stock by serial, lot and package number.",
        openapi_url="/openapi.json",
        docs_url=None,  # served by `docs.install` with local assets instead of a CDN's
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.uow_factory = lambda: UnitOfWork(factory)
    problems.install(app)
    docs.install(app, openapi_url="/openapi.json")
    app.include_router(home.router)
    for module in (health, users, masterdata, documents, cards, availability, tracing):
        app.include_router(module.router, prefix=API_PREFIX)
    return app
