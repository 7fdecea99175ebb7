"""The documents pages over TestClient: list, new document with scans, post, refusals placed on
their line, cancel, undo, return, labels, and who may do what."""

from __future__ import annotations

import re
from typing import Any

import pytest

from itemtrace.domain.documents import DocumentType, Status
from itemtrace.domain.tracking import Dimension
from itemtrace.domain.users import Role
from itemtrace.services import documents, info_cards, masterdata
from tests.conftest import TODAY
from tests.web.conftest import csrf_of
from tests.world import document_rows, given_world, ledger_rows, receive, ship, sn

GTIN = "09506000134352"


@pytest.fixture
def world(uow):
    given_world(uow)
    masterdata.update_item(uow, "DRILL", {"gtin": GTIN})


def editor(web, type: str = "receipt") -> dict[str, Any]:
    """The fields of a new document's editor, as a browser would send them back."""
    page = web.get("/documents/new", params={"type": type})
    assert page.status_code == 200, page.text
    return {"csrf_token": csrf_of(page.text), "type": type}


def step(web, form: dict[str, Any], action: str = "update", **fields: Any):
    return web.post("/documents/new", data={**form, **fields, "action": action})


def fields_of(html: str) -> dict[str, str]:
    """Every named input of the editor with its value (what the next step sends back)."""
    found = dict(
        re.findall(
            r'<input[^>]*?name="(lines-[^"]+|partner|reference|posting_date)"[^>]*?value="([^"]*)"', html
        )
    )
    return {k: v for k, v in found.items() if not k.endswith("-scan")}


def scanned(web, form, *scans: str, **header: str):
    """Scan each code into the first line the way Enter in its scan box does; the last page."""
    page = None
    values = {**form, **header}
    for code in scans:
        page = step(web, values, **{"lines-0-scan": code})
        assert page.status_code == 200, page.text
        values = {**form, **header, **fields_of(page.text)}
    assert page is not None
    return page, values


def test_scans_add_tracking_lines_and_the_receipt_posts(sign_in, world, uow):
    web = sign_in(Role.CLERK)
    form = editor(web)
    page, values = scanned(
        web,
        form,
        f"]d201{GTIN}21S-1",
        "S-2",
        f"(01){GTIN}(21)S-3",
        **{"partner": "VEND", "lines-0-to": "WH1"},
    )

    assert page.text.count('class="tracking-line') == 3
    assert values["lines-0-item"] == "DRILL" and values["lines-0-quantity"] == "3"
    assert re.search(r"undefined <strong[^>]*>0<", page.text)

    posted = step(web, values, "post")
    assert posted.status_code == 303
    detail = web.get(posted.headers["location"])
    assert "posted" in detail.text and 'href="/items/DRILL/serials/S-2"' in detail.text
    card = info_cards.card(uow, Dimension.SERIAL, "DRILL", "S-3", today=TODAY)
    assert card.location == "WH1"


def test_a_plain_lot_scan_takes_the_rest_of_the_quantity(sign_in, world):
    web = sign_in(Role.CLERK)
    header = {"partner": "VEND", "lines-0-item": "GLUE", "lines-0-quantity": "4", "lines-0-to": "WH1"}

    _page, values = scanned(web, editor(web), "L-9", **header)

    assert values["lines-0-t-0-lot"] == "L-9" and values["lines-0-t-0-quantity"] == "4"


def test_a_gs1_lot_scan_names_the_item_and_carries_its_expiry(sign_in, world, uow):
    masterdata.update_item(uow, "GLUE", {"gtin": "09506000134376"})
    web = sign_in(Role.CLERK)

    _page, values = scanned(web, editor(web), "(01)09506000134376(17)271231(10)L-7", **{"lines-0-to": "WH1"})

    assert values["lines-0-item"] == "GLUE"
    assert (values["lines-0-t-0-lot"], values["lines-0-t-0-expiry"]) == ("L-7", "2027-12-31")


def test_a_scan_of_another_item_is_refused_next_to_the_scan_box(sign_in, world):
    web = sign_in(Role.CLERK)
    page = step(web, editor(web), **{"lines-0-item": "SAW", "lines-0-scan": f"(01){GTIN}(21)S-1"})

    assert page.status_code == 422
    assert 'id="lines-0-scan-errors"' in page.text and "this barcode is item DRILL" in page.text


def test_htmx_gets_only_the_editor(sign_in, world):
    web = sign_in(Role.CLERK)
    page = web.post(
        "/documents/new",
        data={**editor(web), "lines-0-item": "DRILL", "lines-0-scan": "S-1"},
        headers={"HX-Request": "true", "X-CSRF-Token": editor(web)["csrf_token"]},
    )

    assert page.status_code == 200
    assert page.text.lstrip().startswith('<form id="editor"')
    assert "<html" not in page.text and 'class="tracking-line' in page.text


