"""A real streaming replica (`pg_basebackup -R` of the test server, on its own port): with
ITEMTRACE_READ_DATABASE_URL set, cards, lists, traces, reports and exports read there, while
posting, the reads that decide a posting, documents, labels and the card a change answers with
read the primary. A replica whose replay is paused shows which is which: its answers are
visibly stale, the primary's are not.

PostgreSQL only (SQLite has no replicas). Needs replication connections from 127.0.0.1 on the
test server (scripts/test-setup.sh with CI=true adds them); skips with the reason otherwise, and
fails in CI.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event

from itemtrace.api.app import create_app
from itemtrace.config import Settings
from itemtrace.storage.engine import REPLICA_NAME, make_engine
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.api.conftest import Api, TestClient, receipt, serials_in, serials_out, shipment
from tests.conftest import Databases, _require
from tests.pg_servers import Replica, Unavailable, require


@pytest.fixture(scope="session")
def replica() -> Iterator[Replica]:
    _require("postgresql")
    try:
        made = Replica()
    except Unavailable as error:
        require(error)
        raise
    yield made
    made.stop()


@pytest.fixture
def primary_url(databases: Databases, replica: Replica) -> Iterator[str]:
    url = databases.migrated_url("postgresql")
    yield url
    databases.discard(url)


@pytest.fixture
def uow(primary_url: str) -> Iterator[UnitOfWork]:
    """Set-up writes (users) committed on the primary, as the app's own would be."""
    engine = make_engine(primary_url)
    yield UnitOfWork.for_engine(engine)
    engine.dispose()


@pytest.fixture
def client(primary_url: str, replica: Replica, uow: UnitOfWork) -> Iterator[TestClient]:
    """The app as `itemtrace serve` builds it from its settings, primary and replica."""
    replica.catch_up()  # the new database exists on the replica too
    name = primary_url.rsplit("/", 1)[1]
    settings = Settings(database_url=primary_url, read_database_url=replica.url(name))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


class StatementsByServer:
    """How many statements each server got, by port (5432 the primary, the replica's own)."""

    def __init__(self, replica: Replica) -> None:
        self.replica_port = replica.port
        self.counts: Counter[str] = Counter()

    def __call__(self, conn: Any, *_args: Any) -> None:
        self.counts["replica" if conn.engine.url.port == self.replica_port else "primary"] += 1

    def during(self, call: Any) -> tuple[Any, Counter[str]]:
        self.counts.clear()
        event.listen(Engine, "before_cursor_execute", self)
        try:
            return call(), Counter(self.counts)
        finally:
            event.remove(Engine, "before_cursor_execute", self)


@pytest.fixture
def shipped(world: Api, as_clerk: Api, replica: Replica) -> Api:
    """S-1 shipped to ACME, S-2 on hand at WH1; the replica has replayed it all."""
    as_clerk.ok("/documents?post=true", receipt(serials_in("S-1", "S-2")))
    as_clerk.ok("/documents?post=true", shipment(serials_out("S-1")))
    replica.catch_up()
    return as_clerk


# Reads that may lag go to the replica; the primary still authenticates the token.
ON_REPLICA = [
    "/items/DRILL/serials/S-1",
    "/serials?item=DRILL",
    "/lots",
    "/trace?item=DRILL&serial=S-1&direction=forward",
    "/reports/expiring?within_days=30",
    "/reports/warranty?within_days=30",
    "/exports/stock",
    "/exports/ledger",
    "/exports/epcis",
]
# Reads that decide a write, or follow one at once, stay on the primary.
ON_PRIMARY = [
    "/availability?item=DRILL&location=WH1",
    "/suggest-pick?item=DRILL&location=WH1&quantity=1",
    "/documents",
    "/documents/1",
    "/items/DRILL",
    "/labels?item=DRILL&serial=S-2&format=svg",
    "/recalls",
    "/users/me",
]


def test_each_endpoint_reads_from_the_server_its_intent_allows(shipped: Api, replica: Replica):
    counting = StatementsByServer(replica)
    where = {}
    for path in ON_REPLICA + ON_PRIMARY:
        response, counts = counting.during(lambda path=path: shipped.get(path))
        assert response.status_code == 200, (path, response.text)
        where[path] = "replica" if counts["replica"] else "primary"
        assert counts["primary"] > 0, path  # the bearer token is checked on the primary

    assert where == {**dict.fromkeys(ON_REPLICA, "replica"), **dict.fromkeys(ON_PRIMARY, "primary")}
    # An operator sees the replica's connections by name on the replica.
    with replica.connect() as conn:
        names = {row[0] for row in conn.execute("SELECT application_name FROM pg_stat_activity")}
    assert REPLICA_NAME in names


def test_a_paused_replica_lags_visibly_while_posts_and_changes_answer_from_the_primary(
    shipped: Api, replica: Replica
):
    replica.pause()
    try:
        # The post's response is built on the primary: the shipment and its serial, as posted.
        posted = shipped.ok("/documents?post=true", shipment(serials_out("S-2"), partner="BETA"))
        assert posted["status"] == "posted"
        assert [t["serial"] for t in posted["lines"][0]["tracking"]] == ["S-2"]
        received = shipped.ok("/documents?post=true", receipt(serials_in("S-3", "S-4")))
        assert received["status"] == "posted"

        # The replica has not replayed them: its card still shows S-2 on our shelf, and S-3 not at all.
        stale = shipped.get("/items/DRILL/serials/S-2").json()
        assert (stale["status"], stale["location"], stale["holder"]) == ("available", "WH1", None)
        assert shipped.get("/items/DRILL/serials/S-3").status_code == 404

        # What decides a posting reads the primary: S-2 cannot be shipped twice; S-3 and S-4 are on hand.
        again = shipped.post("/documents?post=true", shipment(serials_out("S-2")))
        assert again.status_code == 422
        assert [e["code"] for e in again.json()["errors"]] == ["serial_not_available"]
        on_hand = shipped.get("/availability?item=DRILL&location=WH1").json()
        assert on_hand["on_hand"] == on_hand["available"] == 2  # the replica would say 1 (S-2)
        # A label for the serial just received is printed at once (read on the primary).
        assert shipped.get("/labels?item=DRILL&serial=S-3&format=svg").status_code == 200
        # The card a change answers with is read on the primary, after the change.
        changed = shipped.patch("/items/DRILL/serials/S-2", {"description": "returned box"})
        assert changed.status_code == 200, changed.text
        card = changed.json()
        assert (card["status"], card["location"], card["holder"]) == ("delivered", None, "BETA")
    finally:
        replica.resume()

    replica.catch_up()
    fresh = shipped.get("/items/DRILL/serials/S-2").json()
    assert (fresh["status"], fresh["holder"], fresh["description"]) == ("delivered", "BETA", "returned box")
    assert shipped.get("/items/DRILL/serials/S-3").json()["location"] == "WH1"
