"""Scanning through the API: GS1 element strings in every form a scanner sends, Digital Link URIs,
plain numbers, SSCC package numbers, and the refusals of malformed data and wrong check digits.

The numbers are GS1's published examples: GTIN 09506000134352 (GS1 Digital Link standard),
GTIN 09521234543213 (the GS1 General Specifications' demo prefix 952), SSCC 376104250021234569.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from itemtrace.api.app import create_app
from itemtrace.config import Settings
from tests.api.conftest import Api, receipt, serials_in

GTIN = "09506000134352"
GS = "\x1d"


@pytest.fixture
def gs1_world(world, as_admin) -> Api:
    """DRILL has GTIN 9506000134352 (stored as given, 13 digits); MILK has 09521234543213."""
    as_admin.patch("/items/DRILL", {"gtin": "9506000134352"})
    as_admin.patch("/items/MILK", {"gtin": "09521234543213"})
    return as_admin


def test_a_receiving_clerk_scanning_a_new_box_learns_the_item_and_that_the_serial_is_new(
    gs1_world, as_viewer
):
    answer = as_viewer.ok("/scan", {"data": f"]d201{GTIN}21SN-1{GS}17261231"})

    assert (answer["format"], answer["symbology"], answer["gtin"], answer["serial"]) == (
        "gs1",
        "]d2",
        GTIN,
        "SN-1",
    )
    assert answer["expiration_date"] == "2026-12-31"
    assert answer["item"] == {"sku": "DRILL", "name": "Drill", "gtin": "9506000134352"}
    assert answer["known"] is False
    assert answer["card"] is None
    assert "serial SN-1 of DRILL is new" in answer["message"]


@pytest.mark.parametrize(
    "data",
    [
        f"]C101{GTIN}21S1",  # GS1-128 with its symbology identifier
        f"01{GTIN}21S1",  # the same without one
        f"(01){GTIN}(21)S1",  # the human-readable form under the barcode
        f"]Q3https://id.gs1.org/01/{GTIN}/21/S1",  # a GS1 Digital Link QR code
        f"https://example.com/shop/01/{GTIN}/21/S1?17=270101",  # on the brand's own domain
    ],
)
def test_a_received_serial_scans_to_its_card_in_every_form(gs1_world, as_clerk, as_viewer, data):
    as_clerk.ok("/documents?post=true", receipt(serials_in("S1")))

    answer = as_viewer.ok("/scan", {"data": data})

    assert answer["known"] is True
    assert answer["item"]["sku"] == "DRILL"
    assert answer["card_kind"] == "serial"
    assert (answer["card"]["serial"], answer["card"]["location"], answer["card"]["status"]) == (
        "S1",
        "WH1",
        "available",
    )


def test_a_lot_scans_to_the_lot_card_with_its_quantities(gs1_world, as_clerk, as_viewer):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "MILK",
                "quantity": 12,
                "to_location": "WH1",
                "tracking": [{"lot": "L7", "quantity": 12, "expiration_date": "2030-01-31"}],
            }
        ),
    )

    answer = as_viewer.ok("/scan", {"data": "]C10109521234543213173001311" + "0L7"})

    assert (answer["lot"], answer["expiration_date"], answer["card_kind"]) == ("L7", "2030-01-31", "lot")
    assert answer["card"]["on_hand"] == 12
    assert [e["ai"] for e in answer["elements"]] == ["01", "17", "10"]


def test_a_gtin_alone_names_the_item_and_an_unknown_gtin_says_how_to_set_it(gs1_world, as_viewer):
    known = as_viewer.ok("/scan", {"data": "9506000134352"})  # an EAN-13 scan
    unknown = as_viewer.ok("/scan", {"data": "(01)09521234543220"})

    assert (known["known"], known["item"]["sku"], known["gtin"]) == (True, "DRILL", GTIN)
    assert (unknown["known"], unknown["item"]) == (False, None)
    assert "no item has GTIN 09521234543220" in unknown["message"]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("]C10109506000134353", "check digit"),  # GTIN check digit 2, scanned 3
        ("(01)09506000134353(21)S1", "check digit"),
        ("]C100376104250021234568", "check digit"),  # SSCC check digit 9, scanned 8
        ("(17)261331", "17"),  # month 13
        ("]d201095060001343", "01"),  # a truncated GTIN
        ("(99)", "GS1"),
        ("]E04006381333932", "check digit"),  # an EAN-13 with a wrong check digit
        ("0109506000134353", "check digit"),  # no identifier, but GS1 digits with a wrong check digit
        ("https://example.com/about-us", "Digital Link"),  # a web address, not a GS1 Digital Link
    ],
)
def test_malformed_gs1_data_and_wrong_check_digits_are_bad_barcodes(gs1_world, as_viewer, data, says):
    response = as_viewer.post("/scan", {"data": data})

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "bad_barcode"
    assert says in problem["detail"]


def test_a_plain_number_is_looked_up_as_serial_lot_or_package_of_any_item(gs1_world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("X-1")))
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "MILK",
                "quantity": 1,
                "to_location": "WH1",
                "tracking": [{"lot": "X-1", "quantity": 1, "expiration_date": "2030-01-31"}],
            },
            {"item": "DRILL", "quantity": 1, "to_location": "WH1", "tracking": [{"serial": "S9"}]},
        ),
    )

    one = as_viewer.ok("/scan", {"data": "]C0S9"})
    several = as_viewer.ok("/scan", {"data": "X-1"})
    none = as_viewer.ok("/scan", {"data": "NEVER-SEEN"})

    assert (one["format"], one["known"], one["card_kind"], one["item"]["sku"]) == (
        "plain",
        True,
        "serial",
        "DRILL",
    )
    assert several["card"] is None
    assert [(m["kind"], m["item"], m["number"]) for m in several["matches"]] == [
        ("lot", "MILK", "X-1"),
        ("serial", "DRILL", "X-1"),
    ]
    assert (none["known"], none["matches"]) == (False, [])


def test_gs_is_the_only_control_character_a_scan_may_carry(gs1_world, as_viewer):
    nul = as_viewer.post("/scan", {"data": f"01{GTIN}\x0021S1"})
    newline = as_viewer.post("/scan", {"data": "S1\n"})
    unknown_field = as_viewer.post("/scan", {"data": "S1", "raw": "x"})

    assert [r.status_code for r in (nul, newline, unknown_field)] == [422, 422, 422]
    assert {r.json()["code"] for r in (nul, newline, unknown_field)} == {"validation_error"}


def test_a_package_numbered_by_an_sscc_series_scans_back_to_its_package_card(session_factory, uow, world):
    from itemtrace.domain.users import Role
    from tests.api.conftest import _token

    app = create_app(Settings(gs1_company_prefix="9521234"), session_factory=session_factory)
    with TestClient(app) as client:
        admin = Api(client, _token(uow, "sam", Role.ADMIN))
        admin.created("/number-series", {"code": "SSCC", "pattern": "{sscc:3}"})
        admin.created(
            "/items", {"sku": "PALLET", "name": "Pallet", "tracking_code": "PKG", "package_series": "SSCC"}
        )
        received = admin.ok(
            "/documents?post=true",
            receipt({"item": "PALLET", "quantity": 4, "to_location": "WH1", "assign": {"package": True}}),
        )
        [tracking] = received["lines"][0]["tracking"]
        sscc = tracking["package"]

        answer = admin.ok("/scan", {"data": f"]C100{sscc}"})

    assert sscc == "395212340000000014"  # extension 3, prefix 9521234, reference 1, check digit 4
    assert (answer["sscc"], answer["known"], answer["card_kind"]) == (sscc, True, "package")
    assert [(c["item"], c["quantity"]) for c in answer["card"]["contents"]] == [("PALLET", 4)]


def test_a_viewer_may_scan_and_nobody_else_without_a_token(client):
    response = client.post("/api/v1/scan", json={"data": "S1"})

    assert response.status_code == 401


def test_an_items_gtin_must_have_its_check_digit_right_on_create_and_change(world, as_admin):
    created = as_admin.post("/items", {"sku": "NEW", "name": "New", "gtin": "4006381333932"})
    changed = as_admin.patch("/items/DRILL", {"gtin": "09506000134353"})

    for response in (created, changed):
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert "wrong check digit" in response.json()["detail"]
    assert as_admin.get("/items/DRILL").json()["gtin"] is None


def test_one_gtin_names_one_item_whatever_form_it_is_given_in(gs1_world, as_admin):
    duplicate = as_admin.post(
        "/items", {"sku": "DRILL2", "name": "Drill 2", "gtin": GTIN}
    )  # DRILL's, as GTIN-14
    moved = as_admin.patch("/items/SCREW", {"gtin": "09521234543213"})  # MILK's
    kept = as_admin.patch("/items/DRILL", {"gtin": GTIN})  # its own, in another form

    assert (duplicate.status_code, moved.status_code, kept.status_code) == (409, 409, 200)
    assert duplicate.json()["code"] == "already_exists"
    assert "already item DRILL's" in duplicate.json()["detail"]
