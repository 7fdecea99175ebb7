"""Setting up a database: `init` (schema), `demo` (sample data), `check` (ledger health)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from itemtrace.cli.context import Cli, hide_password
from itemtrace.cli.options import JsonFlag
from itemtrace.cli.present import echo, print_json, say, show_list
from itemtrace.domain.errors import Conflict, ErrorCode

if TYPE_CHECKING:
    from itemtrace.demo import ProgressCallback
    from itemtrace.services.ledger import Checkpoint, CheckReport

__all__ = ["hide_password", "register"]


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(demo)
    app.command()(check)


def init(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """Create or upgrade the database schema (running it again is harmless)."""
    cli = Cli.of(ctx)
    cli.upgrade()
    url = hide_password(cli.settings.database_url)
    say(cli, f"database ready: {url}", {"database_url": url, "status": "ready"})


def demo(
    ctx: typer.Context,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database already has items.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Load sample master data and movements into an empty database (creates the schema if needed)."""
    from itemtrace import demo as demo_data
    from itemtrace.services import masterdata

    cli = Cli.of(ctx)
    cli.upgrade()
    if masterdata.list_items(cli.uow(), limit=1):
        if if_empty:
            say(cli, "the database already has items: demo data not loaded", {"loaded": False})
            return
        raise Conflict(
            "the database already has items: the demo loads only into an empty database "
            "(--if-empty skips it quietly)",
            code=ErrorCode.ALREADY_EXISTS,
        )
    with _progress_bar(enabled=not cli.json) as progress:
        loaded = demo_data.load_demo(cli.uow(), today=cli.today(), now=cli.now(), progress=progress)
    assert loaded is not None  # None only when asked to skip a database with items
    say(
        cli,
        f"demo data loaded: {loaded.items} items, {loaded.documents} posted documents",
        {"loaded": True, "items": loaded.items, "documents": loaded.documents},
    )


def check(
    ctx: typer.Context,
    since_checkpoint: Annotated[
        bool,
        typer.Option(
            "--since-checkpoint",
            help="Recompute only the balances of what moved since the last check that found nothing "
            "(each from its whole history); a full check when there is none yet.",
        ),
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Recompute every balance from the ledger and compare it with the stored projection; a check
    that finds nothing records a checkpoint for the next `--since-checkpoint`."""
    from itemtrace.schemas.common import as_number
    from itemtrace.services import ledger

    cli = Cli.of(ctx)
    report = ledger.check(cli.uow(), since_checkpoint=since_checkpoint, user=cli.user.name, now=cli.now())
    differences = [
        {
            "location": d.location,
            "item": d.key.item,
            "serial": d.key.serial,
            "lot": d.key.lot,
            "package": d.key.package,
            "projected": as_number(d.projected),
            "recomputed": as_number(d.recomputed),
        }
        for d in report.differences
    ]
    negatives = [
        {
            "location": n.location,
            "item": n.key.item,
            "serial": n.key.serial,
            "lot": n.key.lot,
            "package": n.key.package,
            "quantity": as_number(n.quantity),
        }
        for n in report.negatives
    ]
    duplicates = [
        {"serial": d.serial, "places": [{"item": i, "location": loc} for i, loc in d.places]}
        for d in report.duplicates
    ]
    if cli.json:
        print_json(
            {
                "mode": report.mode,
                "entries": report.entries,
                "keys": report.keys,
                "checkpoint_before": _checkpoint(report.checkpoint_before),
                "checkpoint_after": _checkpoint(report.checkpoint_after),
                "ok": report.ok,
                "differences": differences,
                "negative_balances": negatives,
                "serials_in_stock_twice": duplicates,
            }
        )
    elif report.ok:
        echo([f"ledger: {_scope(report)}, balances OK"])
    else:
        if differences:
            show_list(cli, differences, title=f"ledger: {_scope(report)}, balances that differ")
        if negatives:
            show_list(cli, negatives, title="balances below zero")
        if duplicates:
            show_list(
                cli,
                [
                    {"serial": d.serial, "in stock at": ", ".join(f"{i} at {loc}" for i, loc in d.places)}
                    for d in report.duplicates
                ],
                title="serials in stock more than once",
            )
    if not report.ok:
        raise typer.Exit(1)


def _scope(report: CheckReport) -> str:
    """What the check covered: `12 entries`, or `3 entries since entry 9 (2 keys)`."""
    before = report.checkpoint_before
    if report.mode == "incremental" and before is not None:
        keys = "key" if report.keys == 1 else "keys"
        return f"{report.entries} entries since entry {before.last_entry_id} ({report.keys} {keys})"
    return f"{report.entries} entries"


def _checkpoint(checkpoint: Checkpoint | None) -> dict[str, object] | None:
    if checkpoint is None:
        return None
    return {
        "last_entry_id": checkpoint.last_entry_id,
        "mode": checkpoint.mode,
        "entries": checkpoint.entries,
        "keys": checkpoint.keys,
        "user": checkpoint.user,
        "checked_at": checkpoint.checked_at.isoformat(),
    }


@contextmanager
def _progress_bar(*, enabled: bool) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr (stdout stays clean for scripts); none with `--json`."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("demo data", total=None)

        def advance(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total)

        yield advance
