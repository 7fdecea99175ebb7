"""The report pages over TestClient: expiring stock, stock by location and lot, warranties; CSV."""

from __future__ import annotations

from datetime import timedelta

import pytest

from itemtrace.api import clock
from itemtrace.domain.users import Role
from itemtrace.services import exports
from tests.world import given_world, lot, receive, ship, sn


@pytest.fixture
def stock(uow):
    """GLUE lots at WH1 (L-SOON expires in 5 days, L-OLD expired 2 days ago) and WH2 (L-LATE, in
    90 days); DRILL SN-1..2 at WH1, SN-3 shipped to ACME."""
    given_world(uow)
    today = clock.today()
    receive(
        uow, "GLUE", lot("L-SOON", 4, today + timedelta(days=5)), lot("L-OLD", 2, today - timedelta(days=2))
    )
    receive(uow, "GLUE", lot("L-LATE", 6, today + timedelta(days=90)), at="WH2")
    receive(uow, "DRILL", *sn("SN-1", "SN-2", "SN-3"))
    ship(uow, "DRILL", *sn("SN-3"), to="ACME")


def lots_in(html: str) -> list[str]:
    return [n for n in ("L-OLD", "L-SOON", "L-LATE") if f">{n}</a>" in html]


def test_the_expiring_report_lists_the_expired_first_within_the_window(sign_in, stock):
    page = sign_in(Role.VIEWER).get("/reports/expiring", params={"within_days": "30"})

    assert page.status_code == 200
    assert lots_in(page.text) == ["L-OLD", "L-SOON"]
    assert page.text.index(">L-OLD</a>") < page.text.index(">L-SOON</a>")
    assert "(expired)" in page.text


def test_the_expiring_report_filters_by_window_and_location(sign_in, stock):
    web = sign_in(Role.VIEWER)

    wide = web.get("/reports/expiring", params={"within_days": "120"})
    at_wh2 = web.get("/reports/expiring", params={"within_days": "120", "location": "WH2"})

    assert lots_in(wide.text) == ["L-OLD", "L-SOON", "L-LATE"]
    assert lots_in(at_wh2.text) == ["L-LATE"]
    assert 'href="/reports/expiring.csv?within_days=120&amp;location=WH2"' in at_wh2.text


def test_a_bad_window_is_said_next_to_its_field(sign_in, stock):
    page = sign_in(Role.VIEWER).get("/reports/expiring", params={"within_days": "soon"})

    assert page.status_code == 422
    assert 'id="within_days-errors"' in page.text and "a whole number of days" in page.text


def test_the_expiring_download_is_the_report_export(sign_in, stock):
    answer = sign_in(Role.VIEWER).get(
        "/reports/expiring.csv", params={"within_days": "120", "location": "WH1"}
    )

    header, *rows = [line.split(",") for line in answer.text.splitlines()]
    assert answer.headers["content-type"].startswith("text/csv")
    assert header[:5] == ["expiration_date", "days_left", "expired", "item", "location"]
    assert [(r[2], r[4], r[5]) for r in rows] == [("true", "WH1", "L-OLD"), ("false", "WH1", "L-SOON")]


def test_stock_by_location_lists_each_number_with_a_count_link_for_clerks(sign_in, stock):
    page = sign_in(Role.CLERK).get("/reports/stock", params={"location": "WH1"})

    assert page.status_code == 200
    assert ">SN-1</a>" in page.text and ">SN-2</a>" in page.text and ">SN-3</a>" not in page.text
    assert lots_in(page.text) == ["L-OLD", "L-SOON"]
    assert page.text.count('href="/documents/new?type=count&amp;location=WH1"') == 4


def test_stock_filters_by_lot_and_the_download_is_the_stock_export(sign_in, stock, uow):
    web = sign_in(Role.VIEWER)

    page = web.get("/reports/stock", params={"item": "GLUE", "lot": "L-LATE"})
    csv = web.get("/reports/stock.csv", params={"item": "GLUE"})

    assert lots_in(page.text) == ["L-LATE"]
    assert "Count this location" not in page.text  # a viewer cannot post a count
    assert csv.text.splitlines()[0] == ",".join(exports.STOCK_COLUMNS)
    assert csv.content == b"".join(
        exports.csv_stream(exports.STOCK_COLUMNS, exports.stock_pages(uow, item="GLUE"))
    )
    assert len(csv.text.splitlines()) == 4


def test_stock_is_paged(sign_in, uow, monkeypatch):
    given_world(uow)
    receive(uow, "DRILL", *sn(*[f"P-{i:03}" for i in range(5)]))
    monkeypatch.setattr("itemtrace.web.routes.reports.PER_PAGE", 2)
    web = sign_in(Role.VIEWER)

    first = web.get("/reports/stock", params={"item": "DRILL"})
    third = web.get("/reports/stock", params={"item": "DRILL", "page": "3"})

    assert ">P-000</a>" in first.text and ">P-001</a>" in first.text and ">P-002</a>" not in first.text
    assert 'href="/reports/stock?item=DRILL&amp;page=2"' in first.text
    assert ">P-004</a>" in third.text and "Next page" not in third.text


def test_the_warranty_report_lists_delivered_serials_by_customer(sign_in, stock):
    page = sign_in(Role.VIEWER).get("/reports/warranty", params={"within_days": "1000"})

    assert page.status_code == 200
    assert "<td>ACME</td>" in page.text and ">SN-3</a>" in page.text and ">SN-1</a>" not in page.text


def test_reports_need_a_signed_in_user(web, stock):
    assert web.get("/reports/stock.csv").headers["location"] == "/login?next=/reports/stock.csv"
