"""The `itemtrace` Typer app: global options, command registration, and errors → exit codes.

Every refusal (`ItemtraceError`) becomes one line per problem on stderr, `error[CODE]: detail`,
and exit status 1; with `--json` the problem is printed as JSON on stdout instead. Usage errors (a bad
option or argument) are one line too, `error[usage]: …`, with exit status 2.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, NoReturn

import typer
from typer.exceptions import TyperException

from itemtrace import __version__
from itemtrace.cli import (
    availability,
    bulk,
    counts,
    documents,
    exports,
    info_cards,
    masterdata,
    reclass,
    reports,
    scanning,
    server,
    service,
    setup,
    tracing,
    users,
)
from itemtrace.cli.context import Cli, hide_password
from itemtrace.cli.framework import LazyGroup, Typer
from itemtrace.cli.present import error_json, error_lines, print_json
from itemtrace.config import Settings
from itemtrace.domain.errors import ItemtraceError, ValidationFailed
from itemtrace.domain.users import SYSTEM, Role, User

commands = Typer()  # every command registers here; the root builds only the one that runs


class ItemtraceGroup(LazyGroup):
    """The root command: runs the chosen subcommand and turns refusals into one-line errors."""

    source = commands

    def invoke(self, ctx: Any) -> Any:  # Any: Typer's Click context type moved between versions
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except TyperException as usage:  # a bad option, argument or file: one line too
            if shows_help(usage):
                raise
            fail(ctx, [usage_line(usage)], usage_problem(usage), exit_code=usage.exit_code)
        except ItemtraceError as error:
            fail(ctx, error_lines(error), error_json(error))
        except Exception as unexpected:  # still one line, never a traceback
            refused = as_refusal(unexpected)
            if refused is not None:
                fail(ctx, error_lines(refused), error_json(refused))
            detail = internal_detail(unexpected, ctx.obj)
            fail(
                ctx,
                [f"error[internal]: {detail}"],
                {"title": "Internal error", "code": "internal", "detail": detail},
            )
        finally:
            if isinstance(ctx.obj, Cli):
                ctx.obj.close()

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        # The root's own options are parsed here, before `invoke`: their usage errors, too, are
        # one line.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except TyperException as usage:
            if shows_help(usage):
                raise
            typer.echo(usage_line(usage), err=True)
            raise typer.Exit(usage.exit_code) from None


def fail(ctx: Any, lines: list[str], problem: dict[str, Any], *, exit_code: int = 1) -> NoReturn:
    """Print the error, a line per problem, on stderr (or JSON on stdout with `--json`); exit 1."""
    if isinstance(ctx.obj, Cli) and ctx.obj.json:
        print_json(problem)
    else:
        typer.echo("\n".join(lines), err=True)
    raise typer.Exit(exit_code)


def as_refusal(error: Exception) -> ItemtraceError | None:
    """Input the API's schemas refused (pydantic is imported only by commands that use them)."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(error, pydantic.ValidationError):
        return ValidationFailed(validation_detail(error))
    return None


def internal_detail(error: Exception, cli: Any) -> str:
    """What went wrong, with a hint only where it is true (a bad URL, no server, no schema)."""
    lines = str(error).strip().splitlines()
    detail = f"{type(error).__name__}: {lines[0] if lines else ''}"
    url = hide_password(cli.settings.database_url) if isinstance(cli, Cli) else "the database"
    name = type(error).__name__
    text = str(error).lower()
    if name in {"ArgumentError", "NoSuchModuleError"}:
        return (
            f"ITEMTRACE_DATABASE_URL is not a database URL itemtrace can use ({url}): write "
            "sqlite:///path/to/itemtrace.db or postgresql://user@host:5432/dbname"
        )
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return f"{detail} (the database {url} has no itemtrace schema yet: run `itemtrace init`)"
    if name == "OperationalError":
        return f"cannot use the database {url}: {lines[-1].strip() if lines else name}"
    return detail


def shows_help(usage: TyperException) -> bool:
    """`no_args_is_help`: Typer signals it as a usage error whose message is the help text."""
    return type(usage).__name__ == "NoArgsIsHelpError"


def usage_line(usage: TyperException) -> str:
    """`error[usage]: Missing option '--role'. … (see `itemtrace users add --help`)` on one line."""
    message = _one_line(usage)
    ctx = getattr(usage, "ctx", None)  # usage errors know their command; a file error does not
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    return f"error[usage]: {message}{where}"


def usage_problem(usage: TyperException) -> dict[str, Any]:
    return {"title": "Invalid usage", "code": "usage", "detail": _one_line(usage)}


def _one_line(usage: TyperException) -> str:
    option = getattr(usage, "option_name", None)
    if type(usage).__name__ == "NoSuchOption" and option and _is_number(option):
        return (
            f"{option} is a negative number, not an option: quantities are positive (to take stock "
            "out, ship or scrap it, or `adjust ITEM QTY --from LOCATION`)"
        )
    return " ".join(usage.format_message().replace("Value error, ", "").split())


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def validation_detail(invalid: Any) -> str:
    """Pydantic's report in one line: `lines.0.quantity: a quantity must be positive; …`."""
    parts = []
    for problem in invalid.errors():
        where = ".".join(str(p) for p in problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


app = Typer(
    cls=ItemtraceGroup,
    name="itemtrace",
    help="Track every unit of stock by serial, lot and package number.",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"itemtrace {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    json: Annotated[bool, typer.Option("--json", help="Print JSON (for scripts) instead of tables.")] = False,
    user: Annotated[
        str | None,
        typer.Option("--user", help="Record this user name on what you post (default: system)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Track every unit of stock by serial, lot and package number.

    The database is ITEMTRACE_DATABASE_URL (default: itemtrace.db in this directory); run
    `itemtrace init` once to create it.
    """
    acting = User(user, Role.ADMIN) if user else SYSTEM
    ctx.obj = Cli(Settings.from_env(), user=acting, json=json)


setup.register(commands)
server.register(commands)
users.register(commands)
masterdata.register(commands)
documents.register(commands)
reclass.register(commands)
counts.register(commands)
info_cards.register(commands)
tracing.register(commands)
availability.register(commands)
service.register(commands)
reports.register(commands)
exports.register(commands)
scanning.register(commands)
bulk.register(commands)


def main() -> None:
    app(prog_name="itemtrace")
