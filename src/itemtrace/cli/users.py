"""`itemtrace users`: API users and their roles; a new user's token is printed once."""

from __future__ import annotations

from typing import Annotated

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.framework import Typer
from itemtrace.cli.options import JsonFlag
from itemtrace.cli.present import print_json, show_list
from itemtrace.domain.users import Role, User

group = Typer(help="API users: viewer reads, clerk also posts, admin also sets up.")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="users")


@group.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user name.")],
    role: Annotated[Role, typer.Option(help="What the user may do.")],
    password: Annotated[str | None, typer.Option(help="A password for the user (optional).")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Create a user; prints the new API token as the last line (it is shown only once)."""
    from itemtrace.api.schemas.users import NewUserOut
    from itemtrace.services import users

    cli = Cli.of(ctx)
    token = users.add_user(cli.uow(), name, role, password=password, now=cli.now())
    if cli.json:
        print_json(NewUserOut(name=name, role=role, token=token).model_dump(mode="json"))
        return
    cli.console.print(f"user {name} ({role.value}) created; API token (shown once):", markup=False)
    print(token, flush=True)


@group.command("list")
def list_(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """List the users and their roles."""
    from itemtrace.api.schemas.users import UserOut
    from itemtrace.services import users

    cli = Cli.of(ctx)
    found: list[User] = users.list_users(cli.uow())
    show_list(cli, [UserOut.from_domain(u) for u in found], title="users")
