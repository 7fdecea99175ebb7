"""The administration pages in a real browser: an admin creates an item and a location through
the forms, a clerk is refused, and every administration page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from itemtrace.domain.users import Role
from itemtrace.services import masterdata
from tests.browser.axe import assert_accessible


@pytest.fixture
def admin(page_as):
    return page_as(Role.ADMIN)


def test_an_admin_creates_an_item_through_the_form(admin, live, unique):
    sku = f"CHEESE-{unique}"
    admin.goto("/")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    admin.get_by_role("link", name="new item").click()

    admin.get_by_label("SKU").fill(sku)
    admin.get_by_label("Name", exact=True).fill("Cheddar")
    admin.get_by_label("Unit").fill("kg")
    admin.get_by_label("GTIN").fill("4006381333932")  # a wrong check digit first
    admin.get_by_label("Tracking code").select_option("LOT")
    admin.get_by_label("Lot number series").select_option("LOTS")
    admin.get_by_label("Shelf life").fill("12M")
    admin.get_by_role("button", name="Create item").click()

    expect(admin.locator("#gtin-errors")).to_contain_text("validation_error")
    expect(admin.locator("#gtin-errors")).to_contain_text("wrong check digit")
    expect(admin.get_by_label("GTIN")).to_have_attribute("aria-invalid", "true")
    expect(admin.get_by_label("Tracking code")).to_have_value("LOT")  # what was chosen stays
    assert_accessible(admin)

    admin.get_by_label("GTIN").fill("4006381333931")
    admin.get_by_role("button", name="Create item").click()

    expect(admin).to_have_url(re.compile(f"/admin/items/{sku}\\?saved=true$"))
    expect(admin.get_by_role("status")).to_have_text("Saved.")
    item = masterdata.get_item(live.uow(), sku).item
    assert (item.gtin, item.tracking_code, item.lot_series, item.shelf_life) == (
        "4006381333931",
        "LOT",
        "LOTS",
        "12M",
    )
    assert_accessible(admin)


def test_an_admin_creates_a_bin_under_a_warehouse_and_sees_it_in_the_tree(admin, live, unique):
    code = f"A{unique}"
    admin.goto("/admin/locations/new")

    admin.get_by_label("Code", exact=True).fill(code)
    admin.get_by_label("Name", exact=True).fill("Aisle")
    admin.get_by_label("Parent").select_option("WH1")
    admin.get_by_role("button", name="Create location").click()

    expect(admin.get_by_role("status")).to_have_text("Saved.")
    assert masterdata.get_location(live.uow(), code).parent == "WH1"
    admin.goto("/admin/locations")
    row = admin.get_by_role("row").filter(has=admin.get_by_role("link", name=code, exact=True))
    expect(row).to_contain_text("WH1")
    assert_accessible(admin)


def test_a_clerk_gets_the_403_page_and_no_administration_link(page):
    page.goto("/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration")
    ).to_have_count(0)

    answer = page.goto("/admin")

    assert answer is not None and answer.status == 403
    expect(page.get_by_role("alert")).to_contain_text("needs the admin role")
    assert_accessible(page)


PAGES = [
    "/admin",
    "/admin/items",
    "/admin/items/new",
    "/admin/items/DRILL",
    "/admin/tracking-codes",
    "/admin/tracking-codes/new",
    "/admin/tracking-codes/SN",
    "/admin/locations",
    "/admin/locations/new",
    "/admin/locations/WH1",
    "/admin/partners",
    "/admin/partners/new",
    "/admin/partners/ACME",
    "/admin/number-series",
    "/admin/number-series/new",
    "/admin/number-series/SER",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/vera",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_administration_page_passes_axe(admin, path):
    answer = admin.goto(path)

    assert answer is not None and answer.status == 200
    expect(admin.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(admin)


def test_refused_forms_and_a_new_token_pass_axe(admin):
    admin.goto("/admin/tracking-codes/new")
    admin.get_by_label("Code", exact=True).fill("")
    admin.get_by_label("Warranty date formula").fill("2 years")
    admin.get_by_role("button", name="Create tracking code").click()
    expect(admin.locator("#code-errors")).to_contain_text("validation_error")
    assert_accessible(admin)

    admin.goto("/admin/users/ada")
    admin.get_by_role("button", name="Disable ada").click()
    expect(admin.locator("#active-errors")).to_contain_text("last active admin")
    assert_accessible(admin)

    admin.goto("/admin/users/vera")
    admin.get_by_role("button", name="Give vera a new token").click()
    expect(admin.locator("#token-value")).to_contain_text("itk_")
    assert_accessible(admin)
