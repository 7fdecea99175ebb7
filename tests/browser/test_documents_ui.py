"""The documents pages in a real browser: the issue's whole scenario (receive by scanning, search,
block, a shipment refused on its line, a recall and its CSV), and axe on the
list, a document, a new one and one with its errors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.world import receive, ship, sn


def scan(page, line: int, code: str, expected: int) -> None:
    """Type a code into a line's scan box and press Enter, as a scanner does; wait for its row."""
    box = page.get_by_label(f"Scan (line {line})")
    box.fill(code)
    box.press("Enter")
    expect(page.locator(f"#line-{line} .tracking-line")).to_have_count(expected)


def test_receive_three_serials_block_one_see_its_shipment_refused_on_the_line_and_recall_another(
    page, unique
):
    serials = [f"D{unique}-{i}" for i in (1, 2, 3)]
    page.goto("/documents/new?type=receipt")
    page.get_by_label("Partner").fill("VEND")
    page.get_by_label("Item").fill("DRILL")
    page.get_by_label("To location").fill("WH1")
    for n, serial in enumerate(serials, 1):
        scan(page, 1, serial, n)
    expect(page.get_by_label("Scan (line 1)")).to_be_focused()  # ready for the next scan
    expect(page.locator("#lines-0-matrix")).to_contain_text("undefined 0")
    assert page.evaluate("typeof window.htmx") == "object"  # the scans did not reload the page
    assert_accessible(page)

    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("RCPT-")
    expect(page.locator("h1 .badge")).to_have_text("posted")
    assert_accessible(page)

    page.goto("/")
    page.get_by_label("Scan or search").fill(serials[1])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/items/DRILL/serials/{serials[1]}$"))
    page.get_by_role("button", name="Block this serial").click()
    expect(page.locator(".status-line")).to_contain_text("blocked")

    page.get_by_role("link", name="Documents").click()
    page.get_by_role("link", name="New document").click()
    page.get_by_role("link", name="Shipment", exact=True).click()
    page.get_by_label("Partner").fill("ACME")
    page.get_by_label("Item").fill("DRILL")
    page.get_by_label("From location").fill("WH1")
    scan(page, 1, serials[1], 1)
    page.get_by_role("button", name="Post").click()

    refused = page.locator("#line-1 .tracking-line.has-error")
    expect(refused).to_contain_text("tracking_blocked")
    expect(refused).to_contain_text(serials[1])
    expect(page.get_by_label("Serial, tracking line 1 of line 1")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    # The quality manager recalls the first serial and downloads the report for the customers.
    page.get_by_role("link", name="Recalls").click()
    page.goto("/recalls/new")
    page.get_by_label("Item (SKU)").fill("DRILL")
    page.get_by_label("Kind of number").select_option("serial")
    page.get_by_label("Number", exact=True).fill(serials[0])
    page.get_by_label("Reason").fill("overheating")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Record recall").click()
    expect(page).to_have_url(re.compile(r"/recalls/\d+$"))
    with page.expect_download() as downloading:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(downloading.value.path()).read_text(encoding="utf-8"))))
    assert [(r["section"], r["serial"], r["quantity"], r["reason"]) for r in rows] == [
        ("on_hand", serials[0], "1", "overheating")
    ]


def test_the_documents_list_and_a_count_of_a_location_pass_axe(page):
    page.goto("/documents")
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    assert_accessible(page)

    page.goto("/documents?number=NOPE-1")
    expect(page.locator("#number-errors")).to_contain_text("not_found")
    assert_accessible(page)

    page.goto("/documents/new?type=count&location=WH2")
    expect(page.get_by_label("Counted location")).to_have_value("WH2")
    assert_accessible(page)


def test_undo_refused_is_said_on_the_document_and_passes_axe(page, live, unique):
    receipt = receive(live.uow(), "DRILL", *sn(f"U{unique}"))
    ship(live.uow(), "DRILL", *sn(f"U{unique}"))
    page.goto(f"/documents/{receipt.id}")

    page.get_by_role("button", name="Undo").click()

    expect(page.get_by_role("alert")).to_contain_text("not_reversible")
    expect(page.locator("h1 .badge")).to_have_text("posted")
    assert_accessible(page)
