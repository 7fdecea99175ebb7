"""The recall pages over TestClient: preview, record, the report, Block all on hand, downloads."""

from __future__ import annotations

import io

import openpyxl
import pytest

from itemtrace.domain.errors import ErrorCode
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension
from itemtrace.domain.users import Role
from itemtrace.services import info_cards, tracing
from tests.conftest import TODAY, now
from tests.web.conftest import csrf_of
from tests.world import CLERK, given_world, lot, receive, ship


@pytest.fixture
def glue(uow):
    """GLUE lot L-1: 10 received into WH1, 3 shipped to ACME (7 on hand)."""
    given_world(uow)
    receive(uow, "GLUE", lot("L-1", 10))
    ship(uow, "GLUE", lot("L-1", 3), to="ACME")


def record(web, **fields):
    form = web.get("/recalls/new", params={"item": "GLUE", "kind": "lot", "number": "L-1"})
    data = {"item": "GLUE", "kind": "lot", "number": "L-1", "reason": "", **fields}
    return web.post("/recalls", data={**data, "csrf_token": csrf_of(form.text)})


def test_a_preview_shows_the_customers_and_stock_and_records_nothing(sign_in, glue, uow):
    web = sign_in(Role.CLERK)

    page = web.get("/recalls/new", params={"item": "GLUE", "kind": "lot", "number": "L-1", "reason": "mould"})

    assert page.status_code == 200
    assert "Preview: lot L-1 of GLUE" in page.text
    assert "<td>ACME</td>" in page.text and '<td class="num">3</td>' in page.text
    assert "<td>WH1</td>" in page.text and '<td class="num">7</td>' in page.text
    assert 'action="/recalls"' in page.text and "Record recall" in page.text
    assert tracing.list_recalls(uow) == []


def test_recording_a_recall_shows_its_report_and_lists_it(sign_in, glue, uow):
    web = sign_in(Role.CLERK)

    answer = record(web, reason="mould")
    [recorded] = tracing.list_recalls(uow)
    report = web.get(answer.headers["location"])
    listed = web.get("/recalls")

    assert (answer.status_code, answer.headers["location"]) == (303, f"/recalls/{recorded.id}")
    assert recorded.reason == "mould" and recorded.block is False
    assert f"Recall {recorded.id}" in report.text and "mould" in report.text
    assert "<td>ACME</td>" in report.text and "<td>WH1</td>" in report.text
    assert f'href="/recalls/{recorded.id}"' in listed.text


def test_recording_with_block_blocks_the_lot(sign_in, glue, uow):
    record(sign_in(Role.CLERK), block="true")

    card = info_cards.card(uow, Dimension.LOT, "GLUE", "L-1", today=TODAY)
    assert card.status is TrackingStatus.BLOCKED


def test_block_all_on_hand_blocks_what_the_recall_reaches_and_says_how_many(sign_in, glue, uow):
    recorded = tracing.recall(uow, "GLUE", lot="L-1", user=CLERK, now=now())
    web = sign_in(Role.CLERK)
    page = web.get(f"/recalls/{recorded.id}")

    answer = web.post(f"/recalls/{recorded.id}/block", data={"csrf_token": csrf_of(page.text)})
    shown = web.get(answer.headers["location"])

    assert (answer.status_code, answer.headers["location"]) == (303, f"/recalls/{recorded.id}?blocked=1")
    assert "Blocked 1 serial(s), lot(s) and package(s)" in shown.text
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L-1", today=TODAY).status is TrackingStatus.BLOCKED


def test_an_unknown_lot_is_said_next_to_the_number(sign_in, glue, uow):
    page = sign_in(Role.CLERK).get("/recalls/new", params={"item": "GLUE", "kind": "lot", "number": "NOPE"})

    assert page.status_code == 404
    assert 'id="number-errors"' in page.text and ErrorCode.NOT_FOUND.value in page.text
    assert 'aria-invalid="true"' in page.text


def test_a_form_without_a_number_is_refused_before_any_lookup(sign_in, glue, uow):
    web = sign_in(Role.CLERK)
    form = web.get("/recalls/new")

    answer = web.post(
        "/recalls", data={"item": "GLUE", "kind": "lot", "number": "", "csrf_token": csrf_of(form.text)}
    )

    assert answer.status_code == 422
    assert "type the lot number to recall" in answer.text
    assert tracing.list_recalls(uow) == []


def test_the_downloads_are_the_recall_export_as_csv_and_xlsx(sign_in, glue, uow):
    recorded = tracing.recall(uow, "GLUE", lot="L-1", reason="mould", user=CLERK, now=now())
    web = sign_in(Role.VIEWER)

    csv = web.get(f"/recalls/{recorded.id}/export.csv")
    xlsx = web.get(f"/recalls/{recorded.id}/export.xlsx")

    assert csv.headers["content-type"].startswith("text/csv")
    assert f'filename="recall-{recorded.id}.csv"' in csv.headers["content-disposition"]
    header, *rows = [line.split(",") for line in csv.text.splitlines()]
    assert header == list(tracing.RECALL_COLUMNS)
    assert [(r[0], r[6], r[8], r[10], r[11]) for r in rows] == [
        ("customer", "ACME", "GLUE", "L-1", "3"),
        ("on_hand", "", "GLUE", "L-1", "7"),
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == list(tracing.RECALL_COLUMNS)
    assert sheet.max_row == 3


def test_viewers_read_recalls_but_may_not_run_or_block_them(sign_in, glue, uow):
    recorded = tracing.recall(uow, "GLUE", lot="L-1", user=CLERK, now=now())
    web = sign_in(Role.VIEWER)
    page = web.get(f"/recalls/{recorded.id}")

    form = web.get("/recalls/new")
    block = web.post(f"/recalls/{recorded.id}/block", data={"csrf_token": csrf_of(page.text)})

    assert page.status_code == 200 and "Block all on hand" not in page.text
    assert form.status_code == 403 and block.status_code == 403
    assert "needs the clerk role" in form.text
    assert info_cards.card(uow, Dimension.LOT, "GLUE", "L-1", today=TODAY).status is TrackingStatus.AVAILABLE


def test_nobody_signed_in_goes_to_the_sign_in_page(web, glue):
    answer = web.get("/recalls/new")

    assert (answer.status_code, answer.headers["location"]) == (303, "/login?next=/recalls/new")


def test_an_unknown_recall_is_the_not_found_page(sign_in, glue):
    page = sign_in(Role.VIEWER).get("/recalls/999")

    assert page.status_code == 404 and "not_found" in page.text
