"""`itemtrace users`: API users, their roles, whether they may sign in, and their tokens.

A token is printed once, as the last line, by `add` and `rotate-token`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import JsonFlag
from itemtrace.cli.present import print_json, show, show_list
from itemtrace.domain.users import Role, User

group = Typer(help="API users: viewer reads, clerk also posts, admin also sets up.")

Name = Annotated[str, typer.Argument(metavar="NAME", help="The user name.")]


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="users")


@group.command("add")
def add(
    ctx: typer.Context,
    name: Name,
    role: Annotated[Role, typer.Option(help="What the user may do.")],
    password: Annotated[str | None, typer.Option(help="A password for the user (optional).")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Create a user; prints the new API token as the last line (it is shown only once)."""
    from itemtrace.services import users

    cli = Cli.of(ctx)
    token = users.add_user(cli.uow(), name, role, password=password, now=cli.now())
    _show_token(cli, User(name, role), token, f"user {name} ({role.value}) created")


@group.command("list")
def list_(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """List the users, their roles and whether they are active."""
    from itemtrace.schemas.users import UserOut
    from itemtrace.services import users

    cli = Cli.of(ctx)
    found: list[User] = users.list_users(cli.uow())
    show_list(cli, [UserOut.from_domain(u) for u in found], title="users")


@group.command("set")
def set_(
    ctx: typer.Context,
    name: Name,
    role: Annotated[Role | None, typer.Option(help="Give the user this role.")] = None,
    active: Annotated[
        bool | None,
        typer.Option("--active/--disabled", help="Enable the user, or disable it (its token is refused)."),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Change a user's role or enable/disable it (the last active admin stays one)."""
    from itemtrace.schemas.users import UserOut
    from itemtrace.services import users

    cli = Cli.of(ctx)
    if role is None and active is None:
        raise typer.BadParameter("say what to change: --role ROLE, --active or --disabled")
    show(cli, UserOut.from_domain(users.update_user(cli.uow(), name, role=role, active=active)))


@group.command("disable")
def disable(ctx: typer.Context, name: Name, json_output: JsonFlag = False) -> None:
    """Disable a user: its token and password are refused from now on (`set NAME --active` undoes it)."""
    from itemtrace.schemas.users import UserOut
    from itemtrace.services import users

    cli = Cli.of(ctx)
    show(cli, UserOut.from_domain(users.update_user(cli.uow(), name, active=False)))


@group.command("rotate-token")
def rotate_token(ctx: typer.Context, name: Name, json_output: JsonFlag = False) -> None:
    """Give a user a new API token, printed as the last line; the old token stops working."""
    from itemtrace.services import users

    cli = Cli.of(ctx)
    user, token = users.rotate_token(cli.uow(), name)
    _show_token(cli, user, token, f"user {name} has a new token; the old one no longer works")


def _show_token(cli: Cli, user: User, token: str, said: str) -> None:
    if cli.json:
        from itemtrace.schemas.users import NewUserOut

        print_json(NewUserOut.with_token(user, token).model_dump(mode="json"))
        return
    cli.console.print(f"{said}; API token (shown once):", markup=False)
    print(token, flush=True)
