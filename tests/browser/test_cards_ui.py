"""The cards in a real browser: block a serial and see its badge change, rename it from its card,
follow a node of the trace picture to another card, and axe on every kind of card."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from itemtrace.domain.documents import TrackingLine
from itemtrace.domain.masterdata import Item
from itemtrace.domain.tracking import TrackingCode
from itemtrace.services import masterdata
from itemtrace.web import trace_picture
from tests.browser.axe import assert_accessible
from tests.world import SPECIFIC, lot, receive, sn


@pytest.fixture
def serial(live, unique) -> str:
    number = f"C{unique}-1"
    receive(live.uow(), "DRILL", *sn(number))
    return number


@pytest.mark.skipif(not trace_picture.dot_available(), reason="no Graphviz dot: scripts/test-setup.sh")
def test_a_clerk_blocks_renames_and_follows_the_trace_picture_back_to_the_old_card(page, serial):
    page.goto(f"/items/DRILL/serials/{serial}")
    assert_accessible(page)

    page.get_by_role("button", name="Block this serial").click()
    expect(page.locator(".status-line")).to_contain_text("blocked")
    page.get_by_role("button", name="Unblock this serial").click()
    expect(page.locator(".status-line")).to_contain_text("available")

    page.get_by_label(re.compile("New serial number")).fill(f"{serial}-NEW")
    page.get_by_role("button", name="Rename / re-date").click()

    expect(page).to_have_url(re.compile(f"/items/DRILL/serials/{serial}-NEW$"))
    expect(page.locator(".facts")).to_contain_text(f"DRILL serial {serial} (RCLS-")
    # The picture is an <object>: its SVG document is a frame of the page (links open in _top).
    page.wait_for_load_state("load")  # the objects' documents too
    [picture] = [f for f in page.frames if "direction=backward" in f.url]
    picture.get_by_text(f"serial {serial}", exact=True).click()

    expect(page).to_have_url(re.compile(f"/items/DRILL/serials/{serial}$"))
    expect(page.locator(".status-line")).to_contain_text("renamed")
    assert_accessible(page)


def test_a_refused_rename_shows_its_code_next_to_the_field(page, serial, live, unique):
    taken = f"C{unique}-2"
    receive(live.uow(), "DRILL", *sn(taken))
    page.goto(f"/items/DRILL/serials/{serial}")

    page.get_by_label(re.compile("New serial number")).fill(taken)
    page.get_by_role("button", name="Rename / re-date").click()

    field = page.get_by_label(re.compile("New serial number"))
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#new_number-errors")).to_contain_text("serial_exists")
    assert_accessible(page)


def test_lot_and_package_cards_pass_axe_and_fit_a_phone(page, live, unique):
    receive(live.uow(), "GLUE", lot(f"L{unique}", 4))
    masterdata.create_tracking_code(live.uow(), TrackingCode(f"PK{unique}", package=SPECIFIC))
    masterdata.create_item(live.uow(), Item(f"BOX{unique}", "Boxed screws", tracking_code=f"PK{unique}"))
    receive(live.uow(), f"BOX{unique}", TrackingLine(package=f"P{unique}", quantity=Decimal(3)))
    page.set_viewport_size({"width": 360, "height": 740})

    for path in (f"/items/GLUE/lots/L{unique}", f"/packages/P{unique}"):
        page.goto(path)
        expect(page.get_by_role("heading", level=2, name="Trace")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, path
        assert_accessible(page)
