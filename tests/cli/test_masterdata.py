"""Master data commands: tracking codes, items, locations, partners, number series."""

from __future__ import annotations

import json


def test_number_series_next_hands_out_the_next_numbers_as_json(itemtrace):
    itemtrace.ok("number-series", "create", "LOTS", "--pattern", "LOT-{seq:4}", "--start", "7")

    first = itemtrace.json("number-series", "next", "LOTS", "--count", "3")
    second = itemtrace("number-series", "next", "LOTS")

    assert first == {"numbers": ["LOT-0007", "LOT-0008", "LOT-0009"]}
    assert second.stdout == "LOT-0010\n"


def test_tracking_code_flags_are_stored_as_the_api_shows_them(itemtrace):
    itemtrace.ok(
        "tracking-codes", "create", "LOT", "--lot-specific", "--use-expiration-dates", "--strict-expiration"
    )

    shown = itemtrace.json("tracking-codes", "show", "LOT")

    assert shown["lot"] == {"specific": True, "inbound": False, "outbound": False}
    assert shown["serial"] == {"specific": False, "inbound": False, "outbound": False}
    assert (shown["use_expiration_dates"], shown["strict_expiration"], shown["serial_unique"]) == (
        True,
        True,
        "item",
    )


def test_items_locations_and_partners_list_as_json(itemtrace):
    itemtrace.ok("items", "create", "SCREW", "--name", "Screw M6", "--gtin", "4006381333931")
    itemtrace.ok("locations", "create", "WH1", "--name", "Main")
    itemtrace.ok("locations", "create", "WH1-A", "--name", "Aisle A", "--parent", "WH1")
    itemtrace.ok("partners", "create", "CUST-01", "--name", "Northwind", "--kind", "customer")

    item = itemtrace.json("items", "show", "SCREW")
    locations = itemtrace.json("locations", "list")["items"]
    partners = itemtrace.json("partners", "list")

    assert item == {
        "sku": "SCREW",
        "name": "Screw M6",
        "unit": "pcs",
        "gtin": "4006381333931",
        "tracking_code": None,
        "serial_series": None,
        "lot_series": None,
        "shelf_life": None,
        "package_series": None,
    }
    assert {
        "code": "WH1-A",
        "name": "Aisle A",
        "kind": "internal",
        "parent": "WH1",
        "closed": False,
    } in locations
    assert partners == {"items": [{"code": "CUST-01", "name": "Northwind", "kind": "customer"}]}


def test_an_item_with_an_unknown_tracking_code_exits_1_with_one_line(itemtrace):
    result = itemtrace("items", "create", "DRILL", "--name", "Drill", "--tracking-code", "NOPE")

    assert result.exit_code == 1
    assert result.stderr == "error[validation_error]: tracking code NOPE does not exist: create it first\n"


def test_a_bad_gtin_is_a_validation_error(itemtrace):
    result = itemtrace("items", "create", "SCREW", "--name", "Screw", "--gtin", "12")

    assert result.exit_code == 1
    assert result.stderr == "error[validation_error]: gtin '12' must be 8, 12, 13 or 14 digits\n"


def test_showing_an_unknown_item_is_not_found_and_json_prints_the_problem(itemtrace):
    result = itemtrace("items", "show", "NOPE", "--json")

    assert result.exit_code == 1
    problem = json.loads(result.stdout)
    assert problem["code"] == "not_found"
    assert problem["title"] == "Not found"
