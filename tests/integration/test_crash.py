"""kill -9 in the middle of a 10,000-serial receipt: nothing half-posted, and a retry posts once."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from itemtrace.domain.users import Role
from itemtrace.services import ledger, users
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, _pg_admin, now
from tests.world import document_rows, given_world, ledger_rows

SERIALS = 10_000
API = "/api/v1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(url: str, cwd: Path, *options: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`itemtrace serve` in its own process, answering on a free port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "itemtrace", "serve", "--port", str(port), *options],
        env={**os.environ, "ITEMTRACE_DATABASE_URL": url},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: _answers(base), f"the server on port {port} to start")
        yield process, base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(60)


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}{API}/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _wait_until(condition, what: str, attempts: int = 3000) -> None:
    """Poll every 20 ms (a minute at most): waiting for a process, not asserting its speed."""
    for _ in range(attempts):
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"gave up waiting for {what}")


def writing(engine: Engine) -> bool:
    """Is the receipt's transaction open and under way? On PostgreSQL: it has written (claimed the
    key) and has got as far as the ledger; on SQLite: it holds the write lock."""
    if engine.dialect.name == "postgresql":
        with _pg_admin() as admin:
            found = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL "
                "AND query ILIKE '%%ledger_entry%%'",
                (engine.url.database,),
            ).fetchone()
        return bool(found and found[0])
    probe = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")  # fails while the server holds the write lock
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def big_receipt() -> dict[str, object]:
    return {
        "type": "receipt",
        "partner": "VEND",
        "lines": [
            {
                "item": "DRILL",
                "quantity": SERIALS,
                "to_location": "WH1",
                "tracking": [{"serial": f"C-{n:05}"} for n in range(SERIALS)],
            }
        ],
    }


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_server_killed_mid_receipt_leaves_nothing_half_posted_and_the_retry_posts_once(
    fresh_engine, backend, tmp_path
):
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    token = users.add_user(uow, "carl", Role.CLERK, now=now())
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "big-receipt-1"}
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    outcome: list[object] = []

    with server(url, tmp_path) as (process, base):

        def send() -> None:
            try:
                outcome.append(
                    httpx.post(
                        f"{base}{API}/documents?post=true", json=big_receipt(), headers=headers, timeout=120
                    )
                )
            except httpx.TransportError as cut_off:
                outcome.append(cut_off)

        poster = threading.Thread(target=send)
        poster.start()
        _wait_until(lambda: writing(engine) or bool(outcome), "the receipt's transaction to start writing")
        process.kill()  # kill -9, mid-transaction
        process.wait(60)
        poster.join(60)

    [cut_off] = outcome
    assert isinstance(cut_off, httpx.TransportError), "the receipt finished before the kill"
    report = ledger.check(uow)
    assert report.differences == []
    assert (document_rows(uow), ledger_rows(uow)) == (0, 0)  # nothing of it, not a part

    with server(url, tmp_path, "--workers", "2") as (_process, base):
        retried = httpx.post(
            f"{base}{API}/documents?post=true", json=big_receipt(), headers=headers, timeout=120
        )
        again = httpx.post(
            f"{base}{API}/documents?post=true", json=big_receipt(), headers=headers, timeout=120
        )

    assert retried.status_code == 201
    assert again.status_code == 201
    assert again.json()["id"] == retried.json()["id"]
    assert (document_rows(uow), ledger_rows(uow)) == (1, SERIALS)
    assert ledger.check(uow).ok
