"""`itemtrace serve`: the REST API under uvicorn."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.users import Role

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
) -> None:
    """Serve the REST API (/api/v1, and its docs at /docs); creates the schema first if needed."""
    # Imported here so the other commands do not pay for FastAPI's and uvicorn's start-up.
    import uvicorn

    from itemtrace.api.app import create_app
    from itemtrace.services import users

    cli = Cli.of(ctx)
    _require_free(host, port)
    cli.upgrade()
    token = (
        users.rotate_token(cli.uow(), ADMIN_NAME, Role.ADMIN, now=cli.now()) if print_admin_token else None
    )
    cli.close()
    # Plain prints, flushed: `make run` and scripts read these lines before the server logs.
    print(f"itemtrace serving on http://{host}:{port}", flush=True)
    if token is not None:
        print(f"admin token: {token}", flush=True)
    uvicorn.run(create_app(cli.settings), host=host, port=port, log_level="info")


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
