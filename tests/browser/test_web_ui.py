"""The web UI in a real browser: sign in, CSRF, roles, scan-or-search, GS1 scans, sign out, axe."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from itemtrace.domain.users import Role
from itemtrace.services import masterdata
from tests.browser.axe import assert_accessible
from tests.browser.conftest import NAMES, PASSWORD, sign_in
from tests.web.conftest import csrf_of
from tests.world import receive, sn

GTIN = "09506000134352"


@pytest.fixture
def serials(live, unique) -> list[str]:
    """Three DRILL serials received into WH1, numbered for this test alone."""
    numbers = [f"B{unique}-{i}" for i in (1, 2, 3)]
    receive(live.uow(), "DRILL", *sn(*numbers))
    return numbers


def test_a_wrong_password_is_refused_and_the_right_one_lands_on_the_dashboard(anonymous, live):
    sign_in(anonymous, "carl", "not-the-password")

    expect(anonymous.get_by_role("alert")).to_contain_text("unknown user or wrong password")
    expect(anonymous.get_by_label("User name")).to_have_value("carl")
    assert_accessible(anonymous)

    anonymous.get_by_label("Password").fill(PASSWORD)
    anonymous.get_by_role("button", name="Sign in").click()

    expect(anonymous).to_have_url(live.url("/"))
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_the_dashboard_puts_the_cursor_in_the_scan_box_and_passes_axe(page, serials):
    page.goto("/")

    box = page.get_by_label("Scan or search")
    expect(box).to_be_focused()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert page.evaluate("typeof window.htmx") == "object"  # served by the process itself
    assert_accessible(page)


def test_searching_a_serial_opens_its_card(page, serials):
    page.goto("/")

    page.get_by_label("Scan or search").fill(serials[1])
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(f"/items/DRILL/serials/{serials[1]}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Serial {serials[1]}")
    expect(page.locator(".status-line")).to_contain_text("available")
    expect(page.locator(".timeline")).to_contain_text("receipt")
    assert_accessible(page)


def test_a_gs1_scan_opens_the_serial_card(page, serials, live):
    masterdata.update_item(live.uow(), "DRILL", {"gtin": GTIN})
    page.goto("/")

    # What a scanner types for a GS1 DataMatrix: symbology id, (01) GTIN, (21) serial.
    page.get_by_label("Scan or search").fill(f"]d201{GTIN}21{serials[2]}")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(f"/items/DRILL/serials/{serials[2]}$"))


def test_a_forged_post_without_the_token_is_refused(live, serials):
    with httpx.Client(base_url=live.base_url) as client:
        form = client.get("/login")
        token = csrf_of(form.text)
        client.post("/login", data={"name": "carl", "password": PASSWORD, "csrf_token": token})
        forged = client.post(f"/items/DRILL/serials/{serials[0]}", data={"blocked": "true"})
        card = client.get(f"/items/DRILL/serials/{serials[0]}")

    assert forged.status_code == 403
    assert "security token" in forged.text
    assert "badge-blocked" not in card.text


def test_a_viewer_cannot_block_and_sees_why(page_as, serials, live):
    viewer = page_as(Role.VIEWER)
    viewer.goto(f"/items/DRILL/serials/{serials[0]}")
    expect(viewer.get_by_role("button", name=re.compile("Block"))).to_have_count(0)

    # The same form a clerk gets, sent by the viewer's browser with the viewer's own token.
    token = viewer.locator('input[name="csrf_token"]').first.get_attribute("value")
    answer = viewer.request.post(
        live.url(f"/items/DRILL/serials/{serials[0]}"), form={"blocked": "true", "csrf_token": token}
    )

    assert answer.status == 403
    assert "needs the clerk role" in answer.text()


def test_a_clerk_blocks_a_serial_from_its_card_with_the_keyboard(page, serials):
    page.goto(f"/items/DRILL/serials/{serials[0]}")

    page.get_by_role("button", name="Block this serial").focus()
    page.keyboard.press("Enter")

    expect(page.locator(".status-line")).to_contain_text("blocked")
    expect(page.get_by_role("button", name="Unblock this serial")).to_be_visible()


def test_signing_out_returns_to_the_sign_in_page_and_the_dashboard_is_closed(page, live):
    page.goto("/")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(live.url("/login"))
    page.goto("/")
    expect(page).to_have_url(live.url("/login"))


def test_the_skip_link_is_the_first_stop_and_moves_to_the_main_content(page):
    page.goto("/items/DRILL")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"
    assert_accessible(page)


def test_the_pages_fit_a_phone(page_as, serials):
    phone = page_as(Role.ADMIN)
    phone.set_viewport_size({"width": 360, "height": 740})

    for path in ("/", f"/items/DRILL/serials/{serials[0]}", "/items/DRILL"):
        phone.goto(path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
        assert_accessible(phone)
    assert NAMES[Role.ADMIN] in phone.locator(".who").inner_text()
