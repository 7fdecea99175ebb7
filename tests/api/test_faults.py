"""Faults a busy server meets: dropped connections, an exhausted pool, lock waits, long postings."""

from __future__ import annotations

import sqlite3
import threading

import psycopg
import pytest
from sqlalchemy import Engine, event, text

from itemtrace.api.app import create_app
from itemtrace.config import Settings
from itemtrace.domain.users import Role
from itemtrace.services import users
from itemtrace.storage.engine import engine_for
from itemtrace.storage.unit_of_work import ATTEMPTS, UnitOfWork
from tests.api.conftest import API, TestClient
from tests.conftest import BACKENDS, _pg_admin, now
from tests.world import given_world, receive, ship, sn


def url_of(engine) -> str:
    return str(engine.url.render_as_string(hide_password=False))


def bearer(engine, name: str = "ada", role: Role = Role.ADMIN) -> dict[str, str]:
    return {"Authorization": f"Bearer {users.add_user(UnitOfWork.for_engine(engine), name, role, now=now())}"}


def terminate_backends(database: str) -> int:
    """What a PostgreSQL restart or an idle timeout does to the server's pooled connections."""
    with _pg_admin() as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


def test_a_connection_postgresql_dropped_is_replaced_before_the_next_request(fresh_engine):
    engine = fresh_engine("postgresql")
    headers = bearer(engine)

    with TestClient(create_app(Settings(database_url=url_of(engine)))) as client:
        first = client.get(f"{API}/users/me", headers=headers)
        terminated = terminate_backends(str(engine.url.database))
        second = client.get(f"{API}/users/me", headers=headers)

    assert first.status_code == 200
    assert terminated >= 1
    assert second.status_code == 200
    assert second.json() == {"name": "ada", "role": "admin", "active": True}


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_exhausted_pool_answers_503_problem_json_after_the_pool_timeout(fresh_engine, backend):
    engine = fresh_engine(backend)
    headers = bearer(engine)
    app = create_app(Settings(database_url=url_of(engine), pool_size=1, pool_timeout=0.1))

    with TestClient(app) as client, app.state.engine.connect():  # a request holding the only connection
        response = client.get(f"{API}/users/me", headers=headers)

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.json()["code"] == "service_unavailable"
    assert response.json()["detail"].startswith("the database is busy: nothing was changed")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_request_with_a_body_meeting_an_exhausted_pool_is_a_503_too(fresh_engine, backend):
    """The token of a request with a body is looked up at the edge, before any route runs."""
    engine = fresh_engine(backend)
    headers = bearer(engine)
    app = create_app(Settings(database_url=url_of(engine), pool_size=1, pool_timeout=0.1))

    with TestClient(app) as client, app.state.engine.connect():
        response = client.post(f"{API}/users", json={"name": "bob", "role": "viewer"}, headers=headers)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["code"] == "service_unavailable"


def test_statement_and_lock_timeouts_are_set_on_every_postgresql_connection(fresh_engine):
    settings = Settings(
        database_url=url_of(fresh_engine("postgresql")), statement_timeout_ms=4321, lock_timeout_ms=765
    )
    engine = engine_for(settings)

    with engine.connect() as connection:
        statement = connection.execute(text("SHOW statement_timeout")).scalar()
        lock = connection.execute(text("SHOW lock_timeout")).scalar()
    engine.dispose()

    assert (statement, lock) == ("4321ms", "765ms")


def test_a_lock_wait_past_the_lock_timeout_is_a_503_and_changes_nothing(fresh_engine):
    engine = fresh_engine("postgresql")
    headers = bearer(engine)
    users.add_user(UnitOfWork.for_engine(engine), "carl", Role.CLERK, now=now())
    app = create_app(Settings(database_url=url_of(engine), lock_timeout_ms=100))

    with TestClient(app) as client:
        with engine.begin() as other:  # another transaction holds the admins' rows
            other.execute(text("SELECT name FROM app_user WHERE role = 'admin' FOR UPDATE"))
            response = client.patch(f"{API}/users/carl", json={"active": False}, headers=headers)
        after = client.get(f"{API}/users", headers=headers).json()["items"]

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert after[1] == {"name": "carl", "role": "clerk", "active": True}


