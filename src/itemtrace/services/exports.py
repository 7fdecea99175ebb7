"""Stock and ledger exports as CSV or XLSX, produced page by page in constant memory.

The stock export has exactly the import's columns (`domain.imports.COLUMNS`), so a file
exported from one database imports into another with the same master data, and exporting
again gives the same file.

Each page is its own short read (keyset pages: a page never skips or repeats a row, however
long the export takes); a posting made while a big export runs may show in its later pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import IO

from itemtrace.adapters import spreadsheets
from itemtrace.adapters.spreadsheets import Cell
from itemtrace.domain.imports import COLUMNS
from itemtrace.storage.bulk import LedgerRow, StockPosition, StockRow
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention

STOCK_COLUMNS = COLUMNS
LEDGER_COLUMNS = (
    "entry",
    "posting_date",
    "posted_at",
    "document",
    "type",
    "item",
    "serial",
    "lot",
    "package",
    "quantity",
    "from",
    "to",
    "partner",
    "user",
    "expiration_date",
    "warranty_date",
)
PAGE = 5_000

Page = list[list[Cell]]
Progress = Callable[[int], None]  # rows written so far


def stock_pages(
    uow: UnitOfWork,
    *,
    item: str | None = None,
    location: str | None = None,
    lot: str | None = None,
    page: int = PAGE,
) -> Iterator[Page]:
    """On-hand stock at internal locations (with `location`: it and the places under it), in
    item, location and number order, one page of rows at a time."""
    after: StockPosition | None = None
    while True:
        found = _stock_page(uow, item, location, lot, after, page)
        if not found:
            return
        yield [
            [r.item, r.location, r.serial, r.lot, r.package, r.quantity, r.expiration_date, r.warranty_date]
            for r in found
        ]
        if len(found) < page:
            return
        after = found[-1].position


def ledger_pages(
    uow: UnitOfWork,
    *,
    item: str | None = None,
    location: str | None = None,
    lot: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = PAGE,
) -> Iterator[Page]:
    """Ledger entries oldest first, filtered, one page at a time."""
    after: int | None = None
    while True:
        found = _ledger_page(uow, item, location, lot, since, until, after, page)
        if not found:
            return
        yield [list(r) for r in found]
        if len(found) < page:
            return
        after = found[-1].id


# Each page is a read of its own: one the database cancels (a replica's recovery conflict) runs
# again, where a generator as a whole could not.
@run_again_on_contention
def _stock_page(
    uow: UnitOfWork,
    item: str | None,
    location: str | None,
    lot: str | None,
    after: StockPosition | None,
    limit: int,
) -> list[StockRow]:
    with uow.read(may_lag=True):
        return uow.bulk.stock_page(item=item, location=location, lot=lot, after=after, limit=limit)


@run_again_on_contention
def _ledger_page(
    uow: UnitOfWork,
    item: str | None,
    location: str | None,
    lot: str | None,
    since: date | None,
    until: date | None,
    after: int | None,
    limit: int,
) -> list[LedgerRow]:
    with uow.read(may_lag=True):
        return uow.bulk.ledger_page(
            item=item, location=location, lot=lot, since=since, until=until, after=after, limit=limit
        )


def counted(pages: Iterator[Page], progress: Progress | None) -> Iterator[Page]:
    done = 0
    for rows in pages:
        yield rows
        done += len(rows)
        if progress is not None:
            progress(done)


def csv_stream(header: tuple[str, ...], pages: Iterator[Page]) -> Iterator[bytes]:
    return spreadsheets.csv_chunks(header, pages)


def write(
    format: spreadsheets.SheetFormat,
    header: tuple[str, ...],
    pages: Iterator[Page],
    target: IO[bytes],
    *,
    sheet: str,
) -> None:
    """The whole export into a binary file, as CSV or XLSX."""
    if format is spreadsheets.SheetFormat.CSV:
        for chunk in spreadsheets.csv_chunks(header, pages):
            target.write(chunk)
    else:
        spreadsheets.write_xlsx_stream(header, pages, target, sheet=sheet)
