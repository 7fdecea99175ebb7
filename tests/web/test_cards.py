"""The cards over TestClient: what they show (dates, warranty, timeline, trace) and every form on
them — success, the refusal with its code next to its field, and the role a form needs."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from itemtrace.domain.documents import DocumentType, TrackingLine
from itemtrace.domain.masterdata import Item
from itemtrace.domain.tracking import TrackingCode
from itemtrace.domain.users import Role
from itemtrace.services import masterdata
from itemtrace.web import trace_picture
from tests.conftest import TODAY
from tests.web.conftest import csrf_of
from tests.world import SPECIFIC, given_world, lot, post, receive, ship, sn

needs_dot = pytest.mark.skipif(
    not trace_picture.dot_available(), reason="no Graphviz dot: scripts/test-setup.sh"
)
SERIAL = "/items/DRILL/serials/SN-1"
LOT = "/items/GLUE/lots/L-1"


@pytest.fixture
def stock(uow, people):
    """DRILL SN-1..3 in WH1 (SN-3 shipped to ACME, so under warranty), GLUE lot L-1 in WH1 and WH2,
    a package P-1 holding KIT serial K-1."""
    given_world(uow)
    masterdata.create_tracking_code(uow, TrackingCode("SNPK", serial=SPECIFIC, package=SPECIFIC))
    masterdata.create_item(uow, Item("KIT", "Tool kit", tracking_code="SNPK"))
    receive(uow, "DRILL", *sn("SN-1", "SN-2", "SN-3"))
    receive(uow, "KIT", TrackingLine(serial="K-1", package="P-1"))
    ship(uow, "DRILL", *sn("SN-3"))
    receive(uow, "GLUE", lot("L-1", 5, TODAY + timedelta(days=90)))
    post(uow, DocumentType.TRANSFER, "GLUE", 2, [lot("L-1", 2)], source="WH1", target="WH2")


def form_post(web, page: str, action: str, data: dict[str, str]):
    token = csrf_of(web.get(page).text)
    return web.post(action, data={**data, "csrf_token": token})


def errors_of(html: str, field: str) -> str:
    found = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', html, re.S)
    assert found is not None, f"no errors next to {field}"
    return found.group(1)


# -- what a card shows ----------------------------------------------------------------------------


def test_a_serial_card_shows_its_dates_warranty_timeline_and_trace(sign_in, stock):
    web = sign_in(Role.VIEWER)

    shipped = web.get("/items/DRILL/serials/SN-3").text

    warranty_end = date(TODAY.year + 2, TODAY.month, TODAY.day)
    assert f'active — ends <time datetime="{warranty_end}">' in shipped
    assert '<ol class="timeline">' in shipped
    assert re.search(r'receipt <a href="/documents/\d+">RCPT-', shipped)
    assert re.search(r'shipment <a href="/documents/\d+">SHIP-', shipped)
    assert "Where it went (forward)" in shipped and "Where it came from (backward)" in shipped
    assert "shipped to" in shipped and "Acme Ltd (ACME)" in shipped
    assert "Print label" in shipped and 'href="/items/DRILL/serials/SN-3/label.pdf"' in shipped
    assert "Block this serial" not in shipped and 'action="/items/DRILL/serials/SN-3/rename"' not in shipped


def test_a_lot_card_shows_quantities_by_location_and_a_package_card_its_contents(sign_in, stock):
    web = sign_in(Role.VIEWER)

    lot_page = web.get(LOT).text
    package_page = web.get("/packages/P-1").text

    assert "WH1: 3" in lot_page and "WH2: 2" in lot_page
    assert f'<time datetime="{TODAY + timedelta(days=90)}">' in lot_page
    assert 'href="/items/KIT/serials/K-1">KIT serial K-1</a>' in package_page


@needs_dot
def test_the_card_embeds_the_trace_picture_whose_nodes_link_to_their_cards(sign_in, stock):
    web = sign_in(Role.VIEWER)

    page = web.get(SERIAL).text
    picture = web.get(SERIAL + "/trace.svg", params={"direction": "backward"})

    assert f'<object type="image/svg+xml" data="{SERIAL}/trace.svg?direction=backward"' in page
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/svg+xml"
    assert '<title id="trace-title">Trace backward: where DRILL serial SN-1 came from</title>' in picture.text
    assert f'xlink:href="{SERIAL}"' in picture.text and 'target="_top"' in picture.text
    assert "this card" in picture.text and "Vendor" in picture.text
    lot_picture = web.get(LOT + "/trace.svg", params={"direction": "forward"}).text
    package_picture = web.get("/packages/P-1/trace.svg").text
    assert f'xlink:href="{LOT}"' in lot_picture
    assert 'xlink:href="/items/KIT/serials/K-1"' in package_picture


def test_without_graphviz_the_card_shows_the_trace_as_an_open_list(sign_in, stock, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    web = sign_in(Role.VIEWER)

    page = web.get(SERIAL).text
    picture = web.get(SERIAL + "/trace.svg")

    assert "<object" not in page
    assert '<details class="trace-list" open>' in page
    assert 'received from</span> <span class="partner">Vendor (VEND)</span>' in page
    assert picture.status_code == 503 and "could not be drawn" in picture.text


def test_the_label_of_a_unit_is_a_pdf_and_an_unknown_unit_has_none(sign_in, stock):
    web = sign_in(Role.VIEWER)

    label = web.get(SERIAL + "/label.pdf")
    unknown = web.get("/items/DRILL/serials/NEVER/label.pdf")

    assert label.status_code == 200 and label.headers["content-type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")
    assert unknown.status_code == 404 and "<code>not_found</code>" in unknown.text


# -- the forms ------------------------------------------------------------------------------------


def test_a_clerk_describes_a_card_and_a_bad_description_is_refused_next_to_the_field(sign_in, stock):
    web = sign_in(Role.CLERK)

    saved = form_post(web, SERIAL, SERIAL + "/description", {"description": "Demo unit, scratched"})
    refused = form_post(web, SERIAL, SERIAL + "/description", {"description": "bad\x00text"})

    assert (saved.status_code, saved.headers["location"]) == (303, SERIAL)
    assert "Demo unit, scratched" in web.get(SERIAL).text
    assert refused.status_code == 422
    assert "<code>validation_error</code>" in errors_of(refused.text, "description")
    assert 'aria-describedby="description-errors"' in refused.text


def test_a_clerk_comments_and_an_empty_comment_is_refused_next_to_the_field(sign_in, stock):
    web = sign_in(Role.CLERK)

    saved = form_post(web, LOT, LOT + "/comments", {"comment": "Checked the seal"})
    refused = form_post(web, LOT, LOT + "/comments", {"comment": ""})

    assert saved.status_code == 303
    card = web.get(LOT).text
    assert '<p class="text">Checked the seal</p>' in card and "carl" in card
    assert refused.status_code == 422
    assert "<code>validation_error</code>" in errors_of(refused.text, "comment")


def test_a_clerk_logs_a_service_and_a_future_date_or_unknown_replacement_is_refused(sign_in, stock):
    web = sign_in(Role.CLERK)
    path = "/items/DRILL/serials/SN-3"
    entry = {"service_kind": "repair", "service_note": "new battery", "service_date": "", "replacement": ""}

    saved = form_post(web, path, path + "/service", entry)
    future = form_post(
        web, path, path + "/service", {**entry, "service_date": str(date.today() + timedelta(days=3))}
    )
    unknown = form_post(
        web, path, path + "/service", {**entry, "service_kind": "replacement", "replacement": "NOPE"}
    )

    assert saved.status_code == 303
    assert "new battery" in web.get(path).text
    assert future.status_code == 422
    assert "<code>validation_error</code>" in errors_of(future.text, "service_date")
    assert unknown.status_code == 422
    assert "never been posted" in errors_of(unknown.text, "replacement")


def test_a_clerk_renames_a_serial_and_both_cards_link_to_each_other(sign_in, stock):
    web = sign_in(Role.CLERK)

    renamed = form_post(web, SERIAL, SERIAL + "/rename", {"new_number": "SN-1B", "new_expiration_date": ""})

    assert (renamed.status_code, renamed.headers["location"]) == (303, "/items/DRILL/serials/SN-1B")
    new = web.get("/items/DRILL/serials/SN-1B").text
    old = web.get(SERIAL).text
    assert "Renamed from" in new and f'<a href="{SERIAL}">DRILL serial SN-1</a>' in new
    assert "Renamed to" in old and 'href="/items/DRILL/serials/SN-1B">DRILL serial SN-1B</a>' in old
    assert "badge-renamed" in old


def test_renaming_to_a_serial_in_stock_is_refused_next_to_the_new_number(sign_in, stock):
    web = sign_in(Role.CLERK)

    refused = form_post(web, SERIAL, SERIAL + "/rename", {"new_number": "SN-2", "new_expiration_date": ""})
    empty = form_post(web, SERIAL, SERIAL + "/rename", {"new_number": "", "new_expiration_date": ""})

    assert refused.status_code == 422
    assert "<code>serial_exists</code>" in errors_of(refused.text, "new_number")
    assert 'value="SN-2"' in refused.text  # what was typed stays in the field
    assert empty.status_code == 422 and "changes nothing" in errors_of(empty.text, "new_number")


def test_a_clerk_re_dates_a_whole_lot_and_a_bad_date_is_refused_next_to_it(sign_in, stock):
    web = sign_in(Role.CLERK)
    new_date = TODAY + timedelta(days=200)

    redated = form_post(web, LOT, LOT + "/rename", {"new_number": "", "new_expiration_date": str(new_date)})
    bad = form_post(web, LOT, LOT + "/rename", {"new_number": "", "new_expiration_date": "31.02.2027"})

    assert (redated.status_code, redated.headers["location"]) == (303, LOT)
    assert f'<time datetime="{new_date}">' in web.get(LOT).text
    assert bad.status_code == 422
    assert "<code>validation_error</code>" in errors_of(bad.text, "new_expiration_date")


@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        ("/description", {"description": "x"}),
        ("/comments", {"comment": "x"}),
        ("/service", {"service_kind": "repair", "service_note": "", "service_date": "", "replacement": ""}),
        ("/rename", {"new_number": "SN-1X", "new_expiration_date": ""}),
    ],
)
def test_a_viewer_may_not_use_the_card_forms(sign_in, stock, suffix, data):
    web = sign_in(Role.VIEWER)

    refused = form_post(web, SERIAL, SERIAL + suffix, data)

    assert refused.status_code == 403 and "needs the clerk role" in refused.text
    card = web.get(SERIAL).text
    assert 'action="/items/DRILL/serials/SN-1/comments"' not in card  # the forms are not offered
    assert "SN-1X" not in card and "Renamed to" not in card


def test_a_clerk_renames_a_package_and_its_contents_follow(sign_in, stock):
    web = sign_in(Role.CLERK)

    renamed = form_post(web, "/packages/P-1", "/packages/P-1/rename", {"new_number": "P-2"})

    assert (renamed.status_code, renamed.headers["location"]) == (303, "/packages/P-2")
    new = web.get("/packages/P-2").text
    assert 'href="/items/KIT/serials/K-1">KIT serial K-1</a>' in new
    assert "Renamed from" in new
    assert 'name="new_expiration_date"' not in new  # a package has no date of its own
