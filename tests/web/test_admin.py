"""Administration pages over TestClient: items, tracking codes, locations, partners, number series.

Each noun: created and edited through its forms, a refused input shown next to its field with its
code (the same words the API answers), and only admins reach it. Users: tests/web/test_admin_users.py.
"""

from __future__ import annotations

import html
import re

import pytest

from itemtrace.domain.masterdata import Partner, PartnerKind
from itemtrace.domain.users import Role
from itemtrace.services import masterdata, users
from tests.conftest import now
from tests.web.conftest import csrf_of
from tests.world import given_world, receive, sn

GOOD_GTIN = "4006381333931"
BAD_GTIN = "4006381333932"  # the check digit of 400638133393 is 1


@pytest.fixture
def world(uow):
    given_world(uow)


@pytest.fixture
def admin(sign_in, world):
    return sign_in(Role.ADMIN)


@pytest.fixture
def api_token(uow) -> str:
    """The bearer token of another admin, to ask the API the same thing."""
    return users.add_user(uow, "api-admin", Role.ADMIN, now=now())


def submit(web, form_page: str, data: dict[str, str], action: str | None = None):
    """Fill in the form at `form_page` (its CSRF token included) and post it to `action`."""
    token = csrf_of(web.get(form_page).text)
    return web.post(action or form_page.removesuffix("/new"), data={**data, "csrf_token": token})


def field_error(page: str, field: str) -> tuple[str, str]:
    """The code and message shown next to `field` (its `…-errors` list)."""
    found = re.search(
        rf'<ul class="field-errors" id="{re.escape(field)}-errors">\s*<li><code>([a-z_]+)</code> (.*?)</li>',
        page,
        re.S,
    )
    assert found is not None, f"no message next to {field}"
    # and the control itself points at it, for screen readers
    assert re.search(rf'id="{re.escape(field)}"[^>]*aria-describedby="[^"]*{re.escape(field)}-errors', page)
    return found.group(1), html.unescape(found.group(2))


