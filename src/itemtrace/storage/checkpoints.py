"""Where `itemtrace check --since-checkpoint` starts: the checkpoints good checks leave behind,
and the highest ledger entry id below which every entry is committed."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from itemtrace.storage.tables import CheckCheckpointRow, LedgerEntryRow

# How long `settled_high_water` waits for postings in flight before it gives up on this mark.
SETTLE_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Checkpoint:
    last_entry_id: int
    mode: str
    entries: int
    keys: int
    user: str | None
    checked_at: datetime


class Checkpoints:
    """`uow.checkpoints`: one row per check that found nothing, the newest one counts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def latest(self) -> Checkpoint | None:
        c = CheckCheckpointRow
        row = self.session.scalars(select(c).order_by(c.last_entry_id.desc(), c.id.desc()).limit(1)).first()
        if row is None:
            return None
        return Checkpoint(row.last_entry_id, row.mode, row.entries, row.keys, row.user_name, row.checked_at)

    def record(self, checkpoint: Checkpoint) -> None:
        self.session.add(
            CheckCheckpointRow(
                last_entry_id=checkpoint.last_entry_id,
                mode=checkpoint.mode,
                entries=checkpoint.entries,
                keys=checkpoint.keys,
                user_name=checkpoint.user,
                checked_at=checkpoint.checked_at,
            )
        )
        self.session.flush()

    def settled_high_water(self, *, wait_seconds: float = SETTLE_SECONDS) -> int | None:
        """The highest ledger entry id such that every entry at or below it is committed: a check
        that starts afterwards sees them all. None if postings in flight did not end in time.

        On PostgreSQL ids come from a sequence when a posting inserts, and postings commit in any
        order, so an entry below the highest visible id may still be uncommitted. Every such
        posting wrote its document (and so had a transaction id) before the highest id was read,
        so it is among this database's writers listed just after: this waits until each of those
        transactions has ended (as CREATE INDEX CONCURRENTLY waits), blocking no one. SQLite has
        one writer at a time: what is visible is settled."""
        high = int(self.session.scalar(select(func.coalesce(func.max(LedgerEntryRow.id), 0))) or 0)
        if self.session.get_bind().dialect.name != "postgresql":
            return high
        # Writers of this database only (a snapshot's list of transactions spans the cluster).
        writers = text(
            "SELECT pid, CAST(backend_xid AS text) FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
        in_flight = {(int(pid), str(xid)) for pid, xid in self.session.execute(writers)}
        deadline = time.monotonic() + wait_seconds
        while in_flight:
            # The activity view is read once per transaction unless told to look again.
            self.session.execute(text("SELECT pg_stat_clear_snapshot()"))
            in_flight &= {(int(pid), str(xid)) for pid, xid in self.session.execute(writers)}
            if in_flight and time.monotonic() > deadline:
                return None
            if in_flight:
                time.sleep(0.05)
        return high


__all__: Sequence[str] = ["Checkpoint", "Checkpoints"]
