"""The dashboard, the scan-or-search box, the cards and how refusals look, over TestClient."""

from __future__ import annotations

import re

import pytest

from itemtrace.domain.users import Role
from itemtrace.services import masterdata
from tests.web.conftest import csrf_of
from tests.world import given_world, lot, receive, sn

GTIN = "09506000134352"


@pytest.fixture
def stock(uow):
    """DRILL serials SN-1..3 and a GLUE lot L-1 in WH1; DRILL has a GTIN; SAW also has a serial SN-1."""
    given_world(uow)
    masterdata.update_item(uow, "DRILL", {"gtin": GTIN})
    receive(uow, "DRILL", *sn("SN-1", "SN-2", "SN-3"))
    receive(uow, "GLUE", lot("L-1", 5))
    receive(uow, "SAW", *sn("SAW-7"))


def test_the_dashboard_counts_serials_by_status_and_lists_the_recent_documents(sign_in, stock):
    page = sign_in(Role.VIEWER).get("/")

    assert page.status_code == 200
    assert re.search(r"available</span></td><td class=\"num\">4<", page.text)
    assert page.text.count("<td>receipt</td>") == 3
    assert "autofocus" in page.text and '<label for="q">Scan or search</label>' in page.text


def test_a_serial_number_leads_to_its_card(sign_in, stock):
    web = sign_in(Role.VIEWER)

    found = web.get("/search", params={"q": "SN-2"})
    card = web.get(found.headers["location"])

    assert (found.status_code, found.headers["location"]) == (303, "/items/DRILL/serials/SN-2")
    assert "available" in card.text and "WH1" in card.text


@pytest.mark.parametrize(
    "scan", [f"]d201{GTIN}21SN-3", f"(01){GTIN}(21)SN-3", f"https://id.gs1.org/01/{GTIN}/21/SN-3"]
)
def test_a_gs1_scan_leads_to_the_serial_card(sign_in, stock, scan):
    found = sign_in(Role.VIEWER).get("/search", params={"q": scan})

    assert found.headers["location"] == "/items/DRILL/serials/SN-3"


def test_a_lot_and_a_sku_lead_to_their_pages(sign_in, stock):
    web = sign_in(Role.VIEWER)

    assert web.get("/search", params={"q": "L-1"}).headers["location"] == "/items/GLUE/lots/L-1"
    assert web.get("/search", params={"q": "BOLT"}).headers["location"] == "/items/BOLT"
    assert web.get("/items/GLUE/lots/L-1").status_code == 200
    assert "SN-1" in web.get("/items/DRILL").text


def test_a_number_of_several_units_lists_them(sign_in, stock, uow):
    receive(uow, "PHONE", *sn("DUP-1"))
    receive(uow, "DRILL", *sn("DUP-1"))

    page = sign_in(Role.VIEWER).get("/search", params={"q": "DUP-1"})

    assert page.status_code == 200
    assert 'href="/items/PHONE/serials/DUP-1"' in page.text
    assert 'href="/items/DRILL/serials/DUP-1"' in page.text


def test_nothing_found_and_a_bad_barcode_are_said_next_to_the_box(sign_in, stock):
    web = sign_in(Role.VIEWER)

    nothing = web.get("/search", params={"q": "NOPE-9"})
    bad = web.get("/search", params={"q": f"01{GTIN[:-1]}921SN-1"})  # wrong check digit

    assert nothing.status_code == 404
    assert 'id="q-errors"' in nothing.text and "not_found" in nothing.text
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and "bad_barcode" in bad.text


def test_a_gs1_code_of_an_unknown_gtin_says_how_to_give_an_item_that_gtin(sign_in, stock):
    page = sign_in(Role.VIEWER).get("/search", params={"q": "(01)09521234543213(21)X1"})

    assert page.status_code == 404
    assert "no item has GTIN 09521234543213" in page.text


def test_an_unknown_card_is_an_error_page_with_the_code(sign_in, stock):
    page = sign_in(Role.VIEWER).get("/items/DRILL/serials/NEVER")

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<code>not_found</code>" in page.text


def test_a_clerk_blocks_and_unblocks_a_serial_from_its_card(sign_in, stock):
    web = sign_in(Role.CLERK)
    token = csrf_of(web.get("/items/DRILL/serials/SN-1").text)

    blocked = web.post("/items/DRILL/serials/SN-1", data={"blocked": "true", "csrf_token": token})
    card = web.get("/items/DRILL/serials/SN-1").text
    web.post("/items/DRILL/serials/SN-1", data={"blocked": "false", "csrf_token": token})

    assert (blocked.status_code, blocked.headers["location"]) == (303, "/items/DRILL/serials/SN-1")
    assert "badge-blocked" in card and "Unblock this serial" in card
    assert "Block this serial" in web.get("/items/DRILL/serials/SN-1").text


def test_a_viewer_may_not_block_and_is_told_which_role_it_needs(sign_in, stock):
    web = sign_in(Role.VIEWER)
    card = web.get("/items/DRILL/serials/SN-1").text

    refused = web.post("/items/DRILL/serials/SN-1", data={"blocked": "true", "csrf_token": csrf_of(card)})

    assert "Block this serial" not in card  # the button is not offered either
    assert refused.status_code == 403
    assert "<code>forbidden</code>" in refused.text and "needs the clerk role" in refused.text
    assert "badge-blocked" not in web.get("/items/DRILL/serials/SN-1").text


def test_the_pages_are_not_in_the_openapi_document_and_the_api_still_answers_json(web):
    paths = web.get("/openapi.json").json()["paths"]
    unknown_api = web.get("/api/v1/nothing-here")
    unknown_page = web.get("/nothing-here")

    assert not [p for p in paths if not p.startswith("/api/v1/")]
    assert unknown_api.headers["content-type"] == "application/problem+json"
    assert unknown_page.headers["content-type"].startswith("text/html")
    assert web.get("/docs").status_code == 200


def test_static_assets_are_served_here_with_a_long_cache_and_a_content_hash(web):
    page = web.get("/login").text
    stylesheet = re.search(r'href="(/static/itemtrace\.css\?v=[0-9a-f]{12})"', page)

    assert stylesheet is not None
    answer = web.get(stylesheet.group(1))
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "https://" not in page.replace('href="/docs"', "")
