"""Recalls, reports and imports in a real browser: run a recall and download it, filter the
expiring report, import a bad and a good file; axe on every page."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from itemtrace.api import clock
from itemtrace.domain.users import Role
from tests.browser.axe import assert_accessible
from tests.world import lot, receive, ship


def test_a_recall_runs_from_the_form_and_its_csv_download_lists_the_customer_and_the_stock(
    page, live, unique
):
    number = f"R{unique}"
    receive(live.uow(), "GLUE", lot(number, 10))
    ship(live.uow(), "GLUE", lot(number, 3), to="ACME")
    page.goto("/recalls/new")

    page.get_by_label("Item (SKU)").fill("GLUE")
    page.get_by_label("Kind of number").select_option("lot")
    page.get_by_label("Number", exact=True).fill(number)
    page.get_by_label("Reason").fill("mould found")
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name=f"Preview: lot {number} of GLUE")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("^Customers")).first).to_contain_text("ACME")
    assert_accessible(page)

    page.get_by_role("button", name="Record recall").click()

    expect(page).to_have_url(re.compile(r"/recalls/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"lot {number}")
    assert_accessible(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="CSV").click()
    download = downloading.value
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))

    assert download.suggested_filename.startswith("recall-") and download.suggested_filename.endswith(".csv")
    assert [(r["section"], r["partner"], r["lot"], r["quantity"], r["reason"]) for r in rows] == [
        ("customer", "ACME", number, "3", "mould found"),
        ("on_hand", "", number, "7", "mould found"),
    ]


def test_block_all_on_hand_says_how_many_it_blocked(page, live, unique):
    number = f"B{unique}"
    receive(live.uow(), "GLUE", lot(number, 4))
    page.goto("/recalls/new")
    page.get_by_label("Item (SKU)").fill("GLUE")
    page.get_by_label("Number", exact=True).fill(number)
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Record recall").click()

    page.get_by_role("button", name="Block all on hand").click()

    expect(page.get_by_role("status")).to_contain_text("Blocked 1 serial(s), lot(s) and package(s)")
    page.goto(f"/items/GLUE/lots/{number}")
    expect(page.locator(".status-line")).to_contain_text("blocked")


def test_the_expiring_report_filters_by_window_and_location(page, live, unique):
    today = clock.today()
    soon, later = f"S{unique}", f"L{unique}"
    receive(live.uow(), "GLUE", lot(soon, 1, today + timedelta(days=3)))
    receive(live.uow(), "GLUE", lot(later, 1, today + timedelta(days=100)), at="WH2")
    page.goto("/reports/expiring")
    table = page.get_by_role("region", name=re.compile("^Expiring within")).first
    expect(table).to_contain_text(soon)
    expect(table).not_to_contain_text(later)

    page.get_by_label("Within days").fill("120")
    page.get_by_label("Location").fill("WH2")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"within_days=120.*location=WH2"))
    expect(table).to_contain_text(later)
    expect(table).not_to_contain_text(soon)
    assert_accessible(page)

    page.get_by_label("Within days").fill("many")
    page.get_by_role("button", name="Show").click()

    expect(page.locator("#within_days-errors")).to_contain_text("a whole number of days")
    expect(page.get_by_label("Within days")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def upload(page, content: str, name: str = "stock.csv") -> None:
    page.goto("/imports/new")
    page.get_by_label("File").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Import").click()


def test_an_import_with_a_bad_row_shows_the_row_errors(page, unique):
    upload(page, f"item,location,serial,quantity\nDRILL,WH1,I{unique}-1,1\nNOPE,WH1,I{unique}-2,1\n")

    expect(page).to_have_url(re.compile(r"/imports/\d+$"))
    expect(page.locator("#job-status")).to_contain_text("Refused: 1 problem(s)")
    errors = page.get_by_role("region", name=re.compile("^Row errors")).last
    expect(errors.get_by_role("row").nth(1)).to_contain_text("3")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("item")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("not_found")
    expect(page.get_by_role("link", name="Download the errors as CSV")).to_be_visible()
    assert_accessible(page)


def test_an_import_of_a_good_file_reaches_done(page, unique):
    upload(page, f"item,location,serial,quantity\nDRILL,WH1,G{unique}-1,1\nDRILL,WH2,G{unique}-2,1\n")

    expect(page.locator("#job-status")).to_contain_text("Done: 2 row(s) posted as document")
    assert_accessible(page)
    page.goto(f"/items/DRILL/serials/G{unique}-2")
    expect(page.locator(".facts")).to_contain_text("WH2")


@pytest.mark.parametrize(
    "path", ["/recalls", "/recalls/new", "/reports/stock", "/reports/warranty", "/imports/new"]
)
def test_every_page_passes_axe(page, path):
    page.goto(path)

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_a_viewer_sees_no_import_in_the_navigation_and_is_refused_the_form(page_as):
    viewer = page_as(Role.VIEWER)
    viewer.goto("/recalls")

    expect(viewer.get_by_role("navigation", name="Main").get_by_role("link", name="Import")).to_have_count(0)
    viewer.goto("/imports/new")
    expect(viewer.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(viewer)
