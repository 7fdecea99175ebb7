"""`UnitOfWork`: one session, its repositories, one `commit()`; rollback on any exit without it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import ParamSpec, Self, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from itemtrace.storage import dialect
from itemtrace.storage.availability import Availability
from itemtrace.storage.bulk import Bulk
from itemtrace.storage.cards import Info
from itemtrace.storage.cards_read import CardReads
from itemtrace.storage.check import Check
from itemtrace.storage.checkpoints import Checkpoints
from itemtrace.storage.corrections import Corrections
from itemtrace.storage.documents import Documents
from itemtrace.storage.epcis import EpcisReads
from itemtrace.storage.genealogy import Genealogy
from itemtrace.storage.ledger import Ledger
from itemtrace.storage.lists import Lists
from itemtrace.storage.masterdata import MasterData
from itemtrace.storage.masterdata_changes import MasterDataChanges
from itemtrace.storage.numbers import Numbers
from itemtrace.storage.recalls import Recalls
from itemtrace.storage.reclass import Reclass
from itemtrace.storage.reports import Reports
from itemtrace.storage.scanning import Scanning
from itemtrace.storage.stock import Stock
from itemtrace.storage.tracing import Tracing
from itemtrace.storage.users import Users

# PostgreSQL's deadlock_detected and serialization_failure: it failed this transaction to let
# another one through (or, on a read replica, to replay the primary's changes: "canceling
# statement due to conflict with recovery"); nothing of it was written, and running it again is
# safe.
_TRY_AGAIN = {"40P01", "40001"}

ATTEMPTS = 3  # how many times in all `run_again_on_contention` runs a use case

P = ParamSpec("P")
R = TypeVar("R")


class Contention(Exception):
    """The database failed this transaction to resolve a conflict with another one (two postings
    locking the same rows in opposite orders, a read replica replaying what conflicts with a
    read): the whole use case may simply run again."""


def _raise_contention(error: DBAPIError) -> None:
    if getattr(error.orig, "sqlstate", None) in _TRY_AGAIN:
        raise Contention(str(error.orig)) from error


def run_again_on_contention(use_case: Callable[P, R]) -> Callable[P, R]:
    """Run a use case again, `ATTEMPTS` times in all, while the database fails its transaction
    with `Contention` (nothing of it was written): the user sees the posting or the card, not the
    database's conflict. The last `Contention` goes on up (the API answers 503, retry later).

    For a whole use case that opens its units of work itself and returns a value: a posting, or a
    read (`read()`, `snapshot()`). Not for a generator: what it has yielded cannot be taken back."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return use_case(*args, **kwargs)
            except Contention:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    return run


