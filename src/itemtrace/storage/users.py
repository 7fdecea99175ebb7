"""App users: name, role, active flag, and the hashes of their token and password."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from itemtrace.storage import dialect
from itemtrace.storage.masterdata import already_exists
from itemtrace.storage.tables import UserRow


class UserRecord(NamedTuple):
    name: str
    role: str
    active: bool
    password_hash: str | None


class Users:
    """App users: name, role, active flag, the hash of their one API token and of their password."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, name: str, role: str, token_hash: str, password_hash: str | None, now: datetime) -> None:
        try:
            with self.session.begin_nested():
                self.session.add(
                    UserRow(
                        name=name,
                        role=role,
                        token_hash=token_hash,
                        password_hash=password_hash,
                        created_at=now,
                        active=True,
                    )
                )
        except IntegrityError:
            raise already_exists("user", name, called="name") from None

    def update(self, name: str, *, role: str, active: bool) -> None:
        self.session.execute(update(UserRow).where(UserRow.name == name).values(role=role, active=active))

    def set_token(self, name: str, token_hash: str) -> None:
        """Give an existing user a new token hash: the old token stops working."""
        self.session.execute(update(UserRow).where(UserRow.name == name).values(token_hash=token_hash))

    def set_password(self, name: str, password_hash: str) -> None:
        """Store a user's new password hash (a new password, or the same one hashed anew)."""
        self.session.execute(update(UserRow).where(UserRow.name == name).values(password_hash=password_hash))

    def by_token_hash(self, token_hash: str) -> UserRecord | None:
        return self._one(UserRow.token_hash == token_hash)

    def by_name(self, name: str, *, lock: bool = False) -> UserRecord | None:
        """The user called `name`; with `lock`, its row stays locked until the transaction ends."""
        return self._one(UserRow.name == name, lock=lock)

    def active_admins(self, *, lock: bool = False) -> list[str]:
        """Names of the active admins. With `lock` (PostgreSQL), their rows are locked in name
        order, so two admins demoting each other at once are decided one after the other."""
        query = (
            select(UserRow.name)
            .where(UserRow.role == "admin", UserRow.active.is_(True))
            .order_by(UserRow.name)
        )
        if lock:
            query = dialect.for_update(query, self.session)
        return list(self.session.scalars(query))

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(UserRow)) or 0)

    def list(self, *, after: str | None = None, limit: int | None = None) -> list[UserRecord]:
        query = select(UserRow.name, UserRow.role, UserRow.active, UserRow.password_hash).order_by(
            UserRow.name
        )
        if after is not None:
            query = query.where(UserRow.name > after)
        if limit is not None:
            query = query.limit(limit)
        return [UserRecord(*row) for row in self.session.execute(query)]

    def _one(self, where: Any, *, lock: bool = False) -> UserRecord | None:
        query = select(UserRow.name, UserRow.role, UserRow.active, UserRow.password_hash).where(where)
        if lock:
            query = dialect.for_update(query, self.session)
        row = self.session.execute(query).one_or_none()
        return UserRecord(*row) if row else None
