"""`set` in each master-data group, and closing and deleting locations, from the command line."""

from __future__ import annotations

import json


def test_items_set_changes_the_name_and_series_and_an_empty_value_clears(with_drills):
    with_drills.ok("number-series", "create", "LOTS", "--pattern", "L-{seq:4}")

    changed = with_drills.json("items", "set", "DRILL-X", "--name", "Drill 18V", "--lot-series", "LOTS")
    cleared = with_drills.json("items", "set", "DRILL-X", "--lot-series", "")

    assert (changed["name"], changed["lot_series"], changed["tracking_code"]) == ("Drill 18V", "LOTS", "SN")
    assert cleared["lot_series"] is None
    assert cleared["name"] == "Drill 18V"


def test_items_set_refuses_a_new_tracking_code_once_the_item_has_entries(with_drills):
    with_drills.ok("tracking-codes", "create", "LOT", "--lot-specific")
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")

    result = with_drills("items", "set", "DRILL-X", "--tracking-code", "LOT")

    assert result.exit_code == 1
    assert result.stderr.startswith("error[item_has_entries]: item DRILL-X has ledger entries")
    assert len(result.stderr.splitlines()) == 1


def test_tracking_codes_set_changes_one_flag_and_keeps_the_others(with_drills):
    with_drills.ok("tracking-codes", "create", "OUT", "--serial-outbound")

    changed = with_drills.json("tracking-codes", "set", "OUT", "--serial-inbound", "--warranty-formula", "1Y")
    in_use = with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")
    refused = with_drills("tracking-codes", "set", "SN", "--no-serial-specific", "--json")

    assert changed["serial"] == {"specific": False, "inbound": True, "outbound": True}
    assert changed["warranty_formula"] == "1Y"
    assert in_use.exit_code == 0
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["code"] == "item_has_entries"


def test_locations_set_closes_and_opens_a_location(with_drills):
    closed = with_drills.json("locations", "set", "WH1", "--closed")
    refused = with_drills("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")
    opened = with_drills.json("locations", "set", "WH1", "--open", "--name", "Main hall")

    assert closed["closed"] is True
    assert refused.exit_code == 1
    assert "location_closed" in refused.stderr
    assert (opened["closed"], opened["name"]) == (False, "Main hall")
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")


def test_locations_delete_removes_an_unused_location_and_refuses_a_used_one(with_drills):
    with_drills.ok("locations", "create", "TYPO", "--name", "Typo")
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")

    deleted = with_drills.json("locations", "delete", "TYPO")
    refused = with_drills("locations", "delete", "WH1")

    assert deleted == {"deleted": "TYPO"}
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error[location_in_use]")
    assert "--closed" in refused.stderr


def test_partners_and_number_series_set(with_drills):
    with_drills.ok("number-series", "create", "SN", "--pattern", "S-{seq:3}")
    with_drills.ok("number-series", "next", "SN", "--count", "5")

    partner = with_drills.json("partners", "set", "CUST-01", "--name", "Northwind Traders")
    series = with_drills.json("number-series", "set", "SN", "--pattern", "SN-{seq:4}", "--start", "1")
    back = with_drills("number-series", "set", "SN", "--next-value", "3")
    number = with_drills("number-series", "next", "SN")

    assert partner["name"] == "Northwind Traders"
    assert (series["pattern"], series["next_value"]) == ("SN-{seq:4}", 6)
    assert back.exit_code == 1
    assert "validation_error" in back.stderr
    assert number.stdout == "SN-0006\n"


def test_availability_and_lists_of_a_warehouse_count_its_bins_unless_no_children(with_drills):
    with_drills.ok("locations", "create", "WH1-A", "--name", "Bin A", "--parent", "WH1")
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1")
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1-A", "--serial", "SN-2")

    warehouse = with_drills.json("availability", "DRILL-X", "--location", "WH1")
    alone = with_drills.json("availability", "DRILL-X", "--location", "WH1", "--no-children")
    listed = with_drills.json("serials", "list", "--location", "WH1")
    own = with_drills.json("serials", "list", "--location", "WH1", "--no-children")

    assert (warehouse["on_hand"], alone["on_hand"]) == (2, 1)
    assert [s["serial"] for s in listed["items"]] == ["SN-1", "SN-2"]
    assert [s["serial"] for s in own["items"]] == ["SN-1"]


def test_ship_gives_serials_to_untracked_stock_of_an_outbound_only_item(itemtrace):
    itemtrace.ok("number-series", "create", "PSN", "--pattern", "P-{seq:3}")
    itemtrace.ok("tracking-codes", "create", "SN-OUT", "--serial-outbound")
    itemtrace.ok(
        "items", "create", "PHONE", "--name", "Phone", "--tracking-code", "SN-OUT", "--serial-series", "PSN"
    )
    itemtrace.ok("locations", "create", "WH1", "--name", "Main")
    itemtrace.ok("partners", "create", "CUST", "--name", "Customer", "--kind", "customer")
    itemtrace.ok("receive", "PHONE", "3", "--to", "WH1")

    typed = itemtrace.json("ship", "PHONE", "--from", "WH1", "--partner", "CUST", "--serial", "IMEI-1")
    assigned = itemtrace.json(
        "ship", "PHONE", "--from", "WH1", "--partner", "CUST", "-q", "2", "--assign-serials"
    )
    card = itemtrace.json("serial", "show", "PHONE", "IMEI-1")

    assert [t["serial"] for t in typed["lines"][0]["tracking"]] == ["IMEI-1"]
    assert [t["serial"] for t in assigned["lines"][0]["tracking"]] == ["P-001", "P-002"]
    assert (card["status"], card["holder"]) == ("delivered", "CUST")
