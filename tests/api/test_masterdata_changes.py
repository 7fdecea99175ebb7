"""Changing master data over HTTP: PATCH on items, tracking codes, locations, partners and number
series; what the ledger pins (`item_has_entries`); closing and deleting locations."""

from __future__ import annotations

from tests.api.conftest import receipt, serials_in, serials_out, shipment


def test_an_item_in_use_keeps_its_tracking_code_but_its_name_and_series_change(world, as_clerk, as_admin):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))

    refused = as_admin.patch("/items/DRILL", {"tracking_code": "PKG"})
    renamed = as_admin.patch(
        "/items/DRILL", {"name": "Cordless drill", "lot_series": "LOTS", "gtin": "4006381333931"}
    )

    assert refused.status_code == 409
    assert refused.json()["code"] == "item_has_entries"
    assert "create a new item" in refused.json()["detail"].lower()
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Cordless drill"
    assert renamed.json()["lot_series"] == "LOTS"
    assert renamed.json()["tracking_code"] == "SNALL"
    assert as_admin.get("/items/DRILL").json()["gtin"] == "4006381333931"


def test_an_item_without_entries_may_get_another_tracking_code_or_none(world, as_admin):
    changed = as_admin.patch("/items/SCREW", {"tracking_code": "SNALL", "serial_series": "SN"})
    cleared = as_admin.patch("/items/SCREW", {"serial_series": None, "tracking_code": None})

    assert changed.json()["tracking_code"] == "SNALL"
    assert cleared.json() == {**changed.json(), "tracking_code": None, "serial_series": None}


def test_a_patch_is_checked_as_strictly_as_a_create(world, as_admin):
    misspelt = as_admin.patch("/items/DRILL", {"nmae": "Drill"})
    bad_formula = as_admin.patch("/items/MILK", {"shelf_life": "forever"})
    bad_gtin = as_admin.patch("/items/MILK", {"gtin": "123"})
    unknown_series = as_admin.patch("/items/MILK", {"lot_series": "NOPE"})
    null_name = as_admin.patch("/items/MILK", {"name": None})

    assert misspelt.status_code == 422
    assert "nmae" in misspelt.text
    for response in (bad_formula, bad_gtin, unknown_series, null_name):
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_error"
    assert as_admin.get("/items/MILK").json()["lot_series"] == "LOTS"


def test_unknown_master_data_is_not_found_on_patch(world, as_admin):
    for path, body in (
        ("/items/NOPE", {"name": "x"}),
        ("/tracking-codes/NOPE", {"description": "x"}),
        ("/locations/NOPE", {"name": "x"}),
        ("/partners/NOPE", {"name": "x"}),
        ("/number-series/NOPE", {"increment": 2}),
    ):
        response = as_admin.patch(path, body)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_only_an_admin_changes_master_data(world, as_clerk):
    response = as_clerk.patch("/items/DRILL", {"name": "x"})

    assert response.status_code == 403


def test_a_tracking_code_in_use_keeps_its_policy_but_its_flags_and_formulas_change(world, as_clerk, as_admin):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))

    policy = as_admin.patch("/tracking-codes/SNALL", {"lot": {"specific": True}})
    unique = as_admin.patch("/tracking-codes/SNALL", {"serial_unique": "global"})
    flags = as_admin.patch(
        "/tracking-codes/SNALL",
        {"warranty_formula": "2Y", "require_warranty_date": True, "description": "SN"},
    )
    unused = as_admin.patch("/tracking-codes/PKG", {"lot": {"outbound": True}})

    for refused in (policy, unique):
        assert refused.status_code == 409
        assert refused.json()["code"] == "item_has_entries"
        assert "DRILL" in refused.json()["detail"]
    assert flags.status_code == 200
    assert flags.json()["warranty_formula"] == "2Y"
    assert flags.json()["serial_unique"] == "item"
    assert unused.json()["lot"] == {"specific": False, "inbound": False, "outbound": True}
    assert as_admin.patch("/tracking-codes/SNALL", {"warranty_formula": "ever"}).status_code == 422


