"""Master data through the API: tracking codes, items, locations, partners, number series."""

from __future__ import annotations

from tests.api.conftest import API, receipt, serials_in, serials_out, shipment


def test_a_tracking_code_defaults_every_flag_to_false_and_serial_unique_to_item(as_admin):
    created = as_admin.created("/tracking-codes", {"code": "PLAIN"})

    assert created == {
        "code": "PLAIN",
        "description": "",
        "serial": {"specific": False, "inbound": False, "outbound": False},
        "lot": {"specific": False, "inbound": False, "outbound": False},
        "package": {"specific": False, "inbound": False, "outbound": False},
        "serial_unique": "item",
        "use_expiration_dates": False,
        "require_expiration_date": False,
        "strict_expiration": False,
        "warranty_formula": None,
        "require_warranty_date": False,
    }


def test_a_tracking_code_reads_back_as_it_was_set_up(as_admin, as_viewer):
    body = {
        "code": "SNWTY",
        "description": "Serials with warranty",
        "serial": {"specific": True, "inbound": True, "outbound": True},
        "lot": {"specific": False, "inbound": True, "outbound": False},
        "serial_unique": "global",
        "use_expiration_dates": True,
        "require_expiration_date": True,
        "strict_expiration": True,
        "warranty_formula": "2Y",
        "require_warranty_date": True,
    }
    as_admin.created("/tracking-codes", body)

    response = as_viewer.get("/tracking-codes/SNWTY")

    assert response.status_code == 200
    assert response.json() == {**body, "package": {"specific": False, "inbound": False, "outbound": False}}


def test_tracking_codes_are_listed_by_code(as_admin):
    for code in ("B", "A", "C"):
        as_admin.created("/tracking-codes", {"code": code})

    response = as_admin.get("/tracking-codes")

    assert [c["code"] for c in response.json()["items"]] == ["A", "B", "C"]
    assert response.json()["next_cursor"] is None


