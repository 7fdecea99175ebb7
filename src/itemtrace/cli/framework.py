"""The command classes every `itemtrace` command is built from: plain help in the CLI's own words.

Typer's help shows Python types (`<str>`, `<Decimal>`, `<bool>` after a flag, `{ITEM}` in the
usage line); these classes show what a user types instead: `ITEM QTY`, `--to TEXT`, `--json`
alone, choices as `[forward|backward]`. Help is plain text (no rich boxes): it starts faster and
reads at any terminal width. Commands keep their help panels ("Posting", "Tracking") as sections.

Only Typer is imported here: the command tree must stay cheap to build (`itemtrace --help`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.main import get_command_from_info, get_command_name, get_group_from_info
from typer.models import CommandInfo, DefaultPlaceholder, TyperInfo

VALUE_NAMES: dict[Any, str] = {int: "INTEGER", Decimal: "NUMBER", Path: "FILE"}


class Command(TyperCommand):
    """A command whose usage line and options read as typed: `itemtrace receive [OPTIONS] ITEM QTY`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_values(self.params)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments = [
            (argument_name(p), p.help or "")
            for p in self.get_params(ctx)
            if isinstance(p, TyperArgument) and not p.hidden
        ]
        options = [
            record
            for p in self.get_params(ctx)
            if not isinstance(p, TyperArgument) and (record := p.get_help_record(ctx)) is not None
        ]
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


class Group(TyperGroup):
    """A command group: its commands listed in sections by help panel, in the order registered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_values(self.params)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for name, panel, summary in self.summaries(ctx):
            sections.setdefault(panel or "Commands", []).append((name, summary))
        if not sections:
            return
        width = max(len(name) for rows in sections.values() for name, _ in rows)
        for panel, rows in sections.items():
            with formatter.section(panel):  # names padded alike: every section's help starts aligned
                formatter.write_dl([(name.ljust(width), summary) for name, summary in rows])

    def summaries(self, ctx: Any) -> list[tuple[str, str | None, str]]:
        """(name, help panel, one-line help) of each visible command, in the order registered."""
        found = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                panel = getattr(command, "rich_help_panel", None)
                found.append((name, panel, command.get_short_help_str(limit=200)))
        return found


class LazyGroup(Group):
    """The root: its commands are registered on `source` and built only when one is asked for.

    Building a command reads its signature (Typer evaluates every annotation), so building all
    fifty for every run costs more than the rest of `itemtrace --help`; the root's help reads the
    names, panels and first help lines straight from the registrations instead.
    """

    source: typer.Typer

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self._registered())

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            info = self._registered().get(cmd_name)
            if info is None:
                return None
            self.commands[cmd_name] = _build(info)
        return self.commands[cmd_name]

    def summaries(self, ctx: Any) -> list[tuple[str, str | None, str]]:
        found = []
        for name, info in self._registered().items():
            if isinstance(info, CommandInfo):
                text = info.help or inspect.getdoc(info.callback) or ""
            else:
                own = info.typer_instance.info.help if info.typer_instance else None
                text = _given(info.help) or _given(own) or ""
            found.append(
                (name, _given(info.rich_help_panel), text.strip().split("\n\n")[0].replace("\n", " "))
            )
        return found

    def _registered(self) -> dict[str, CommandInfo | TyperInfo]:
        found: dict[str, CommandInfo | TyperInfo] = {}
        for command in self.source.registered_commands:
            found[command.name or get_command_name(getattr(command.callback, "__name__", ""))] = command
        for group in self.source.registered_groups:  # every group is added with its name
            found[_given(group.name)] = group
        return found


def _given(value: Any) -> Any:
    """A Typer setting as given (Typer wraps the ones left unset in `DefaultPlaceholder`)."""
    return value.value if isinstance(value, DefaultPlaceholder) else value


def _build(info: CommandInfo | TyperInfo) -> Any:
    if isinstance(info, CommandInfo):
        return get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)
    return get_group_from_info(
        info, pretty_exceptions_short=True, rich_markup_mode=None, suggest_commands=True
    )


class Typer(typer.Typer):
    """`typer.Typer` whose groups and commands are the classes above, with plain help."""

    def __init__(self, *, cls: type[TyperGroup] = Group, **kwargs: Any) -> None:
        kwargs.setdefault("no_args_is_help", True)
        super().__init__(cls=cls, rich_markup_mode=None, add_completion=False, **kwargs)

    def command(  # type: ignore[override]  # same call, a different default class
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return super().command(name, cls=cls or Command, **kwargs)


def argument_name(param: TyperArgument) -> str:
    name = param.metavar or (param.name or "").upper()
    return f"{name}..." if param.nargs != 1 else name


def name_values(params: list[Any]) -> None:
    """Give every option that takes a value a metavar, so help never shows a Python type."""
    for param in params:
        if isinstance(param, TyperOption) and not param.is_flag and param.metavar is None:
            param.metavar = value_name(param)


def value_name(param: TyperOption) -> str:
    """What an option takes, as a user reads it: TEXT, INTEGER, NUMBER, FILE or [a|b|c]."""
    described = param.type_descriptor
    if described.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in described.choices or ()) + "]"
    return VALUE_NAMES.get(described.annotation, "TEXT")
