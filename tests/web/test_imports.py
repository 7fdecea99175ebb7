"""The import pages over TestClient: upload, the job page (done, or its row errors), errors CSV."""

from __future__ import annotations

import threading

import pytest

from itemtrace.domain.users import Role
from itemtrace.services import imports
from tests.web.conftest import csrf_of
from tests.world import given_world

GOOD = b"item,location,serial,lot,quantity\nDRILL,WH1,IMP-1,,1\nGLUE,WH1,,IMP-L,5\n"
BAD = b"item,location,serial,lot,quantity\nDRILL,WH1,IMP-1,,1\nNOPE,WH1,,,1\nGLUE,WH1,,IMP-L,-2\n"


@pytest.fixture
def world(uow):
    given_world(uow)


def upload(web, content, name="stock.csv", **fields):
    token = csrf_of(web.get("/imports/new").text)
    files = {"file": (name, content, "text/csv")}
    answer = web.post("/imports/new", data={"csrf_token": token, **fields}, files=files)
    web.app.state.imports.drain()  # the import runs in the background: wait for its end
    return answer


def test_a_good_file_is_posted_and_its_job_page_says_done(sign_in, world, uow):
    web = sign_in(Role.CLERK)

    answer = upload(web, GOOD)
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    page = web.get(answer.headers["location"])
    status = web.get(f"/imports/{job_id}/status")

    assert answer.status_code == 303
    job = imports.get_job(uow, job_id)
    assert (job.status, job.rows) == ("posted", 2)
    assert "Done: 2 row(s) posted as document" in page.text and "hx-trigger" not in page.text
    assert status.text.strip().startswith('<div id="job-status"') and "Done" in status.text


def test_bad_rows_are_listed_with_row_column_code_and_message_and_nothing_is_posted(sign_in, world, uow):
    web = sign_in(Role.CLERK)

    answer = upload(web, BAD)
    page = web.get(answer.headers["location"])

    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    job = imports.get_job(uow, job_id)
    assert job.status == "rejected"
    assert [(e.row, e.column) for e in job.errors] == [(3, "item"), (4, "quantity")]
    assert "Refused: 2 problem(s)" in page.text
    assert '<td class="num">3</td><td>item</td><td><code>not_found</code></td>' in page.text
    assert '<td class="num">4</td><td>quantity</td><td><code>validation_error</code></td>' in page.text
    assert f'href="/imports/{job_id}/errors.csv"' in page.text
    assert web.get("/reports/stock", params={"item": "DRILL"}).text.count(">IMP-1</a>") == 0


def test_the_errors_download_is_the_import_errors_csv(sign_in, world, uow):
    web = sign_in(Role.CLERK)
    location = upload(web, BAD).headers["location"]

    csv = web.get(f"{location}/errors.csv")

    lines = csv.text.splitlines()
    assert csv.headers["content-type"].startswith("text/csv")
    assert lines[0] == "row,column,code,detail"
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["3", "item", "not_found"],
        ["4", "quantity", "validation_error"],
    ]


def test_a_file_that_is_not_a_table_is_said_next_to_the_file_field(sign_in, world):
    answer = upload(sign_in(Role.CLERK), b"hello", name="notes.txt")

    assert answer.status_code == 422
    assert 'id="file-errors"' in answer.text and "validation_error" in answer.text


def test_no_file_is_said_next_to_the_file_field(sign_in, world):
    web = sign_in(Role.CLERK)
    token = csrf_of(web.get("/imports/new").text)

    answer = web.post("/imports/new", data={"csrf_token": token})

    assert answer.status_code == 422 and "choose a .csv or .xlsx file" in answer.text


def test_rows_without_a_location_go_to_the_one_given(sign_in, world, uow):
    answer = upload(sign_in(Role.CLERK), b"item,serial,quantity\nDRILL,IMP-9,1\n", location="WH2")

    job = imports.get_job(uow, int(answer.headers["location"].rsplit("/", 1)[1]))
    assert job.status == "posted"


def test_viewers_may_not_import_but_read_a_job(sign_in, world, uow):
    clerk = sign_in(Role.CLERK)
    location = upload(clerk, GOOD).headers["location"]
    clerk.post("/logout", data={"csrf_token": csrf_of(clerk.get("/").text)})
    viewer = sign_in(Role.VIEWER)

    token = csrf_of(viewer.get(location).text)
    refused = viewer.post(
        "/imports/new", data={"csrf_token": token}, files={"file": ("s.csv", GOOD, "text/csv")}
    )

    assert viewer.get("/imports/new").status_code == 403
    assert refused.status_code == 403 and "needs the clerk role" in refused.text
    assert viewer.get(location).status_code == 200


def test_an_upload_without_the_csrf_token_is_refused(sign_in, world, uow):
    answer = sign_in(Role.CLERK).post("/imports/new", files={"file": ("s.csv", GOOD, "text/csv")})

    assert answer.status_code == 403


def test_the_job_page_shows_a_running_import_polls_its_status_and_reaches_done(sign_in, world, uow):
    web = sign_in(Role.CLERK)
    reached, opened = threading.Event(), threading.Event()

    def hold(_job_id: int, _rows: int) -> None:  # the import waits here, after reading the file
        reached.set()
        assert opened.wait(60)

    web.app.state.imports.on_progress = hold
    token = csrf_of(web.get("/imports/new").text)
    try:
        answer = web.post(
            "/imports/new", data={"csrf_token": token}, files={"file": ("s.csv", GOOD, "text/csv")}
        )
        assert reached.wait(60)
        running = web.get(answer.headers["location"])
        polled = web.get(f"{answer.headers['location']}/status", headers={"HX-Request": "true"})
    finally:
        opened.set()
    web.app.state.imports.drain()
    done = web.get(f"{answer.headers['location']}/status", headers={"HX-Request": "true"})

    assert answer.status_code == 303
    assert "Running: 2 row(s) read so far" in running.text and 'hx-trigger="every 2s"' in running.text
    assert "Running: 2 row(s)" in polled.text and "hx-get" in polled.text
    assert "Done: 2 row(s) posted as document" in done.text and "hx-get" not in done.text
    assert done.headers["hx-refresh"] == "true"  # the whole page again: its document, or its errors
    assert "hx-refresh" not in polled.headers