def test_an_unknown_tracking_code_is_not_found(as_viewer):
    response = as_viewer.get("/tracking-codes/NOPE")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_bad_warranty_formula_is_a_validation_error(as_admin):
    response = as_admin.post("/tracking-codes", {"code": "BAD", "warranty_formula": "forever"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_an_item_defaults_to_pieces_and_no_tracking(as_admin, as_viewer):
    as_admin.created("/items", {"sku": "NUT", "name": "Nut"})

    response = as_viewer.get("/items/NUT")

    assert response.json() == {
        "sku": "NUT",
        "name": "Nut",
        "unit": "pcs",
        "gtin": None,
        "tracking_code": None,
        "serial_series": None,
        "lot_series": None,
        "shelf_life": None,
        "package_series": None,
    }


def test_an_item_keeps_its_tracking_code_series_shelf_life_and_gtin(as_admin):
    as_admin.created("/tracking-codes", {"code": "LOT", "lot": {"specific": True}})
    as_admin.created("/number-series", {"code": "LOTS", "pattern": "L{seq:3}"})

    created = as_admin.created(
        "/items",
        {
            "sku": "YOG",
            "name": "Yoghurt",
            "unit": "kg",
            "gtin": "04012345678901",
            "tracking_code": "LOT",
            "lot_series": "LOTS",
            "shelf_life": "30D",
            "package_series": "LOTS",
        },
    )

    assert created == {
        "sku": "YOG",
        "name": "Yoghurt",
        "unit": "kg",
        "gtin": "04012345678901",
        "tracking_code": "LOT",
        "serial_series": None,
        "lot_series": "LOTS",
        "shelf_life": "30D",
        "package_series": "LOTS",
    }


def test_an_item_naming_an_unknown_tracking_code_or_series_is_a_validation_error(as_admin):
    for field in ("tracking_code", "serial_series", "lot_series", "package_series"):
        response = as_admin.post("/items", {"sku": "X", "name": "X", field: "NOPE"})

        assert response.status_code == 422, field
        assert response.json()["code"] == "validation_error"
        assert "NOPE does not exist" in response.json()["detail"]
    assert as_admin.get("/items/X").status_code == 404


def test_a_location_under_an_unknown_parent_is_a_validation_error(as_admin):
    response = as_admin.post("/locations", {"code": "BIN", "name": "Bin", "parent": "NOPE"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_second_item_with_the_same_sku_is_a_conflict(as_admin):
    as_admin.created("/items", {"sku": "NUT", "name": "Nut"})

    response = as_admin.post("/items", {"sku": "NUT", "name": "Other nut"})

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "already_exists"


def test_items_come_in_exact_pages_linked_by_next_cursor(as_admin):
    for sku in ("E", "C", "A", "D", "B"):
        as_admin.created("/items", {"sku": sku, "name": sku})

    first = as_admin.get("/items", params={"limit": 2}).json()
    second = as_admin.get("/items", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    third = as_admin.get("/items", params={"limit": 2, "cursor": second["next_cursor"]}).json()

    assert [i["sku"] for i in first["items"]] == ["A", "B"]
    assert [i["sku"] for i in second["items"]] == ["C", "D"]
    assert [i["sku"] for i in third["items"]] == ["E"]
    assert third["next_cursor"] is None


def test_a_page_that_ends_exactly_at_the_last_item_has_no_next_cursor(as_admin):
    for sku in ("A", "B"):
        as_admin.created("/items", {"sku": sku, "name": sku})

    page = as_admin.get("/items", params={"limit": 2}).json()

    assert [i["sku"] for i in page["items"]] == ["A", "B"]
    assert page["next_cursor"] is None


def test_a_limit_outside_1_to_500_is_a_validation_error(as_viewer):
    for limit in (0, 501):
        response = as_viewer.get("/items", params={"limit": limit})

        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert response.json()["errors"][0]["loc"] == ["query", "limit"]


def test_a_garbled_cursor_is_a_validation_error(as_viewer):
    response = as_viewer.get("/items", params={"cursor": "%%%not-a-cursor"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_location_defaults_to_internal_and_keeps_its_parent(as_admin, as_viewer):
    as_admin.created("/locations", {"code": "WH", "name": "Warehouse"})
    created = as_admin.created("/locations", {"code": "WH-A1", "name": "Bin A1", "parent": "WH"})

    assert created == {"code": "WH-A1", "name": "Bin A1", "kind": "internal", "parent": "WH", "closed": False}
    assert as_viewer.get("/locations/WH").json() == {
        "code": "WH",
        "name": "Warehouse",
        "kind": "internal",
        "parent": None,
        "closed": False,
    }


def test_locations_list_includes_the_virtual_ones_in_code_order(as_admin):
    as_admin.created("/locations", {"code": "WH", "name": "Warehouse"})

    codes = [loc["code"] for loc in as_admin.get("/locations", params={"limit": 500}).json()["items"]]

    assert codes == [
        "ADJUSTMENT",
        "CUSTOMER",
        "PRODUCTION",
        "RECLASSIFICATION",
        "SCRAP",
        "SUPPLIER",
        "TRANSIT",
        "WH",
    ]


def test_locations_page_by_code(as_admin):
    first = as_admin.get("/locations", params={"limit": 4}).json()
    second = as_admin.get("/locations", params={"limit": 4, "cursor": first["next_cursor"]}).json()

    assert [loc["code"] for loc in first["items"]] == [
        "ADJUSTMENT",
        "CUSTOMER",
        "PRODUCTION",
        "RECLASSIFICATION",
    ]
    assert [loc["code"] for loc in second["items"]] == ["SCRAP", "SUPPLIER", "TRANSIT"]
    assert second["next_cursor"] is None


def test_an_unknown_location_kind_is_a_validation_error(as_admin):
    response = as_admin.post("/locations", {"code": "X", "name": "X", "kind": "moon"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["errors"][0]["loc"] == ["body", "kind"]


def test_an_unknown_location_is_not_found(as_viewer):
    response = as_viewer.get("/locations/NOWHERE")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_partners_are_created_read_and_listed(as_admin, as_viewer):
    as_admin.created("/partners", {"code": "VEND", "name": "Vendor", "kind": "vendor"})
    as_admin.created("/partners", {"code": "ACME", "name": "Acme", "kind": "customer"})

    assert as_viewer.get("/partners/ACME").json() == {"code": "ACME", "name": "Acme", "kind": "customer"}
    assert as_viewer.get("/partners").json() == {
        "items": [
            {"code": "ACME", "name": "Acme", "kind": "customer"},
            {"code": "VEND", "name": "Vendor", "kind": "vendor"},
        ],
        "next_cursor": None,
    }


def test_a_partner_kind_must_be_vendor_or_customer(as_admin):
    response = as_admin.post("/partners", {"code": "X", "name": "X", "kind": "friend"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_an_unknown_partner_is_not_found(as_viewer):
    assert as_viewer.get("/partners/NOPE").json()["code"] == "not_found"


def test_a_number_series_defaults_to_start_1_increment_1(as_admin, as_viewer):
    as_admin.created("/number-series", {"code": "SN", "pattern": "SN-{seq:4}"})

    response = as_viewer.get("/number-series/SN")

    assert response.json()["code"] == "SN"
    assert response.json()["pattern"] == "SN-{seq:4}"
    assert response.json()["start"] == 1
    assert response.json()["increment"] == 1


def test_next_numbers_are_handed_out_once_each(as_admin, as_clerk):
    as_admin.created("/number-series", {"code": "SN", "pattern": "SN-{seq:4}", "start": 10, "increment": 5})

    first = as_clerk.ok("/number-series/SN/next?count=3")
    second = as_clerk.ok("/number-series/SN/next")

    assert first == {"numbers": ["SN-0010", "SN-0015", "SN-0020"]}
    assert second == {"numbers": ["SN-0025"]}


def test_next_numbers_fill_in_item_and_location(as_admin, as_clerk):
    as_admin.created("/number-series", {"code": "IL", "pattern": "{item}-{location}-{seq:2}"})

    response = as_clerk.ok("/number-series/IL/next?count=2&item=DRILL&location=WH1")

    assert response == {"numbers": ["DRILL-WH1-01", "DRILL-WH1-02"]}


def test_a_bad_pattern_is_a_validation_error(as_admin):
    response = as_admin.post("/number-series", {"code": "BAD", "pattern": "{nonsense}"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_next_numbers_of_an_unknown_series_are_not_found(as_clerk):
    response = as_clerk.post("/number-series/NOPE/next?count=1")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_viewer_cannot_draw_numbers(as_admin, as_viewer):
    as_admin.created("/number-series", {"code": "SN", "pattern": "SN-{seq:4}"})

    response = as_viewer.post("/number-series/SN/next?count=1")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_only_admins_set_up_master_data(as_clerk):
    for path, body in (
        ("/tracking-codes", {"code": "X"}),
        ("/items", {"sku": "X", "name": "X"}),
        ("/locations", {"code": "X", "name": "X"}),
        ("/partners", {"code": "X", "name": "X", "kind": "vendor"}),
        ("/number-series", {"code": "X", "pattern": "{seq:3}"}),
    ):
        response = as_clerk.post(path, body)

        assert response.status_code == 403, path
        assert response.json()["code"] == "forbidden"


def test_master_data_reads_need_a_token(client):
    for path in ("/tracking-codes", "/items", "/locations", "/partners", "/number-series/X"):
        assert client.get(API + path).status_code == 401, path


def test_a_formula_pasted_from_business_central_sets_the_warranty_on_shipment(world, as_admin, as_clerk):
    as_admin.created(
        "/tracking-codes", {"code": "WTY", "serial": {"specific": True}, "warranty_formula": "<CM+1Y>"}
    )
    as_admin.created("/items", {"sku": "PUMP", "name": "Pump", "tracking_code": "WTY"})
    as_clerk.ok("/documents?post=true", receipt(serials_in("P-1", item="PUMP"), posting_date="1996-05-01"))

    as_clerk.ok("/documents?post=true", shipment(serials_out("P-1", item="PUMP"), posting_date="1996-05-21"))

    card = as_clerk.get("/items/PUMP/serials/P-1").json()
    assert card["warranty_date"] == "1997-05-31"  # the month's end, then a year on


def test_a_bad_formula_is_refused_with_where_it_goes_wrong(as_admin):
    response = as_admin.post("/items", {"sku": "JAM", "name": "Jam", "shelf_life": "1Y6M"})

    assert response.status_code == 422
    assert "a sign (+ or -) is missing before '6M'" in response.json()["detail"]