class UnitOfWork:
    """One use case's transaction: `with uow.write():` for a use case that writes, `with
    uow.read():` for a single-query read, `with uow.snapshot():` for a read of several queries
    that must agree, `with uow:` for the rest. Services call `uow.commit()`
    once; anything else is rolled back on the way out.

    A writer takes SQLite's write lock up front so concurrent writers queue instead of failing; on
    PostgreSQL the rows a posting touches are locked instead.

    A read that may lag behind the latest commits (`read(may_lag=True)`, `snapshot(may_lag=True)`)
    goes to the read replica when there is one (`read_session_factory`, from
    ITEMTRACE_READ_DATABASE_URL); every other entry point uses the primary, so writes, the reads
    that decide them and anything that must see its own writes never see a stale replica.

    A transaction the database failed to resolve a conflict (deadlock, serialization failure, a
    replica's recovery conflict) leaves as `Contention`; the service entry points that may simply
    run again say so with `@run_again_on_contention`.
    """

    masterdata: MasterData
    changes: MasterDataChanges
    documents: Documents
    corrections: Corrections
    ledger: Ledger
    stock: Stock
    info: Info
    users: Users
    genealogy: Genealogy
    recalls: Recalls
    numbers: Numbers
    card_reads: CardReads
    lists: Lists
    availability: Availability
    check: Check
    checkpoints: Checkpoints
    reports: Reports
    tracing: Tracing
    epcis: EpcisReads
    scans: Scanning
    bulk: Bulk

    def __init__(
        self,
        session_factory: Callable[[], Session],
        *,
        read_session_factory: Callable[[], Session] | None = None,
        gs1_company_prefix: str = "",
    ) -> None:
        self.session_factory = session_factory
        # Sessions on the read replica, for reads that may lag; None: those use the primary too.
        self.read_session_factory = read_session_factory or session_factory
        # The GS1 company prefix {sscc} numbers are drawn with (ITEMTRACE_GS1_COMPANY_PREFIX).
        self.gs1_company_prefix = gs1_company_prefix
        self._session: Session | None = None
        self._explicit = False  # a snapshot opened by an explicit BEGIN (PostgreSQL), ended in `_end`

    @classmethod
    def for_engine(
        cls, engine: Engine, *, read_engine: Engine | None = None, gs1_company_prefix: str = ""
    ) -> UnitOfWork:
        """A unit of work on `engine`, and on `read_engine` (a replica) for reads that may lag."""
        reads = None if read_engine is None else sessionmaker(bind=read_engine, expire_on_commit=False)
        return cls(
            sessionmaker(bind=engine, expire_on_commit=False),
            read_session_factory=reads,
            gs1_company_prefix=gs1_company_prefix,
        )

    def write(self) -> AbstractContextManager[Self]:
        """Open the unit of work as a writer: `with uow.write():`."""
        return self._open(write=True)

    def read(self, *, may_lag: bool = False) -> AbstractContextManager[Self]:
        """Open the unit of work for one read: `with uow.read():`. On PostgreSQL it runs without
        BEGIN/ROLLBACK round trips (each statement sees its own snapshot, so use it for
        single-query reads). `may_lag=True`: the read may miss the latest commits (a report, a
        list), so it may go to the read replica."""
        return self._open(read_only=True, may_lag=may_lag)

    def snapshot(self, *, may_lag: bool = False) -> AbstractContextManager[Self]:
        """Open the unit of work for a read of several statements that must agree with each
        other (a card and its genealogy): on PostgreSQL a read-only, repeatable-read transaction,
        so every statement sees the same moment; SQLite's read transaction already does.
        `may_lag=True`: that moment may be a little in the past (the read replica's)."""
        return self._open(snapshot=True, may_lag=may_lag)

    @contextmanager
    def _open(
        self, *, write: bool = False, read_only: bool = False, snapshot: bool = False, may_lag: bool = False
    ) -> Iterator[Self]:
        self._begin(write=write, read_only=read_only, snapshot=snapshot, may_lag=may_lag)
        try:
            yield self
        except DBAPIError as error:
            _raise_contention(error)
            raise
        finally:
            self._end()

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `with uow:`")
        return self._session

    def __enter__(self) -> Self:
        self._begin(write=False, read_only=False)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._end()
        if isinstance(exc, DBAPIError):
            _raise_contention(exc)

    def _begin(self, *, write: bool, read_only: bool, snapshot: bool = False, may_lag: bool = False) -> None:
        if self._session is not None:
            raise RuntimeError("a unit of work is not re-entrant: open one `with uow:` per use case")
        self._explicit = False
        session = (self.read_session_factory if may_lag else self.session_factory)()
        if write:
            session.connection(execution_options={"sqlite_write": True})
        elif read_only and _autocommit_capable(session):
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        elif snapshot and _autocommit_capable(session):
            # One round trip opens the snapshot and one ends it: the driver's own BEGIN, a SET
            # TRANSACTION and the pool's ROLLBACK were three, and made a serial card read under
            # load twice as slow as the same statements in autocommit.
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            session.execute(text("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            self._explicit = True
        self._session = session
        self.masterdata = MasterData(session)
        self.changes = MasterDataChanges(session, self.masterdata)
        self.documents = Documents(session, self.masterdata)
        self.corrections = Corrections(session, self.masterdata)
        self.ledger = Ledger(session, self.masterdata)
        self.stock = Stock(session, self.masterdata)
        self.info = Info(session, self.masterdata)
        self.users = Users(session)
        self.genealogy = Genealogy(session, self.masterdata)
        self.recalls = Recalls(session, self.masterdata)
        self.numbers = Numbers(session, self.masterdata)
        self.card_reads = CardReads(session, self.masterdata, self.info)
        self.lists = Lists(session, self.masterdata)
        self.availability = Availability(session, self.masterdata)
        self.check = Check(session)
        self.checkpoints = Checkpoints(session)
        self.reports = Reports(session, self.masterdata)
        self.tracing = Tracing(session, self.masterdata)
        self.reclass = Reclass(session, self.masterdata)
        self.epcis = EpcisReads(session)
        self.scans = Scanning(session, self.masterdata)
        self.bulk = Bulk(session, self.masterdata)

    def _end(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            if self._explicit:
                self._explicit = False
                try:
                    session.execute(text("ROLLBACK"))  # read only: nothing to keep, the snapshot ends
                except DBAPIError:
                    session.invalidate()  # a broken connection is not handed out again
            session.rollback()
            session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def _autocommit_capable(session: Session) -> bool:
    """PostgreSQL, and the session is not joined to an outer transaction (as in the test suite)."""
    return isinstance(session.get_bind(), Engine) and dialect.is_postgresql(session)