def test_a_number_series_changes_but_its_counter_never_goes_back(world, as_clerk, as_admin):
    first = as_clerk.ok("/number-series/SN/next?count=3")["numbers"]

    changed = as_admin.patch("/number-series/SN", {"pattern": "SN-{seq:6}", "increment": 10, "start": 1})
    after = as_clerk.ok("/number-series/SN/next?count=2")["numbers"]
    back = as_admin.patch("/number-series/SN", {"next_value": 2})
    forward = as_admin.patch("/number-series/SN", {"next_value": 1000})
    bad_pattern = as_admin.patch("/number-series/SN", {"pattern": "no counter"})

    assert first == ["S-00001", "S-00002", "S-00003"]
    assert changed.status_code == 200
    assert changed.json()["next_value"] == 4
    assert after == ["SN-000004", "SN-000014"]
    assert back.status_code == 422
    assert forward.json()["next_value"] == 1000
    assert bad_pattern.status_code == 422


def test_a_partner_and_a_location_are_renamed(world, as_admin, as_viewer):
    as_admin.patch("/partners/ACME", {"name": "Acme Corporation"})
    as_admin.patch("/locations/WH1", {"name": "Main hall"})

    assert as_viewer.get("/partners/ACME").json()["name"] == "Acme Corporation"
    assert as_viewer.get("/locations/WH1").json() == {
        "code": "WH1",
        "name": "Main hall",
        "kind": "internal",
        "parent": None,
        "closed": False,
    }


def test_a_closed_location_takes_no_postings_but_shows_its_stock(world, as_clerk, as_admin, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2")))
    draft = as_clerk.created("/documents", shipment(serials_out("A1")))

    closed = as_admin.patch("/locations/WH1", {"closed": True})
    into = as_clerk.post("/documents?post=true", receipt(serials_in("A3")))
    old_draft = as_clerk.post(f"/documents/{draft['id']}/post")
    stock = as_viewer.get("/availability", params={"item": "DRILL", "location": "WH1"})
    card = as_viewer.get("/items/DRILL/serials/A2")

    assert closed.json()["closed"] is True
    assert into.status_code == 422
    assert [e["code"] for e in into.json()["errors"]] == ["location_closed"]
    assert "WH1" in into.json()["errors"][0]["detail"]
    assert old_draft.status_code == 422
    assert old_draft.json()["errors"][0]["code"] == "location_closed"
    assert stock.json()["on_hand"] == 2
    assert card.json()["location"] == "WH1"

    as_admin.patch("/locations/WH1", {"closed": False})
    assert as_clerk.post(f"/documents/{draft['id']}/post").status_code == 200


def test_location_closed_is_reported_with_the_other_violations(world, as_clerk, as_admin):
    as_admin.patch("/locations/WH2", {"closed": True})

    response = as_clerk.post("/documents?post=true", receipt(serials_in("A1", "A1", to="WH2")))

    codes = sorted(e["code"] for e in response.json()["errors"])
    assert "location_closed" in codes
    assert "serial_quantity" in codes


def test_a_virtual_location_cannot_be_closed(world, as_admin):
    response = as_admin.patch("/locations/CUSTOMER", {"closed": True})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_an_unused_location_is_deleted_a_used_one_is_closed_instead(world, as_clerk, as_admin, as_viewer):
    as_admin.created("/locations", {"code": "TMP", "name": "Typo"})
    as_admin.created("/locations", {"code": "BIN1", "name": "Bin", "parent": "WH2"})
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))

    deleted = as_admin.client.delete("/api/v1/locations/TMP", headers=as_admin.headers)
    used = as_admin.client.delete("/api/v1/locations/WH1", headers=as_admin.headers)
    parent = as_admin.client.delete("/api/v1/locations/WH2", headers=as_admin.headers)
    missing = as_admin.client.delete("/api/v1/locations/NOPE", headers=as_admin.headers)

    assert deleted.status_code == 204
    assert as_viewer.get("/locations/TMP").status_code == 404
    assert used.status_code == 409
    assert used.json()["code"] == "location_in_use"
    assert "close it" in used.json()["detail"]
    assert parent.json()["code"] == "location_in_use"
    assert "child locations" in parent.json()["detail"]
    assert missing.status_code == 404


def test_a_package_series_is_set_kept_by_other_changes_and_cleared(world, as_admin):
    as_admin.created("/number-series", {"code": "PALLETS", "pattern": "PAL-{seq:4}"})

    set_ = as_admin.patch("/items/BOX", {"package_series": "PALLETS"})
    renamed = as_admin.patch("/items/BOX", {"name": "Carton"})
    cleared = as_admin.patch("/items/BOX", {"package_series": None})

    assert set_.json()["package_series"] == "PALLETS"
    assert renamed.json()["package_series"] == "PALLETS"
    assert cleared.json()["package_series"] is None