def test_a_card_answers_while_a_posting_that_moves_it_is_still_open(fresh_engine):
    """Reads take no locks: a GET never waits for an open posting, and sees the state before it."""
    engine = fresh_engine("postgresql")
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    headers = bearer(engine, "vera", Role.VIEWER)
    held = UnitOfWork.for_engine(engine)
    at_commit, release = threading.Event(), threading.Event()
    commit = held.commit

    def commit_when_released() -> None:
        at_commit.set()
        release.wait(60)
        commit()

    held.commit = commit_when_released  # type: ignore[method-assign]
    poster = threading.Thread(target=ship, args=(held, "DRILL", *sn("SN-1")))

    with TestClient(create_app(Settings(database_url=url_of(engine), lock_timeout_ms=2000))) as client:
        poster.start()
        assert at_commit.wait(60)
        during = client.get(f"{API}/items/DRILL/serials/SN-1", headers=headers)
        listed = client.get(f"{API}/documents", headers=headers)
        release.set()
        poster.join(60)
        after = client.get(f"{API}/items/DRILL/serials/SN-1", headers=headers)

    assert during.status_code == 200
    assert (during.json()["status"], during.json()["location"]) == ("available", "WH1")
    assert [d["type"] for d in listed.json()["items"]] == ["receipt"]
    assert after.json()["status"] == "delivered"


class _SqliteSerializationFailure(sqlite3.OperationalError):
    """SQLite never fails a read this way; the same error on its read path shows the retry there."""

    sqlstate = "40001"


def cancel_card_queries(engine: Engine, times: int | None, *, marked: str = "serial_info") -> list[str]:
    """Make the database cancel the serial card's query (or the query naming `marked`) `times`
    times (None: every time) with SQLSTATE 40001, as a read replica does when replaying the
    primary's changes conflicts with a read ("canceling statement due to conflict with
    recovery"). Returns the queries it saw."""
    seen: list[str] = []
    message = "canceling statement due to conflict with recovery"

    def cancel(_conn, _cursor, statement: str, *_args) -> None:
        if marked not in statement:  # the card's query, not the token's or the snapshot's
            return
        seen.append(statement)
        if times is None or len(seen) <= times:
            if engine.dialect.name == "postgresql":
                raise psycopg.errors.SerializationFailure(message)
            raise _SqliteSerializationFailure(message)

    event.listen(engine, "before_cursor_execute", cancel)
    return seen


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_card_read_the_database_cancels_once_runs_again_and_answers_the_card(fresh_engine, backend):
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    headers = bearer(engine, "vera", Role.VIEWER)
    app = create_app(Settings(database_url=url_of(engine)))

    with TestClient(app) as client:
        undisturbed = client.get(f"{API}/items/DRILL/serials/SN-1", headers=headers)
        card_queries = cancel_card_queries(app.state.engine, times=1)
        response = client.get(f"{API}/items/DRILL/serials/SN-1", headers=headers)

    assert undisturbed.status_code == 200
    assert response.status_code == 200, response.text
    assert response.json() == undisturbed.json()
    assert (response.json()["status"], response.json()["location"]) == ("available", "WH1")
    assert len(card_queries) == 2  # cancelled, then run again


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_card_read_the_database_keeps_cancelling_is_a_503_after_a_few_attempts_not_a_500(
    fresh_engine, backend
):
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    headers = bearer(engine, "vera", Role.VIEWER)
    app = create_app(Settings(database_url=url_of(engine)))

    with TestClient(app) as client:
        card_queries = cancel_card_queries(app.state.engine, times=None)
        response = client.get(f"{API}/items/DRILL/serials/SN-1", headers=headers)

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.json()["code"] == "service_unavailable"
    assert response.json()["detail"].startswith("the database is busy: nothing was changed")
    assert len(card_queries) == ATTEMPTS  # bounded: the same read, not an endless loop


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_token_lookup_the_database_keeps_cancelling_is_a_503_at_the_edge_too(fresh_engine, backend):
    engine = fresh_engine(backend)
    headers = bearer(engine)
    app = create_app(Settings(database_url=url_of(engine)))

    with TestClient(app) as client:
        token_queries = cancel_card_queries(app.state.engine, times=None, marked="token_hash")
        response = client.post(f"{API}/users", json={"name": "bob", "role": "viewer"}, headers=headers)

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert len(token_queries) == ATTEMPTS
