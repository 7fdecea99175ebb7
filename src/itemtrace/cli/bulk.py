"""`itemtrace import FILE` (opening balances from CSV/XLSX) and `itemtrace export stock|ledger`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from itemtrace.cli.context import Cli
from itemtrace.cli.exports import export  # one `export` group: stock, ledger and EPCIS
from itemtrace.cli.options import JsonFlag, PostingDate, parse_date
from itemtrace.cli.present import echo, print_json, say

if TYPE_CHECKING:
    from rich.progress import Progress


ItemOpt = Annotated[str | None, typer.Option("--item", help="Only this item.")]
LocationOpt = Annotated[str | None, typer.Option("--location", help="Only this location and its bins.")]
LotOpt = Annotated[str | None, typer.Option("--lot", help="Only this lot.")]
FormatOpt = Annotated[
    str | None, typer.Option("--format", help="csv or xlsx (default: the --output file's suffix, else csv).")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file (default: CSV on standard output).")
]


def register(app: typer.Typer) -> None:
    app.command("import", rich_help_panel="Bulk")(import_command)


def _progress(cli: Cli, description: str, total: int | None = None) -> Progress | None:
    """A progress bar on standard error; none with --json or when stderr is not a terminal…
    except that tests may force it with ITEMTRACE_PROGRESS=1."""
    import os

    if cli.json or not (sys.stderr.isatty() or os.environ.get("ITEMTRACE_PROGRESS") == "1"):
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    bar.add_task(description, total=total)
    return bar


def _updater(bar: Progress | None) -> Callable[[int], None] | None:
    if bar is None:
        return None
    task = bar.task_ids[0]
    return lambda done: bar.update(task, completed=done)


def import_command(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", exists=True, dir_okay=False, help="A .csv or .xlsx table.")
    ],
    location: Annotated[
        str | None, typer.Option("--location", help="The location of rows that name none.")
    ] = None,
    posting_date: PostingDate = None,
    errors_file: Annotated[
        Path | None, typer.Option("--errors", help="On refusal, write the bad rows here as CSV.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Import opening balances: columns item, location, serial, lot, package, quantity,
    expiration_date, warranty_date (header row, any order). Every row is posted as one
    adjustment, with every posting rule checked, or nothing is (the bad rows are listed)."""
    from itemtrace.domain.imports import ImportRejected
    from itemtrace.schemas.bulk import RowErrorOut
    from itemtrace.schemas.documents import DocumentOut
    from itemtrace.services import imports

    cli = Cli.of(ctx)
    bar = _progress(cli, f"importing {file.name}")
    try:
        with file.open("rb") as source:
            if bar is not None:
                bar.start()
            try:
                job, document = imports.import_file(
                    cli.uow(),
                    source,
                    file_name=file.name,
                    user=cli.user,
                    default_location=location,
                    posting_date=posting_date,
                    today=cli.today(),
                    now=cli.now(),
                    progress=_updater(bar),
                )
            finally:
                if bar is not None:
                    bar.stop()
    except ImportRejected as rejected:
        if errors_file is not None:
            errors_file.write_bytes(imports.errors_csv(rejected.errors))
        if cli.json:
            print_json(
                {
                    "title": rejected.title,
                    "code": rejected.code.value,
                    "detail": rejected.detail,
                    "errors": [RowErrorOut.from_domain(e).model_dump() for e in rejected.errors],
                    "error_count": rejected.total,
                    "import_id": rejected.job_id,
                }
            )
        else:
            lines = [
                f"error[{e.code.value}]: row {e.row}"
                + (f", {e.column}" if e.column else "")
                + f": {e.detail}"
                for e in rejected.errors
            ]
            if rejected.total > len(rejected.errors):
                lines.append(f"… and {rejected.total - len(rejected.errors)} more")
            lines.append(f"nothing was imported ({rejected.total} problem(s))")
            if errors_file is not None:
                lines.append(f"the bad rows are in {errors_file}")
            typer.echo("\n".join(lines), err=True)
        raise typer.Exit(1) from None
    out = DocumentOut.from_domain(document)
    if cli.json:
        data: dict[str, Any] = out.model_dump(mode="json", exclude_none=True)
        data["import"] = {"id": job.id, "rows": job.rows, "status": job.status}
        print_json(data)
        return
    echo([f"imported {job.rows} row(s) from {file.name}: posted {document.number} (import {job.id})"])


def _format(format: str | None, output: Path | None) -> Any:
    from itemtrace.adapters.spreadsheets import SheetFormat

    chosen = format or (output.suffix.lstrip(".").lower() if output is not None else "csv")
    if chosen not in {f.value for f in SheetFormat}:
        raise typer.BadParameter(f"{chosen!r} is not a format: use csv or xlsx", param_hint="--format")
    if chosen == "xlsx" and output is None:
        raise typer.BadParameter("an XLSX file needs --output FILE", param_hint="--format")
    return SheetFormat(chosen)


def _write(
    cli: Cli,
    name: str,
    header: tuple[str, ...],
    pages: Callable[[], Iterator[Any]],
    format: Any,
    output: Path | None,
) -> None:
    from itemtrace.services import exports

    bar = _progress(cli, f"exporting {name}") if output is not None else None
    if bar is not None:
        bar.start()
    rows = 0

    def count(done: int) -> None:
        nonlocal rows
        rows = done
        updater = _updater(bar)
        if updater is not None:
            updater(done)

    try:
        counted = exports.counted(pages(), count)
        if output is None:
            for chunk in exports.csv_stream(header, counted):
                sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            return
        with output.open("wb") as target:
            exports.write(format, header, counted, target, sheet=name)
    finally:
        if bar is not None:
            bar.stop()
    say(cli, f"{rows} row(s) of {name} written to {output}", {"file": str(output), "rows": rows})


@export.command("stock")
def export_stock(
    ctx: typer.Context,
    item: ItemOpt = None,
    location: LocationOpt = None,
    lot: LotOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    json_output: JsonFlag = False,
) -> None:
    """Stock on hand in the import's columns (it imports again as it is)."""
    from itemtrace.services import exports

    cli = Cli.of(ctx)
    chosen = _format(format, output)
    uow = cli.uow()
    _write(
        cli,
        "stock",
        exports.STOCK_COLUMNS,
        lambda: exports.stock_pages(uow, item=item, location=location, lot=lot),
        chosen,
        output,
    )


@export.command("ledger")
def export_ledger(
    ctx: typer.Context,
    item: ItemOpt = None,
    location: LocationOpt = None,
    lot: LotOpt = None,
    since: Annotated[
        date | None,
        typer.Option("--from", parser=parse_date, metavar="YYYY-MM-DD", help="First posting date."),
    ] = None,
    until: Annotated[
        date | None, typer.Option("--to", parser=parse_date, metavar="YYYY-MM-DD", help="Last posting date.")
    ] = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    json_output: JsonFlag = False,
) -> None:
    """Every ledger entry, oldest first, filtered by item, location, lot and posting dates."""
    from itemtrace.services import exports

    cli = Cli.of(ctx)
    chosen = _format(format, output)
    uow = cli.uow()
    _write(
        cli,
        "ledger",
        exports.LEDGER_COLUMNS,
        lambda: exports.ledger_pages(uow, item=item, location=location, lot=lot, since=since, until=until),
        chosen,
        output,
    )
