"""POST /imports with `Prefer: respond-async`: 202 and a `running` job at once, the import in the
server's background thread, the job polled until it ends.

These tests commit for real (a fresh database each): the import runs in another thread, on
connections of its own, as it does in the server. The runner's `on_progress` hook holds the
import after it has read the file, so the test sees it `running`, without any sleep."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from itemtrace.domain.imports import RUNNING, STOPPED, ImportJob
from itemtrace.services import imports
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.api.conftest import Api
from tests.conftest import BACKENDS, now

GOOD = "item,location,serial,lot,quantity\nDRILL,WH1,B-1,,1\nDRILL,WH1,B-2,,1\nSCREW,WH2,,,250\n"
BAD = "item,location,serial,quantity\nDRILL,WH1,B-1,1\nNOPE,WH1,,1\nSCREW,WH1,,-5\n"
ASYNC = {"Prefer": "respond-async"}


@pytest.fixture(params=BACKENDS)
def session_factory(request: pytest.FixtureRequest, fresh_engine) -> Callable[[], object]:
    """Sessions on a fresh database whose commits are real (overrides the rolled-back one)."""
    return sessionmaker(bind=fresh_engine(request.param), expire_on_commit=False)


class Gate:
    """The runner's progress hook: the import stops after reading until the test opens it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()
        self.counts: list[int] = []

    def __call__(self, _job_id: int, rows: int) -> None:
        self.counts.append(rows)
        self.reached.set()
        assert self.opened.wait(60), "the test never let the import go on"


@pytest.fixture
def runner(client) -> imports.Runner:
    """The app's background imports."""
    return client.app.state.imports


@pytest.fixture
def gate(runner: imports.Runner) -> Iterator[Gate]:
    gate = Gate()
    runner.on_progress = gate
    yield gate
    gate.opened.set()  # a failing test must not leave the import waiting


def upload(api: Api, text: str, *, headers: dict[str, str] = ASYNC, **params: Any):
    return api.client.post(
        "/api/v1/imports",
        headers={**api.headers, **headers},
        files={"file": ("opening.csv", text.encode("utf-8"), "text/csv")},
        params=params,
    )


def test_an_async_import_answers_202_running_and_its_job_ends_posted(
    world: Api, as_clerk: Api, gate: Gate, uow: UnitOfWork, runner: imports.Runner
) -> None:
    answer = upload(as_clerk, GOOD)

    assert answer.status_code == 202, answer.text
    started = answer.json()
    assert started["status"] == "running" and started["finished_at"] is None
    assert answer.headers["location"] == f"/api/v1/imports/{started['id']}"
    assert answer.headers["preference-applied"] == "respond-async"
    assert gate.reached.wait(60)

    running = as_clerk.client.get(answer.headers["location"], headers=as_clerk.headers).json()
    # Another process sees the count only where the job row holds it: PostgreSQL.
    elsewhere = imports.get_job(uow, started["id"])
    serial = world.get("/items/DRILL/serials/B-1")
    gate.opened.set()
    runner.drain()
    done = as_clerk.client.get(answer.headers["location"], headers=as_clerk.headers).json()

    assert running["status"] == "running" and running["rows"] == 3 and running["document"] is None
    assert (elsewhere.status, elsewhere.rows) == ("running", 3 if uow_is_postgresql(uow) else 0)
    assert serial.status_code == 404  # nothing visible before the import commits
    assert done["status"] == "posted" and done["rows"] == 3 and done["finished_at"] is not None
    document = world.get(f"/documents/{done['document_id']}").json()
    assert document["number"] == done["document"] and document["status"] == "posted"
    assert world.get("/items/DRILL/serials/B-2").json()["location"] == "WH1"


def test_a_bad_file_in_the_background_ends_rejected_with_its_row_errors_and_posts_nothing(
    world: Api, as_clerk: Api, runner: imports.Runner
) -> None:
    answer = upload(as_clerk, BAD)
    runner.drain()

    job = as_clerk.get(f"/imports/{answer.json()['id']}").json()
    assert answer.status_code == 202
    assert job["status"] == "rejected" and job["document"] is None
    assert [(e["row"], e["column"], e["code"]) for e in job["errors"]] == [
        (3, "item", "not_found"),
        (4, "quantity", "validation_error"),
    ]
    assert world.get("/items/DRILL/serials/B-1").status_code == 404


def test_an_import_that_breaks_ends_failed_with_the_error_and_posts_nothing(
    world: Api, as_clerk: Api, runner: imports.Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(imports, "_posted_header", broken)
    answer = upload(as_clerk, GOOD)
    runner.drain()

    job = as_clerk.get(f"/imports/{answer.json()['id']}").json()
    assert (job["status"], job["detail"]) == ("failed", "the disk is full")
    assert job["finished_at"] is not None
    assert world.get("/items/DRILL/serials/B-1").status_code == 404


def test_without_the_preference_the_import_answers_201_with_the_document(world: Api, as_clerk: Api) -> None:
    answer = upload(as_clerk, GOOD, headers={"Prefer": "return=minimal"})

    assert answer.status_code == 201, answer.text
    assert answer.json()["import"]["status"] == "posted"


def test_a_file_that_is_not_a_table_is_refused_at_once_and_nothing_is_recorded(as_clerk: Api) -> None:
    answer = as_clerk.client.post(
        "/api/v1/imports",
        headers={**as_clerk.headers, **ASYNC},
        files={"file": ("notes.txt", b"hello", "text/plain")},
    )

    assert answer.status_code == 422 and answer.json()["code"] == "validation_error"
    assert as_clerk.get("/imports/1").status_code == 404


def test_jobs_left_running_by_a_stopped_server_are_marked_failed(uow: UnitOfWork) -> None:
    with uow.write():  # what a server that died during an import left behind
        left = uow.bulk.add_job(
            ImportJob(file_name="big.csv", rows=0, status=RUNNING, started_at=now(), finished_at=None)
        )
        uow.commit()

    count = imports.fail_abandoned(uow, now=now())

    job = imports.get_job(uow, left.id)
    assert count == 1 and (job.status, job.detail) == ("failed", STOPPED)
    assert imports.fail_abandoned(uow, now=now()) == 0


def uow_is_postgresql(uow: UnitOfWork) -> bool:
    with uow.read():
        return uow.bulk.progress_shared()