def test_assign_from_series_fills_the_numbers_when_saved(sign_in, world, uow):
    web = sign_in(Role.CLERK)
    form = {
        **editor(web),
        "partner": "VEND",
        "lines-0-item": "DRILL",
        "lines-0-quantity": "2",
        "lines-0-to": "WH1",
    }
    page = step(web, form, "assign:0:serial")
    assert 'name="lines-0-assign" value="serial"' in page.text

    saved = step(web, {**form, "lines-0-assign": "serial"}, "save")
    assert saved.status_code == 303
    draft = documents.get(uow, int(saved.headers["location"].rsplit("/", 1)[1]))
    assert draft.status is Status.DRAFT
    assert [t.serial for t in draft.lines[0].tracking] == [f"SN-{TODAY:%y}-00001", f"SN-{TODAY:%y}-00002"]
    detail = web.get(saved.headers["location"])
    assert f"SN-{TODAY:%y}-00002" in detail.text and ">Post</button>" in detail.text


def test_posting_errors_stand_on_their_line_and_number_and_nothing_is_written(sign_in, world, uow):
    receive(uow, "DRILL", *sn("S-1", "S-2"))
    info_cards.update(uow, Dimension.SERIAL, "DRILL", "S-2", blocked=True, today=TODAY)
    web = sign_in(Role.CLERK)
    before = (document_rows(uow), ledger_rows(uow))
    form = {
        **editor(web, "shipment"),
        "partner": "ACME",
        "lines-0-item": "BOLT",
        "lines-0-quantity": "1",
        "lines-0-from": "WH1",
        "lines-1-item": "DRILL",
        "lines-1-quantity": "1",
        "lines-1-from": "WH1",
        "lines-1-t-0-serial": "S-2",
    }

    refused = step(web, form, "post")

    assert refused.status_code == 422
    assert (document_rows(uow), ledger_rows(uow)) == before
    line2 = refused.text[refused.text.index('id="line-2"') :]
    row = line2[line2.index('class="tracking-line has-error"') :]
    assert "tracking_blocked" in row[: row.index("</tr>")]
    line1 = refused.text[refused.text.index('id="line-1"') : refused.text.index('id="line-2"')]
    assert "insufficient" in line1 or "stock" in line1
    assert "tracking_blocked" not in line1


def test_cancel_a_draft(sign_in, world, uow):
    web = sign_in(Role.CLERK)
    form = {
        **editor(web),
        "partner": "VEND",
        "lines-0-item": "BOLT",
        "lines-0-quantity": "5",
        "lines-0-to": "WH1",
    }
    url = step(web, form, "save").headers["location"]
    page = web.get(url)

    done = web.post(url + "/cancel", data={"csrf_token": csrf_of(page.text)})

    assert done.status_code == 303
    assert documents.get(uow, int(url.rsplit("/", 1)[1])).status is Status.CANCELLED
    assert ">Post</button>" not in web.get(url).text


def test_post_a_saved_draft_and_undo_it(sign_in, world, uow):
    web = sign_in(Role.CLERK)
    form = {
        **editor(web),
        "partner": "VEND",
        "lines-0-item": "BOLT",
        "lines-0-quantity": "5",
        "lines-0-to": "WH1",
    }
    url = step(web, form, "save").headers["location"]
    token = csrf_of(web.get(url).text)

    assert web.post(url + "/post", data={"csrf_token": token}).headers["location"] == url
    undone = web.post(url + "/undo", data={"csrf_token": token})
    reversal = web.get(undone.headers["location"])
    original = web.get(url)

    assert undone.status_code == 303 and undone.headers["location"] != url
    assert "Reverses" in reversal.text and "Reversed by" in original.text
    assert ">Undo</button>" not in original.text


def test_undo_refused_says_not_reversible(sign_in, world, uow):
    first = receive(uow, "DRILL", *sn("S-1"))
    ship(uow, "DRILL", *sn("S-1"))
    web = sign_in(Role.CLERK)
    token = csrf_of(web.get(f"/documents/{first.id}").text)

    refused = web.post(f"/documents/{first.id}/undo", data={"csrf_token": token})

    assert refused.status_code in (409, 422)
    assert "not_reversible" in refused.text and 'role="alert"' in refused.text


def test_return_builds_a_return_receipt_draft(sign_in, world, uow):
    receive(uow, "DRILL", *sn("S-1"))
    shipment = ship(uow, "DRILL", *sn("S-1"))
    web = sign_in(Role.CLERK)
    token = csrf_of(web.get(f"/documents/{shipment.id}").text)

    answer = web.post(f"/documents/{shipment.id}/return", data={"csrf_token": token})

    draft = documents.get(uow, int(answer.headers["location"].rsplit("/", 1)[1]))
    assert draft.type is DocumentType.RETURN_RECEIPT and draft.status is Status.DRAFT
    assert draft.lines[0].tracking[0].serial == "S-1"


