"""Recalls as they were run, with their report snapshot."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from itemtrace.domain.errors import NotFound
from itemtrace.domain.tracing import RecallReport, StoredRecall
from itemtrace.storage import mapping
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import ItemRow, RecallRow


class Recalls:
    """Recalls as they were run, with their report snapshot."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def add(self, item_id: int, report: RecallReport) -> StoredRecall:
        """Record a recall as it was run, its report kept as a JSON snapshot; returns it with its id."""
        row = RecallRow(
            item_id=item_id,
            serial=mapping.blank(report.serial),
            lot=mapping.blank(report.lot),
            reason=report.reason,
            block=report.block,
            created_by=report.created_by,
            created_at=report.created_at,
            report=mapping.recall_to_json(report),
        )
        self.session.add(row)
        self.session.flush()
        return mapping.stored_recall(report, row.id)

    def _load(self, where: Any, *, limit: int | None = None) -> list[StoredRecall]:
        query = select(RecallRow, ItemRow.sku).join(ItemRow, ItemRow.id == RecallRow.item_id).where(where)
        query = query.order_by(RecallRow.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return [mapping.recall_from_row(row, sku) for row, sku in self.session.execute(query)]

    def get(self, recall_id: int) -> StoredRecall:
        found = self._load(RecallRow.id == recall_id)
        if not found:
            raise NotFound("recall", recall_id)
        return found[0]

    def list(self, *, after: int | None, limit: int) -> list[StoredRecall]:
        return self._load(RecallRow.id < after if after is not None else true(), limit=limit)
