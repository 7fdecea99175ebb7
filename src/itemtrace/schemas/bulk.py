"""Imports: the recorded job and its row errors, as the API answers and `--json` prints them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from itemtrace.domain.imports import RowError, StoredImportJob


class RowErrorOut(BaseModel):
    row: int
    column: str | None
    code: str
    detail: str

    @classmethod
    def from_domain(cls, e: RowError) -> RowErrorOut:
        return cls(row=e.row, column=e.column, code=e.code.value, detail=e.detail)


class ImportJobOut(BaseModel):
    """An import: `running` (a background import; `rows` read so far), `posted` (with its
    `document`), `rejected` (with its `errors`) or `failed` (with its `detail`: nothing posted)."""

    id: int
    file_name: str
    rows: int
    status: Literal["running", "posted", "rejected", "failed"]
    document: str | None
    document_id: int | None
    user: str | None
    started_at: datetime
    finished_at: datetime | None
    error_count: int
    errors: list[RowErrorOut]
    detail: str | None = None

    @classmethod
    def from_domain(cls, job: StoredImportJob) -> ImportJobOut:
        return cls(
            id=job.id,
            file_name=job.file_name,
            rows=job.rows,
            status=job.status,
            document=job.document,
            document_id=job.document_id,
            user=job.user,
            started_at=job.started_at,
            finished_at=job.finished_at,
            error_count=job.error_count,
            errors=[RowErrorOut.from_domain(e) for e in job.errors],
            detail=job.detail,
        )
