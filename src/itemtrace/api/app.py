"""`create_app(settings)`: routers under /api/v1, problem+json handlers, the edge guard, the web UI.

`app_from_env` is the factory `itemtrace serve` hands to uvicorn by import string, so that every
worker process builds its own app (and its own connection pool) from the environment.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from itemtrace import __version__, web
from itemtrace.api import docs, openapi, problems
from itemtrace.api.guard import RequestGuard
from itemtrace.api.routes import (
    availability,
    bulk,
    cards,
    corrections,
    documents,
    epcis,
    health,
    masterdata,
    picking,
    reports,
    scanning,
    tracing,
    users,
)
from itemtrace.config import Settings
from itemtrace.domain.errors import ErrorCode
from itemtrace.domain.users import User
from itemtrace.services import imports as import_service
from itemtrace.services import users as user_service
from itemtrace.storage.engine import WAIT_ERRORS, engine_for, gave_up_waiting, read_engine_for
from itemtrace.storage.unit_of_work import Contention, UnitOfWork

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: Callable[[], Session] | None = None,
    read_session_factory: Callable[[], Session] | None = None,
    freeze_startup_heap: bool = False,
) -> FastAPI:
    """The ASGI app. Builds its engines from `settings` (the primary, and the read replica if
    `settings.read_database_url` names one) unless a `session_factory` is given (and then a
    `read_session_factory` for reads that may lag, if any).

    Bodies over `settings.max_body_bytes` are refused with 413 before they are read. It never
    migrates the database: run `itemtrace init` first.

    `freeze_startup_heap=True` (what `itemtrace serve` asks for, through `app_from_env`): once the
    app has started, see `_freeze_startup_heap`. Off by default, since frozen objects are never
    freed: a process that builds many apps (the test suite) would keep every one of them.
    """
    settings = settings or Settings.from_env()
    engines: list[Engine] = []  # only the engines this app made are ours to close
    if session_factory is None:
        engine = engine_for(settings)
        engines.append(engine)
        session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        read_engine = read_engine_for(settings)
        if read_engine is not None:
            engines.append(read_engine)
            read_session_factory = sessionmaker(bind=read_engine, expire_on_commit=False)
    factory, read_factory = session_factory, read_session_factory

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if freeze_startup_heap:
            _freeze_startup_heap()
        yield
        await run_in_threadpool(_app.state.imports.close)  # background imports end first
        for made in engines:
            made.dispose()

    app = FastAPI(
        title="itemtrace",
        version=__version__,
        description="Track every unit of stock by serial, lot and package number.",
        openapi_url="/openapi.json",
        docs_url=None,  # served by `docs.install` with local assets instead of a CDN's
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engines[0] if engines else None
    app.state.imports = import_service.Runner()  # this process's background imports
    app.state.uow_factory = lambda: UnitOfWork(
        factory, read_session_factory=read_factory, gs1_company_prefix=settings.gs1_company_prefix
    )
    problems.install(app)
    for error in (*WAIT_ERRORS, Contention):
        app.add_exception_handler(error, _database_busy)
    docs.install(app, openapi_url="/openapi.json")
    for module in (
        health,
        users,
        masterdata,
        documents,
        corrections,
        cards,
        availability,
        picking,
        tracing,
        reports,
        epcis,
        scanning,
        bulk,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    openapi.install(app, prefix=API_PREFIX)
    web.install(app, settings)

    def authenticate(token: str) -> User:
        # The same service `deps.get_current_user` calls; the guard hands it the user it found.
        uow: UnitOfWork = app.state.uow_factory()
        return user_service.authenticate(uow, token)

    app.add_middleware(
        RequestGuard,
        authenticate=authenticate,
        unavailable=_busy_answer,
        max_body_bytes=settings.max_body_bytes,
        prefix=API_PREFIX + "/",
        public=frozenset({API_PREFIX + "/health"}),
    )
    return app


def app_from_env() -> FastAPI:
    """The app of one server process, as the environment says (`uvicorn --factory`), which
    freezes its start-up heap when it starts serving."""
    return create_app(Settings.from_env(), freeze_startup_heap=True)


def _freeze_startup_heap() -> None:
    """Take what start-up built (the imports, the app, its routes, schemas and templates: most of
    the process's objects, and alive until it exits) out of the cyclic garbage collector's
    generations, so that its full collections during requests no longer scan them all. That scan
    was the tail of the 1,000-line document page (p99 196 ms against p50 39 ms; by hand, CPU p99
    216 ms as is, 65 ms frozen: docs/performance.md). Collect first, so no garbage is frozen for
    good. Once per process, in each worker's lifespan, before the first request."""
    gc.collect()
    gc.freeze()


def _database_busy(_request: Request, error: Exception) -> JSONResponse:
    """The routes' handler of `_busy_answer`'s errors; any other database error goes on up."""
    answer = _busy_answer(error)
    if answer is None:
        raise error
    return answer


def _busy_answer(error: Exception) -> JSONResponse | None:
    """No free database connection within `pool_timeout`, a statement/lock timeout, or a
    transaction the database failed again and again to resolve conflicts (`Contention` after its
    retries): 503, and nothing was written (the transaction is rolled back). None for any other
    error."""
    if not (isinstance(error, Contention) or gave_up_waiting(error)):
        return None
    return problems.problem(
        503,
        "Service unavailable",
        "the database is busy: nothing was changed, retry in a moment "
        "(if this persists, see docs/operations.md on pool size and timeouts)",
        ErrorCode.SERVICE_UNAVAILABLE.value,
        headers={"Retry-After": "1"},
    )
