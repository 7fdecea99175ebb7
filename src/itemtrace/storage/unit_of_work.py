"""`UnitOfWork`: one session, its repositories, one `commit()`; rollback on any exit without it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from itemtrace.storage.queries import Queries
from itemtrace.storage.repositories import Documents, Info, Ledger, MasterData, Numbers, Stock, Users


class UnitOfWork:
    """Use as `with uow:`; services call `uow.commit()` once, anything else is rolled back.

    `write=True` (the default for services that post) takes SQLite's write lock up front so
    concurrent posters queue instead of failing; on PostgreSQL the stock rows are locked instead.
    """

    masterdata: MasterData
    documents: Documents
    ledger: Ledger
    stock: Stock
    info: Info
    users: Users
    numbers: Numbers
    queries: Queries

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self.session_factory = session_factory
        self._session: Session | None = None
        self._write = False

    @classmethod
    def for_engine(cls, engine: Engine) -> UnitOfWork:
        return cls(sessionmaker(bind=engine, expire_on_commit=False))

    def writing(self) -> Self:
        """Mark the next `with` block as a writer (call before entering)."""
        self._write = True
        return self

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `with uow:`")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work is not re-entrant: open one `with uow:` per use case")
        session = self.session_factory()
        if self._write:
            session.connection(execution_options={"sqlite_write": True})
        self._session = session
        self.masterdata = MasterData(session)
        self.documents = Documents(session, self.masterdata)
        self.ledger = Ledger(session, self.masterdata)
        self.stock = Stock(session, self.masterdata)
        self.info = Info(session, self.masterdata)
        self.users = Users(session)
        self.numbers = Numbers(session, self.masterdata)
        self.queries = Queries(session, self.masterdata, self.info)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session, self._write = self._session, None, False
        if session is not None:
            session.rollback()
            session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
