"""Users on both databases: keys scoped per user, admins demoting each other at once, 0006 data."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import text

from itemtrace.domain.documents import Document, DocumentType, Line
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.users import Role, User
from itemtrace.services import documents, users
from itemtrace.storage.schema import alembic_config
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, TODAY, now
from tests.world import CLERK, given_world, ledger_rows

CLEO = User("cleo", Role.CLERK)


def screws(quantity: int) -> Document:
    return Document(DocumentType.RECEIPT, (Line("BOLT", Decimal(quantity), None, "WH1"),), partner="VEND")


def test_a_key_is_the_users_own_another_user_posts_with_it_too(uow):
    given_world(uow)

    mine = documents.create(
        uow, screws(5), user=CLERK, post=True, idempotency=("k", "a"), today=TODAY, now=now()
    )
    theirs = documents.create(
        uow, screws(7), user=CLEO, post=True, idempotency=("k", "b"), today=TODAY, now=now()
    )
    again = documents.create(
        uow, screws(7), user=CLEO, post=True, idempotency=("k", "b"), today=TODAY, now=now()
    )

    assert theirs.id != mine.id
    assert again.id == theirs.id
    assert ledger_rows(uow) == 2


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_admins_disabling_each_other_at_once_leave_one_admin(fresh_engine, backend):
    """Guarded by the row locks on the active admins (`Users.active_admins(lock=True)`): without
    them both see two admins on PostgreSQL, both succeed, and nobody can manage users."""
    engine = fresh_engine(backend)
    setup = UnitOfWork.for_engine(engine)
    users.add_user(setup, "ann", Role.ADMIN, now=now())
    users.add_user(setup, "bob", Role.ADMIN, now=now())
    outcomes: list[list[object]] = []
    for _round in range(10):
        start = threading.Barrier(2)
        results: list[object] = [None, None]

        def disable(
            i: int, name: str, start: threading.Barrier = start, results: list[object] = results
        ) -> None:
            uow = UnitOfWork.for_engine(engine)
            start.wait()
            try:
                results[i] = users.update_user(uow, name, active=False)
            except ValidationFailed as refused:
                results[i] = refused

        threads = [threading.Thread(target=disable, args=(i, n)) for i, n in enumerate(["bob", "ann"])]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        outcomes.append(results)
        with setup:
            assert len(setup.users.active_admins()) == 1
        disabled = next(r for r in results if isinstance(r, User))
        users.update_user(setup, disabled.name, active=True)

    for results in outcomes:
        assert sorted(type(r).__name__ for r in results) == ["User", "ValidationFailed"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_0006_gives_existing_keys_to_their_documents_creator_and_keeps_users_active(fresh_engine, backend):
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    users.add_user(uow, "ann", Role.CLERK, now=now())
    first = documents.create(
        uow, screws(5), user=CLERK, post=True, idempotency=("k", "a"), today=TODAY, now=now()
    )

    _migrate(engine, "0005")
    _migrate(engine, "head")

    with engine.connect() as connection:
        keys = connection.execute(text("SELECT user_name, key, document_id FROM idempotency_key")).all()
        active = connection.execute(text("SELECT name, active FROM app_user")).all()
    assert [tuple(k) for k in keys] == [("clerk", "k", first.id)]
    assert [tuple(a) for a in active] == [("ann", True)]
    again = documents.create(
        uow, screws(5), user=CLERK, post=True, idempotency=("k", "a"), today=TODAY, now=now()
    )
    assert again.id == first.id


def _migrate(engine, revision: str) -> None:
    with engine.connect() as connection:  # each migration commits on its own
        config = alembic_config()
        config.attributes["connection"] = connection
        if revision == "head":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)
