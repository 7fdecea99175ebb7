"""Through pgbouncer in transaction mode (Debian's package): a server connection is a client's only
for one transaction, so nothing may rely on session state — prepared statements, session
settings, session advisory locks. Racing posters, in threads and in `serve --workers` processes,
still ship each serial once, and the card reads between them (an explicit BEGIN ... ROLLBACK on
an autocommit connection) come back whole.

PostgreSQL only. Skips where pgbouncer is not installed (`apt-get install pgbouncer`, or
scripts/test-setup.sh as root), and fails then in CI.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bench.server import serve
from sqlalchemy import text

from itemtrace.domain.cards import Card
from itemtrace.domain.documents import Document
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.tracking import Dimension
from itemtrace.services import documents, info_cards, ledger
from itemtrace.storage.engine import make_engine
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import TODAY, Databases, _require, now
from tests.integration.test_concurrency import POSTERS, race, shipment
from tests.pg_servers import Bouncer, Unavailable, require
from tests.world import CLERK, given_world, receive, sn

SERVER_CONNECTIONS = 3  # fewer than the clients: every transaction may land on another one


@pytest.fixture(scope="session")
def bouncer() -> Iterator[Bouncer]:
    _require("postgresql")
    try:
        made = Bouncer(pool_size=SERVER_CONNECTIONS)
    except Unavailable as error:
        require(error)
        raise
    yield made
    made.stop()


@pytest.fixture
def database(databases: Databases, bouncer: Bouncer) -> Iterator[tuple[str, str]]:
    """A migrated database: its direct URL and its URL through pgbouncer."""
    direct = databases.migrated_url("postgresql")
    yield direct, bouncer.url(direct.rsplit("/", 1)[1])
    databases.discard(direct)


def test_racing_posters_through_pgbouncer_ship_one_serial_exactly_once(database):
    direct, pooled = database
    engine = make_engine(pooled, pool_size=POSTERS)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))

    def ship_or_read(u: UnitOfWork, i: int) -> object:
        if i % 2:  # half read the card meanwhile: a snapshot on a borrowed server connection
            return info_cards.card(u, Dimension.SERIAL, "DRILL", "SN-1", today=TODAY)
        return documents.create(u, shipment(sn("SN-1"), 1), user=CLERK, post=True, today=TODAY, now=now())

    results = race(engine, ship_or_read)

    posted = [r for r in results if isinstance(r, Document)]
    refusals = [r for r in results if isinstance(r, PostingRejected)]
    cards = [r for r in results if isinstance(r, Card)]
    assert (len(posted), len(refusals), len(cards)) == (1, POSTERS // 2 - 1, POSTERS // 2), results
    assert {v.code for r in refusals for v in r.violations} == {ErrorCode.SERIAL_NOT_AVAILABLE}
    assert {c.status.value for c in cards} <= {"available", "delivered"}
    engine.dispose()
    direct_engine = make_engine(direct)
    assert ledger.check(UnitOfWork.for_engine(direct_engine)).ok
    direct_engine.dispose()


def test_server_workers_posting_through_pgbouncer_never_ship_a_serial_twice(database, tmp_path: Path):
    direct, pooled = database
    engine = make_engine(direct)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    serials = [f"SN-{n}" for n in range(24)]
    receive(uow, "DRILL", *sn(*serials))
    posts: list[tuple[int, str]] = []  # (HTTP status, error codes) of each shipment
    reads: list[tuple[int, str]] = []  # (HTTP status, card status) of the card read after it
    lock = threading.Lock()

    with serve(pooled, tmp_path, workers=2) as server:
        headers = {"Authorization": f"Bearer {server.token}"}

        def client(seed: int) -> None:
            try:
                ship_all(seed)
            except Exception as error:  # a dropped connection is an answer too, and fails the test
                with lock:
                    posts.append((0, repr(error)))

        def ship_all(seed: int) -> None:
            order = serials[:]
            random.Random(seed).shuffle(order)
            with httpx.Client(base_url=server.base + "/api/v1", headers=headers, timeout=60) as http:
                for serial in order:
                    body = {
                        "type": "shipment",
                        "partner": "ACME",
                        "lines": [
                            {
                                "item": "DRILL",
                                "quantity": 1,
                                "from_location": "WH1",
                                "tracking": [{"serial": serial}],
                            }
                        ],
                    }
                    posted = http.post("/documents?post=true", json=body)
                    card = http.get(f"/items/DRILL/serials/{serial}")
                    answer, read = posted.json(), card.json()
                    codes = ",".join(e["code"] for e in answer.get("errors", [])) or answer.get("code", "")
                    with lock:
                        posts.append((posted.status_code, codes))
                        reads.append((card.status_code, read["status"] if card.is_success else str(read)))

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)

    # Each serial shipped once; every other try refused by the rule; every card read whole.
    assert sorted(posts).count((201, "")) == len(serials), sorted(set(posts))
    assert set(posts) == {(201, ""), (422, "serial_not_available")}, sorted(set(posts))
    assert set(reads) == {(200, "delivered")}, sorted(set(reads))
    with engine.connect() as conn:
        shipped = conn.execute(
            text(
                "SELECT serial, count(*) FROM ledger_entry e JOIN document d ON d.id = e.document_id "
                "WHERE d.type = 'shipment' GROUP BY serial"
            )
        ).all()
    assert sorted(shipped) == sorted((s, 1) for s in serials)
    assert ledger.check(uow).ok
    engine.dispose()