def api_detail(web, token: str, method: str, path: str, body: dict) -> tuple[int, str, str]:
    answer = web.request(method, f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"})
    problem = answer.json()
    return answer.status_code, problem["code"], problem["detail"]


# -- roles --------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.VIEWER, Role.CLERK])
@pytest.mark.parametrize(
    "path", ["/admin", "/admin/items", "/admin/locations/new", "/admin/users", "/admin/users/ada"]
)
def test_only_admins_reach_the_administration(sign_in, world, role, path):
    web = sign_in(role)

    page = web.get(path)

    assert page.status_code == 403
    assert "<code>forbidden</code>" in page.text and "needs the admin role" in page.text


@pytest.mark.parametrize("path", ["/admin/items", "/admin/tracking-codes", "/admin/partners", "/admin/users"])
def test_a_clerk_cannot_create_by_posting_to_an_admin_form(sign_in, world, uow, path):
    web = sign_in(Role.CLERK)
    token = csrf_of(web.get("/").text)

    refused = web.post(path, data={"csrf_token": token, "sku": "X1", "code": "X1", "name": "X1"})

    assert refused.status_code == 403
    assert [p.item.sku for p in masterdata.list_items(uow) if p.item.sku == "X1"] == []


def test_the_nav_shows_administration_to_admins_only(sign_in, world):
    web = sign_in(Role.CLERK)
    clerk_page = web.get("/").text
    web.post("/logout", data={"csrf_token": csrf_of(clerk_page)})
    admin_page = sign_in(Role.ADMIN).get("/").text

    assert 'href="/admin"' not in clerk_page
    assert '<a href="/admin">Administration</a>' in admin_page


def test_nobody_signed_in_is_sent_to_sign_in(web):
    assert web.get("/admin/items").headers["location"] == "/login?next=/admin/items"


# -- items -------------------------------------------------------------------------------------
def test_an_admin_creates_an_item_with_gtin_tracking_code_series_and_shelf_life(admin, uow):
    form = admin.get("/admin/items/new").text
    created = submit(
        admin,
        "/admin/items/new",
        {
            "sku": "CHEESE",
            "name": "Cheddar",
            "unit": "kg",
            "gtin": GOOD_GTIN,
            "tracking_code": "LOT",
            "lot_series": "LOTS",
            "shelf_life": "CM+1D",
        },
    )

    assert '<option value="LOT">LOT</option>' in form and '<option value="LOTS">LOTS</option>' in form
    assert (created.status_code, created.headers["location"]) == (303, "/admin/items/CHEESE?saved=true")
    item = masterdata.get_item(uow, "CHEESE").item
    assert (item.gtin, item.tracking_code, item.lot_series, item.shelf_life, item.unit) == (
        GOOD_GTIN,
        "LOT",
        "LOTS",
        "CM+1D",
        "kg",
    )
    shown = admin.get(created.headers["location"]).text
    assert "Saved." in shown and f'value="{GOOD_GTIN}"' in shown
    assert '<option value="LOT" selected>' in shown
    assert 'href="/admin/items/CHEESE"' in admin.get("/admin/items").text


def test_an_admin_edits_an_item_and_clears_its_series(admin, uow):
    saved = submit(
        admin,
        "/admin/items/DRILL",
        {"name": "Hammer drill", "unit": "pcs", "tracking_code": "SN", "serial_series": ""},
    )

    assert saved.status_code == 303
    item = masterdata.get_item(uow, "DRILL").item
    assert (item.name, item.serial_series, item.tracking_code) == ("Hammer drill", None, "SN")


def test_a_gtin_with_a_wrong_check_digit_is_shown_by_the_gtin_field_as_the_api_says_it(admin, api_token, uow):
    refused = submit(
        admin, "/admin/items/new", {"sku": "CHEESE", "name": "Cheddar", "unit": "kg", "gtin": BAD_GTIN}
    )

    code, detail = field_error(refused.text, "gtin")
    assert refused.status_code == 422
    assert code == "validation_error" and "wrong check digit: expected 1, got 2" in detail
    assert api_detail(
        admin, api_token, "POST", "/items", {"sku": "CHEESE", "name": "Cheddar", "gtin": BAD_GTIN}
    ) == (
        422,
        code,
        detail,
    )
    assert 'value="Cheddar"' in refused.text  # what was typed stays
    assert [p for p in masterdata.list_items(uow) if p.item.sku == "CHEESE"] == []


def test_a_tracking_code_change_on_an_item_with_entries_is_refused_by_its_field(admin, uow):
    receive(uow, "DRILL", *sn("SN-1"))

    refused = submit(
        admin, "/admin/items/DRILL", {"name": "Cordless drill", "unit": "pcs", "tracking_code": "SNG"}
    )

    assert refused.status_code == 409
    assert field_error(refused.text, "tracking_code")[0] == "item_has_entries"


def test_an_unknown_shelf_life_formula_and_an_empty_name_are_each_by_their_field(admin):
    refused = submit(admin, "/admin/items/new", {"sku": "X", "name": "", "unit": "pcs"})
    formula = submit(admin, "/admin/items/new", {"sku": "X", "name": "X", "unit": "pcs", "shelf_life": "12X"})

    assert field_error(refused.text, "name")[0] == "validation_error"
    assert field_error(formula.text, "shelf_life")[0] == "validation_error"
    assert "12X" in field_error(formula.text, "shelf_life")[1]


def test_a_duplicate_sku_is_already_exists_by_the_sku(admin):
    refused = submit(admin, "/admin/items/new", {"sku": "DRILL", "name": "Again", "unit": "pcs"})

    assert refused.status_code == 409
    assert field_error(refused.text, "sku") == (
        "already_exists",
        "item DRILL already exists: pick another code",
    )


# -- tracking codes ----------------------------------------------------------------------------
def test_an_admin_creates_and_edits_a_tracking_code(admin, uow):
    created = submit(
        admin,
        "/admin/tracking-codes/new",
        {
            "code": "SNW",
            "description": "Serials, warranty",
            "serial_specific": "true",
            "warranty_formula": "1Y",
        },
    )
    edited = submit(
        admin,
        "/admin/tracking-codes/SNW",
        {
            "description": "Serials, 2 years",
            "serial_specific": "true",
            "serial_unique": "item",
            "warranty_formula": "2Y",
            "require_warranty_date": "true",
        },
    )

    assert created.status_code == 303 and edited.status_code == 303
    code = masterdata.get_tracking_code(uow, "SNW")
    assert code.serial.specific and not code.lot.tracked
    assert (code.description, code.warranty_formula, code.require_warranty_date) == (
        "Serials, 2 years",
        "2Y",
        True,
    )
    assert "Serials, 2 years" in admin.get("/admin/tracking-codes").text


def test_a_bad_warranty_formula_is_shown_by_its_field(admin):
    refused = submit(admin, "/admin/tracking-codes/new", {"code": "BAD", "warranty_formula": "2 years"})

    assert refused.status_code == 422
    code, detail = field_error(refused.text, "warranty_formula")
    assert code == "validation_error" and detail.startswith("date formula '2 years'")


def test_the_policy_of_a_code_in_use_cannot_change(admin, uow):
    receive(uow, "DRILL", *sn("SN-1"))

    refused = submit(admin, "/admin/tracking-codes/SN", {"lot_specific": "true", "serial_specific": "true"})

    assert refused.status_code == 409
    assert "<code>item_has_entries</code>" in refused.text
    assert not masterdata.get_tracking_code(uow, "SN").lot.tracked


# -- locations ---------------------------------------------------------------------------------
def test_an_admin_creates_a_bin_under_a_warehouse_and_the_list_shows_the_tree(admin, uow):
    form = admin.get("/admin/locations/new").text
    created = submit(admin, "/admin/locations/new", {"code": "WH1-A1", "name": "Aisle 1", "parent": "WH1"})

    assert '<option value="WH1">WH1 Main warehouse</option>' in form
    assert "SUPPLIER" not in form.split('id="parent"')[1].split("</select>")[0]  # internal ones only
    assert created.status_code == 303
    assert masterdata.get_location(uow, "WH1-A1").parent == "WH1"
    listing = admin.get("/admin/locations").text
    order = re.findall(r'href="/admin/locations/([^"]+)"', listing)
    assert order.index("WH1-A1") == order.index("WH1") + 1
    assert re.search(r'class="key depth"[^>]*>.*?WH1-A1', listing)


def test_a_parent_for_a_virtual_location_is_refused_by_the_parent(admin):
    refused = submit(
        admin, "/admin/locations/new", {"code": "V2", "name": "Vendor 2", "kind": "supplier", "parent": "WH1"}
    )

    assert refused.status_code == 422
    assert field_error(refused.text, "parent") == (
        "validation_error",
        "only internal locations (warehouses, bins) have a parent",
    )


def test_an_admin_closes_and_reopens_a_location(admin, uow):
    closed = submit(admin, "/admin/locations/WH2", {"name": "Second warehouse", "closed": "true"})
    listing = admin.get("/admin/locations").text
    reopened = submit(admin, "/admin/locations/WH2", {"name": "Second warehouse"})

    assert closed.status_code == 303
    assert re.search(r"WH2</a></td>.*?<td>closed</td>", listing, re.S)
    assert reopened.status_code == 303 and not masterdata.get_location(uow, "WH2").closed


def test_a_virtual_location_cannot_be_closed(admin):
    refused = submit(admin, "/admin/locations/SCRAP", {"name": "Scrap", "closed": "true"})

    assert refused.status_code == 422
    assert field_error(refused.text, "closed")[0] == "validation_error"


# -- partners ----------------------------------------------------------------------------------
def test_an_admin_creates_and_renames_a_partner(admin, uow):
    created = submit(admin, "/admin/partners/new", {"code": "GAMMA", "name": "Gamma", "kind": "customer"})
    renamed = submit(admin, "/admin/partners/GAMMA", {"name": "Gamma plc"})

    assert created.status_code == 303 and renamed.status_code == 303
    partner = masterdata.get_partner(uow, "GAMMA")
    assert (partner.name, partner.kind.value) == ("Gamma plc", "customer")


def test_a_duplicate_partner_and_an_unknown_kind_are_by_their_fields(admin):
    duplicate = submit(admin, "/admin/partners/new", {"code": "ACME", "name": "Acme", "kind": "customer"})
    kind = submit(admin, "/admin/partners/new", {"code": "NEW", "name": "New", "kind": "friend"})

    assert (duplicate.status_code, field_error(duplicate.text, "code")[0]) == (409, "already_exists")
    assert (kind.status_code, field_error(kind.text, "kind")[0]) == (422, "validation_error")


# -- number series -----------------------------------------------------------------------------
def test_an_admin_creates_a_series_and_moves_its_counter_forward(admin, uow):
    created = submit(
        admin,
        "/admin/number-series/new",
        {"code": "PKG", "pattern": "P-{seq:4}", "start": "1", "increment": "1"},
    )
    moved = submit(
        admin,
        "/admin/number-series/PKG",
        {"pattern": "P-{seq:4}", "start": "1", "increment": "1", "next_value": "50"},
    )

    assert created.status_code == 303 and moved.status_code == 303
    assert masterdata.next_numbers(uow, "PKG", 1, today=now().date()) == ["P-0050"]


def test_a_bad_pattern_and_a_counter_going_back_are_by_their_fields(admin, uow, api_token):
    masterdata.next_numbers(uow, "SER", 3, today=now().date())
    pattern = submit(
        admin,
        "/admin/number-series/new",
        {"code": "BAD", "pattern": "no counter", "start": "1", "increment": "1"},
    )
    back = submit(
        admin,
        "/admin/number-series/SER",
        {"pattern": "SN-{YY}-{seq:5}", "start": "1", "increment": "1", "next_value": "2"},
    )

    code, detail = field_error(pattern.text, "pattern")
    assert (pattern.status_code, code) == (422, "validation_error")
    assert api_detail(
        admin, api_token, "POST", "/number-series", {"code": "BAD", "pattern": "no counter"}
    ) == (
        422,
        code,
        detail,
    )
    assert (back.status_code, field_error(back.text, "next_value")[0]) == (422, "validation_error")
    assert "give 4 or more" in field_error(back.text, "next_value")[1]


def test_an_unknown_key_is_the_not_found_page(admin):
    page = admin.get("/admin/items/NEVER")

    assert page.status_code == 404 and "<code>not_found</code>" in page.text


def test_a_long_list_is_paged_by_key(admin, uow):
    for n in range(98):  # with the world's three: 101 partners
        masterdata.create_partner(uow, Partner(f"P{n:03}", f"Partner {n}", PartnerKind.VENDOR))

    first = admin.get("/admin/partners").text
    following = re.search(r'<a href="\?after=([^"]+)" rel="next">', first)
    rest = admin.get(f"/admin/partners?after={following.group(1)}").text if following else ""

    assert first.count('href="/admin/partners/') - first.count('href="/admin/partners/new"') == 100
    assert following is not None and following.group(1) == "P097"
    assert [k for k in re.findall(r'href="/admin/partners/(\w+)"', rest) if k != "new"] == ["VEND"]