def test_print_labels_is_a_pdf_with_a_page_per_number(sign_in, world, uow):
    receipt = receive(uow, "DRILL", *sn("S-1", "S-2", "S-3"))
    web = sign_in(Role.VIEWER)

    page = web.get(f"/documents/{receipt.id}")
    pdf = web.get(f"/documents/{receipt.id}/labels.pdf")

    assert f'href="/documents/{receipt.id}/labels.pdf"' in page.text
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.content)) == 3  # one 50x25 mm page per serial


def test_the_list_filters_pages_and_finds_a_number(sign_in, world, uow):
    receipts = [receive(uow, "BOLT", quantity=1) for _ in range(3)]
    web = sign_in(Role.VIEWER)

    listed = web.get("/documents", params={"type": "receipt"})
    found = web.get("/documents", params={"number": receipts[1].number})
    missing = web.get("/documents", params={"number": "RCPT-999999"})

    assert all(r.number in listed.text for r in receipts)
    assert receipts[1].number in found.text and receipts[0].number not in found.text
    assert missing.status_code == 404 and 'id="number-errors"' in missing.text
    assert "No document matches" in web.get("/documents", params={"type": "scrap"}).text


def test_the_list_pages_with_a_cursor(sign_in, world, uow, monkeypatch):
    from itemtrace.web.routes import documents as route

    monkeypatch.setattr(route, "PAGE", 2)
    receipts = [receive(uow, "BOLT", quantity=1) for _ in range(3)]
    web = sign_in(Role.VIEWER)

    first = web.get("/documents")
    after = re.search(r'href="(/documents\?cursor=\d+)" rel="next"', first.text)
    assert after is not None
    second = web.get(after.group(1).replace("&amp;", "&"))

    assert receipts[2].number in first.text and receipts[0].number not in first.text
    assert receipts[0].number in second.text and 'rel="next"' not in second.text


def test_count_this_location_is_prefilled(sign_in, world):
    page = sign_in(Role.CLERK).get("/documents/new", params={"type": "count", "location": "WH2"})

    assert 'name="lines-0-to" type="text" value="WH2"' in page.text
    assert '<option value="location" selected>' in page.text


@pytest.mark.parametrize("type", [t.value for t in DocumentType])
def test_every_type_has_an_editor(sign_in, world, type):
    assert sign_in(Role.CLERK).get("/documents/new", params={"type": type}).status_code == 200


def test_viewers_see_documents_but_change_nothing(sign_in, world, uow):
    receipt = receive(uow, "DRILL", *sn("S-1"))
    web = sign_in(Role.VIEWER)
    page = web.get(f"/documents/{receipt.id}")
    token = csrf_of(page.text)

    assert page.status_code == 200 and ">Undo</button>" not in page.text
    assert web.get("/documents/new", params={"type": "receipt"}).status_code == 403
    assert web.post(f"/documents/{receipt.id}/undo", data={"csrf_token": token}).status_code == 403
    assert web.post("/documents/new", data={"csrf_token": token, "type": "receipt"}).status_code == 403
    assert documents.get(uow, receipt.id).links.reversed_by is None


def test_nobody_signed_in_is_sent_to_sign_in(web, world):
    assert web.get("/documents").headers["location"].startswith("/login")


def test_an_in_transit_transfer_is_received_from_its_page(sign_in, world, uow):
    receive(uow, "DRILL", *sn("S-1"))
    web = sign_in(Role.CLERK)
    form = {
        **editor(web, "transfer"),
        "in_transit": "on",
        "lines-0-item": "DRILL",
        "lines-0-quantity": "1",
        "lines-0-from": "WH1",
        "lines-0-to": "WH2",
        "lines-0-t-0-serial": "S-1",
    }
    url = step(web, form, "post").headers["location"]
    page = web.get(url)
    assert "in transit" in page.text and ">Receive</button>" in page.text

    received = web.post(url + "/receive", data={"csrf_token": csrf_of(page.text)})

    assert received.headers["location"] == url
    assert info_cards.card(uow, Dimension.SERIAL, "DRILL", "S-1", today=TODAY).location == "WH2"
    assert ">Receive</button>" not in web.get(url).text


@pytest.mark.parametrize("quantity", ["lots", "1e40", "NaN"])
def test_a_quantity_that_is_no_number_is_refused_next_to_it(sign_in, world, uow, quantity):
    web = sign_in(Role.CLERK)
    before = document_rows(uow)
    form = {**editor(web), "partner": "VEND", "lines-0-item": "BOLT", "lines-0-to": "WH1"}

    refused = step(web, {**form, "lines-0-quantity": quantity}, "post")

    assert refused.status_code == 422 and 'id="lines-0-quantity-errors"' in refused.text
    assert document_rows(uow) == before
