"""Packages from the command line: a package series on the item, moving a whole package,
tracing and recalling by package."""

from __future__ import annotations


def with_crates(itemtrace) -> None:
    itemtrace.ok("tracking-codes", "create", "PKG", "--package-specific")
    itemtrace.ok("number-series", "create", "PKGS", "--pattern", "PKG-{seq:4}")
    itemtrace.ok(
        "items", "create", "CRATE", "--name", "Crate", "--tracking-code", "PKG", "--package-series", "PKGS"
    )
    itemtrace.ok("locations", "create", "WH1", "--name", "Main")
    itemtrace.ok("locations", "create", "WH2", "--name", "Second")
    itemtrace.ok("partners", "create", "ACME", "--name", "Acme", "--kind", "vendor")
    itemtrace.ok("partners", "create", "CUST", "--name", "Northwind", "--kind", "customer")
    itemtrace.ok("receive", "CRATE", "4", "--to", "WH1", "--package", "P1", "--partner", "ACME")


def test_items_take_a_package_series(itemtrace):
    with_crates(itemtrace)

    assert itemtrace.json("items", "show", "CRATE")["package_series"] == "PKGS"


def test_transfer_and_ship_a_whole_package_without_naming_the_item(itemtrace):
    with_crates(itemtrace)

    moved = itemtrace.json("transfer", "--from", "WH1", "--to", "WH2", "--package", "P1")
    shipped = itemtrace.json("ship", "--from", "WH2", "--partner", "CUST", "--package", "P1")
    card = itemtrace.json("package", "show", "P1")

    assert [(line["item"], line["quantity"]) for line in moved["lines"]] == [("CRATE", 4)]
    assert shipped["status"] == "posted"
    assert [h["type"] for h in card["history"]] == ["receipt", "transfer", "shipment"]


def test_a_whole_package_with_a_quantity_is_a_usage_error(itemtrace):
    with_crates(itemtrace)

    result = itemtrace("transfer", "--from", "WH1", "--to", "WH2", "--package", "P1", "--quantity", "2")

    assert result.exit_code != 0
    assert "whole --package" in result.output


def test_trace_and_recall_by_package(itemtrace):
    with_crates(itemtrace)
    itemtrace.ok("ship", "--from", "WH1", "--partner", "CUST", "--package", "P1")

    tree = itemtrace.ok("trace", "CRATE", "--package", "P1")
    report = itemtrace.json("recall", "CRATE", "--package", "P1")

    assert "CUST" in tree.stdout
    assert report["package"] == "P1"
    assert [(c["partner"], c["quantity"]) for c in report["customers"]] == [("CUST", 4)]
