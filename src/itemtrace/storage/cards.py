"""Information cards of serials, lots and packages: description, blocked, attributes, comments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from itemtrace.domain.tracking import Dimension
from itemtrace.domain.warranty import ServiceEntry, ServiceKind
from itemtrace.storage import dialect
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.tables import LedgerEntryRow, ServiceLogRow, TrackingCommentRow, TrackingInfoRow


class CardInfo(NamedTuple):
    """The maintained fields of a serial's, lot's or package's card."""

    id: int
    blocked: bool
    description: str
    attributes: dict[str, Any]


class CardComment(NamedTuple):
    text: str
    user_name: str | None
    created_at: datetime


class Info:
    """Information cards: description, blocked, attributes, comments."""

    def __init__(self, session: Session, masterdata: MasterData) -> None:
        self.session = session
        self.md = masterdata

    def _where(self, item: str | None, kind: Dimension, number: str) -> Any:
        item_id = self.md.item_id(item) if item else None
        return and_(
            TrackingInfoRow.item_id == item_id if item_id else TrackingInfoRow.item_id.is_(None),
            TrackingInfoRow.kind == kind.value,
            TrackingInfoRow.number == number,
        )

    def _row(self, item: str | None, kind: Dimension, number: str) -> TrackingInfoRow | None:
        return self.session.scalar(select(TrackingInfoRow).where(self._where(item, kind, number)))

    def get(self, item: str | None, kind: Dimension, number: str) -> CardInfo | None:
        row = self._row(item, kind, number)
        if row is None:
            return None
        return CardInfo(row.id, row.blocked, row.description, dict(row.attributes or {}))

    def get_or_create(self, item: str | None, kind: Dimension, number: str) -> CardInfo:
        """The card's maintained fields, the card made (empty) if missing."""
        found = self.get(item, kind, number)
        if found is not None:
            return found
        row = TrackingInfoRow(
            item_id=self.md.item_id(item) if item else None,
            kind=kind.value,
            number=number,
            description="",
            blocked=False,
            attributes={},
        )
        self.session.add(row)
        self.session.flush()
        return CardInfo(row.id, False, "", {})

    def save(self, card: CardInfo) -> None:
        """Store a card's maintained fields as given."""
        self.session.execute(
            update(TrackingInfoRow)
            .where(TrackingInfoRow.id == card.id)
            .values(blocked=card.blocked, description=card.description, attributes=card.attributes)
        )

    def comments(self, info_id: int) -> list[CardComment]:
        rows = self.session.scalars(
            select(TrackingCommentRow)
            .where(TrackingCommentRow.info_id == info_id)
            .order_by(TrackingCommentRow.id)
        )
        return [CardComment(c.text, c.user_name, c.created_at) for c in rows]

    def add_comment(self, info_id: int, text: str, user: str | None, now: datetime) -> None:
        self.session.add(TrackingCommentRow(info_id=info_id, text=text, user_name=user, created_at=now))
        self.session.flush()

    def service_log(self, info_id: int) -> tuple[ServiceEntry, ...]:
        rows = self.session.scalars(
            select(ServiceLogRow).where(ServiceLogRow.info_id == info_id).order_by(ServiceLogRow.id)
        )
        return tuple(
            ServiceEntry(
                ServiceKind(r.kind), r.note, r.service_date, r.user_name, r.created_at, r.replacement_serial
            )
            for r in rows
        )

    def add_service(self, info_id: int, entry: ServiceEntry) -> None:
        self.session.add(
            ServiceLogRow(
                info_id=info_id,
                kind=entry.kind.value,
                note=entry.note,
                service_date=entry.date,
                user_name=entry.user,
                created_at=entry.created_at,
                replacement_serial=entry.replacement,
            )
        )
        self.session.flush()

    def warranty_date(self, item: str, serial: str) -> date | None:
        """The serial's last warranty date as its movements carry it (its card's warranty)."""
        e = LedgerEntryRow
        return self.session.scalar(
            select(e.warranty_date)
            .where(e.item_id == self.md.item_id(item), e.serial == serial, e.warranty_date.is_not(None))
            .order_by(e.id.desc())
            .limit(1)
        )

    def block(self, numbers: Sequence[tuple[int | None, str, str]]) -> int:
        """Block the cards of (item id, or None for a package; kind; number), making the cards
        that do not exist yet, in one set-based upsert; returns how many distinct cards."""
        return _block_numbers(self.session, numbers)


def _block_numbers(session: Session, numbers: Sequence[tuple[int | None, str, str]]) -> int:
    """Set `blocked` on the cards of (item id, kind, number), creating cards as needed, in one
    set-based upsert; returns how many distinct cards that is."""
    unique = sorted(set(numbers), key=lambda n: (n[0] or 0, n[1], n[2]))
    dialect.block_cards(session.connection(), unique)
    return len(unique)
