"""Bulk data: import jobs, and the stock and ledger read page by page for exports.

Exports read keyset pages (stock by its unique key, the ledger by id), so any size streams in
constant memory: one page of rows at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, or_, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from itemtrace.domain.errors import ErrorCode, NotFound
from itemtrace.domain.imports import FAILED, RUNNING, ImportJob, RowError, StoredImportJob
from itemtrace.domain.masterdata import LocationKind
from itemtrace.storage.dialect import is_postgresql
from itemtrace.storage.location_tree import location_ids
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import (
    SOURCE,
    TARGET,
    BalanceRow,
    DocumentRow,
    ImportJobRow,
    ItemRow,
    LedgerEntryRow,
    LocationRow,
    PartnerRow,
)

_WARRANTY = aliased(LedgerEntryRow, name="warranty_entry")

StockPosition = tuple[int, int, str, str, str]


class StockRow(NamedTuple):
    position: StockPosition
    item: str
    location: str
    serial: str | None
    lot: str | None
    package: str | None
    quantity: Decimal
    expiration_date: date | None
    warranty_date: date | None


class LedgerRow(NamedTuple):
    id: int
    posting_date: date
    posted_at: datetime
    document: str
    type: str
    item: str
    serial: str | None
    lot: str | None
    package: str | None
    quantity: Decimal
    from_location: str
    to_location: str
    partner: str | None
    user: str | None
    expiration_date: date | None
    warranty_date: date | None


def _none(value: str) -> str | None:
    return value or None


def _errors(errors: Iterable[RowError]) -> list[dict[str, object]]:
    return [{"row": e.row, "column": e.column, "code": e.code.value, "detail": e.detail} for e in errors]


class Bulk:
    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.masterdata = masterdata

    # -- import jobs --------------------------------------------------------------------------

    def add_job(self, job: ImportJob) -> StoredImportJob:
        row = ImportJobRow(
            file_name=job.file_name,
            rows=job.rows,
            status=job.status,
            document_id=job.document_id,
            error_count=job.error_count,
            errors=_errors(job.errors),
            user_name=job.user,
            started_at=job.started_at,
            finished_at=job.finished_at,
            detail=job.detail,
        )
        self.session.add(row)
        self.session.flush()
        return self.job(row.id)

    def finish_job(self, job_id: int, job: ImportJob) -> StoredImportJob:
        """Write how a `running` job ended (every field of `job` but its start)."""
        self.session.execute(
            update(ImportJobRow)
            .where(ImportJobRow.id == job_id)
            .values(
                rows=job.rows,
                status=job.status,
                document_id=job.document_id,
                error_count=job.error_count,
                errors=_errors(job.errors),
                finished_at=job.finished_at,
                detail=job.detail,
            )
        )
        return self.job(job_id)

    def set_rows_read(self, job_id: int, rows: int) -> None:
        """A running job's progress: the rows read so far."""
        self.session.execute(
            update(ImportJobRow)
            .where(ImportJobRow.id == job_id, ImportJobRow.status == RUNNING)
            .values(rows=rows)
        )

    def fail_running(self, detail: str, now: datetime) -> int:
        """Mark every job still `running` as `failed` with `detail`; how many there were."""
        done = self.session.execute(
            update(ImportJobRow)
            .where(ImportJobRow.status == RUNNING)
            .values(status=FAILED, detail=detail, finished_at=now)
        )
        return int(getattr(done, "rowcount", 0) or 0)

    def progress_shared(self) -> bool:
        """Whether another transaction may write a job's progress while an import runs: on
        PostgreSQL yes; SQLite's import holds the database's one write lock until it ends."""
        return is_postgresql(self.session)

    def job(self, job_id: int) -> StoredImportJob:
        found = self.session.execute(
            select(ImportJobRow, DocumentRow.number)
            .outerjoin(DocumentRow, DocumentRow.id == ImportJobRow.document_id)
            .where(ImportJobRow.id == job_id)
        ).first()
        if found is None:
            raise NotFound("import", job_id)
        row, number = found
        return StoredImportJob(
            id=row.id,
            file_name=row.file_name,
            rows=row.rows,
            status=row.status,
            started_at=row.started_at,
            finished_at=row.finished_at,
            user=row.user_name,
            document=number,
            document_id=row.document_id,
            errors=tuple(
                RowError(e["row"], e["column"], ErrorCode(e["code"]), e["detail"]) for e in row.errors or []
            ),
            error_count=row.error_count,
            detail=row.detail,
        )

    # -- exports ------------------------------------------------------------------------------

    def stock_page(
        self,
        *,
        item: str | None,
        location: str | None,
        lot: str | None,
        after: StockPosition | None,
        limit: int,
    ) -> list[StockRow]:
        """On-hand stock at internal locations in key order (item, location, serial, lot,
        package), the page after `after`; each row with the latest warranty date its number had."""
        warranty = (
            select(func.max(_WARRANTY.warranty_date))
            .where(
                _WARRANTY.item_id == BalanceRow.item_id,
                _WARRANTY.serial == BalanceRow.serial,
                _WARRANTY.lot == BalanceRow.lot,
                _WARRANTY.package == BalanceRow.package,
                _WARRANTY.warranty_date.is_not(None),
            )
            .correlate(BalanceRow)
            .scalar_subquery()
        )
        key = (
            BalanceRow.item_id,
            BalanceRow.location_id,
            BalanceRow.serial,
            BalanceRow.lot,
            BalanceRow.package,
        )
        query = (
            select(
                *key, ItemRow.sku, LocationRow.code, BalanceRow.quantity, BalanceRow.expiration_date, warranty
            )
            .join(ItemRow, ItemRow.id == BalanceRow.item_id)
            .join(LocationRow, LocationRow.id == BalanceRow.location_id)
            .where(BalanceRow.quantity > 0, LocationRow.kind == LocationKind.INTERNAL.value)
            .order_by(*key)
            .limit(limit)
        )
        if after is not None:
            query = query.where(tuple_(*key) > tuple_(*after))
        if item is not None:
            query = query.where(
                BalanceRow.item_id == select(ItemRow.id).where(ItemRow.sku == item).scalar_subquery()
            )
        if location is not None:
            query = query.where(BalanceRow.location_id.in_(location_ids(location)))
        if lot is not None:
            query = query.where(BalanceRow.lot == lot)
        return [
            StockRow(
                (r[0], r[1], r[2], r[3], r[4]),
                r[5],
                r[6],
                _none(r[2]),
                _none(r[3]),
                _none(r[4]),
                r[7],
                r[8],
                r[9],
            )
            for r in self.session.execute(query)
        ]

    def ledger_page(
        self,
        *,
        item: str | None,
        location: str | None,
        lot: str | None,
        since: date | None,
        until: date | None,
        after: int | None,
        limit: int,
    ) -> list[LedgerRow]:
        """Ledger entries oldest first (by id), the page after entry `after`."""
        e = LedgerEntryRow
        query = (
            select(
                e.id,
                e.posting_date,
                e.posted_at,
                DocumentRow.number,
                DocumentRow.type,
                ItemRow.sku,
                e.serial,
                e.lot,
                e.package,
                e.quantity,
                SOURCE.code,
                TARGET.code,
                PartnerRow.code,
                e.user_name,
                e.expiration_date,
                e.warranty_date,
            )
            .join(DocumentRow, DocumentRow.id == e.document_id)
            .join(ItemRow, ItemRow.id == e.item_id)
            .join(SOURCE, SOURCE.id == e.from_location_id)
            .join(TARGET, TARGET.id == e.to_location_id)
            .outerjoin(PartnerRow, PartnerRow.id == e.partner_id)
            .order_by(e.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(e.id > after)
        if item is not None:
            query = query.where(e.item_id == select(ItemRow.id).where(ItemRow.sku == item).scalar_subquery())
        if location is not None:
            places = location_ids(location)
            query = query.where(or_(e.from_location_id.in_(places), e.to_location_id.in_(places)))
        if lot is not None:
            query = query.where(e.lot == lot)
        if since is not None:
            query = query.where(e.posting_date >= since)
        if until is not None:
            query = query.where(e.posting_date <= until)
        return [
            LedgerRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                _none(r[6]),
                _none(r[7]),
                _none(r[8]),
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                r[14],
                r[15],
            )
            for r in self.session.execute(query)
        ]
