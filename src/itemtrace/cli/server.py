"""`itemtrace serve`: the REST API under uvicorn, in one or several worker processes."""

from __future__ import annotations

import os
import secrets
import socket
from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.domain.errors import ValidationFailed

ADMIN_NAME = "admin"


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    print_admin_token: Annotated[
        bool,
        typer.Option(
            "--print-admin-token",
            help=f"Give the user {ADMIN_NAME!r} a new admin token and print it before serving.",
        ),
    ] = False,
    print_admin_password: Annotated[
        bool,
        typer.Option(
            "--print-admin-password",
            help=f"Give the user {ADMIN_NAME!r} (an admin) a new password for the web UI and print it before serving.",
        ),
    ] = False,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes [env ITEMTRACE_WORKERS; default 1].")
    ] = None,
    pool_size: Annotated[
        int | None,
        typer.Option(help="Database connections per worker, at most [env ITEMTRACE_POOL_SIZE; default 10]."),
    ] = None,
    pool_timeout: Annotated[
        float | None,
        typer.Option(
            help="Seconds a request waits for a free connection before a 503 "
            "[env ITEMTRACE_POOL_TIMEOUT; default 10]."
        ),
    ] = None,
    statement_timeout: Annotated[
        int | None,
        typer.Option(
            help="PostgreSQL statement timeout in ms, 0 for none [env ITEMTRACE_STATEMENT_TIMEOUT; default 60000]."
        ),
    ] = None,
    lock_timeout: Annotated[
        int | None,
        typer.Option(
            help="Longest wait for a lock in ms, 0 for none [env ITEMTRACE_LOCK_TIMEOUT; default 30000]."
        ),
    ] = None,
) -> None:
    """Serve the REST API (/api/v1, and its docs at /docs); creates the schema first if needed.

    Options override the ITEMTRACE_* environment; see docs/operations.md for sizing.
    """
    # Imported here so the other commands do not pay for FastAPI's and uvicorn's start-up.
    import uvicorn

    from itemtrace.services import imports, users

    cli = Cli.of(ctx)
    settings = cli.settings.overridden(
        workers=workers,
        pool_size=pool_size,
        pool_timeout=pool_timeout,
        statement_timeout_ms=statement_timeout,
        lock_timeout_ms=lock_timeout,
    )
    _require_free(host, port)
    cli.upgrade()
    # Before any worker starts, no import runs: one left `running` died with its server.
    abandoned = imports.fail_abandoned(cli.uow(), now=cli.now())
    if abandoned:
        print(f"{abandoned} import(s) left running by a stopped server marked failed", flush=True)
    token = password = None
    if print_admin_token or print_admin_password:
        token = users.bootstrap_admin(cli.uow(), ADMIN_NAME, now=cli.now())
    if print_admin_password:
        password = secrets.token_urlsafe(12)
        users.set_password(cli.uow(), ADMIN_NAME, password)
    cli.close()
    # Plain prints, flushed: `make run` and scripts read these lines before the server logs.
    url = f"http://{host}:{port}"
    print(f"itemtrace serving on {url}", flush=True)
    if print_admin_token:
        print(f"admin token: {token}", flush=True)
    if password is not None:
        print(f"web UI: {url}/ - sign in as {ADMIN_NAME} with password {password}", flush=True)
    # Each worker builds its app from the environment (uvicorn needs an import string for
    # workers), so the settings, options included, travel there.
    os.environ.update(settings.to_env())
    uvicorn.run(
        "itemtrace.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=settings.workers,
        log_level="info",
    )


def _require_free(host: str, port: int) -> None:
    """Refuse before printing a URL that would not answer (uvicorn alone says it in many lines)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ValidationFailed(
                f"cannot listen on {host}:{port} ({error.strerror}): stop the other server or pick "
                "another port (--port, or PORT=8001 make run)"
            ) from None
