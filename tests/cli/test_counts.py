"""`itemtrace count`: a draft shows expected beside counted; --post adjusts; refusals exit non-zero."""

from __future__ import annotations


def received(with_drills, *serials: str) -> None:
    args = [a for s in serials for a in ("--serial", s)]
    with_drills.ok("receive", "DRILL-X", str(len(serials)), "--to", "WH1", "--partner", "ACME", *args)


def test_a_count_draft_shows_what_is_expected_beside_what_was_counted(with_drills):
    received(with_drills, "SN-1", "SN-2")

    result = with_drills.ok("count", "WH1", "--item", "DRILL-X", "--serial", "SN-1", "--serial", "SN-9")

    assert "count CNT-" in result.stdout and "(draft)" in result.stdout
    [row] = [line for line in result.stdout.splitlines() if line.lstrip().startswith("1 ")]
    assert row.split() == ["1", "WH1", "DRILL-X", "2", "2", "0", "SN-2", "SN-9"]


def test_count_json_is_the_documents_json_with_expected_per_line(with_drills):
    received(with_drills, "SN-1", "SN-2")

    document = with_drills.json("count", "WH1", "--item", "DRILL-X", "--serial", "SN-1")
    shown = with_drills.json("documents", "show", document["number"])

    [line] = document["lines"]
    assert (document["type"], document["status"], document["scope"]) == ("count", "draft", "item")
    assert (line["expected"]["quantity"], line["expected"]["counted"]) == (2, 1)
    assert [d["serial"] for d in line["expected"]["missing"]] == ["SN-2"]
    assert shown == document


def test_count_post_adjusts_and_lists_the_adjustments(with_drills):
    received(with_drills, "SN-1", "SN-2")

    posted = with_drills.json(
        "count", "WH1", "--item", "DRILL-X", "--serial", "SN-1", "--serial", "SN-3", "--post"
    )
    card = with_drills.json("serial", "show", "DRILL-X", "SN-2")

    assert posted["status"] == "posted"
    assert [(e["serial"], e["from_location"], e["to_location"]) for e in posted["entries"]] == [
        ("SN-2", "WH1", "ADJUSTMENT"),
        ("SN-3", "ADJUSTMENT", "WH1"),
    ]
    assert card["status"] == "adjusted_out"


def test_a_count_that_matches_says_so(with_drills):
    received(with_drills, "SN-1")

    result = with_drills.ok("count", "WH1", "--item", "DRILL-X", "--serial", "SN-1", "--post")

    assert "nothing: the count matched" in result.stdout


def test_a_refused_count_exits_non_zero_with_the_rule(with_drills):
    with_drills.ok("locations", "create", "WH2", "--name", "Second")
    received(with_drills, "SN-1")

    result = with_drills("count", "WH2", "--item", "DRILL-X", "--serial", "SN-1", "--post")

    assert result.exit_code != 0
    assert "serial_exists" in result.output


def test_lots_are_counted_as_lot_equals_quantity(itemtrace):
    itemtrace.ok("tracking-codes", "create", "LOT", "--lot-specific")
    itemtrace.ok("items", "create", "GLUE", "--name", "Glue", "--tracking-code", "LOT")
    itemtrace.ok("locations", "create", "WH1", "--name", "Main")
    itemtrace.ok("partners", "create", "ACME", "--name", "Acme", "--kind", "vendor")
    itemtrace.ok("receive", "GLUE", "10", "--to", "WH1", "--lot", "L1", "--partner", "ACME")

    posted = itemtrace.json("count", "WH1", "--item", "GLUE", "--lot", "L1=7", "--lot", "L2=1", "--post")

    assert [(e["lot"], e["quantity"], e["to_location"]) for e in posted["entries"]] == [
        ("L1", 3, "ADJUSTMENT"),
        ("L2", 1, "WH1"),
    ]
    bad = itemtrace("count", "WH1", "--item", "GLUE", "--lot", "L1=lots")
    assert bad.exit_code != 0 and "not a number" in bad.output


def test_a_package_found_whole_is_counted_without_naming_the_item(itemtrace):
    itemtrace.ok("tracking-codes", "create", "PKG", "--package-specific")
    itemtrace.ok("items", "create", "CRATE", "--name", "Crate", "--tracking-code", "PKG")
    itemtrace.ok("locations", "create", "WH1", "--name", "Main")
    itemtrace.ok("partners", "create", "ACME", "--name", "Acme", "--kind", "vendor")
    itemtrace.ok("receive", "CRATE", "4", "--to", "WH1", "--package", "P1", "--partner", "ACME")

    draft = itemtrace.json("count", "WH1", "--package", "P1")
    bad = itemtrace("count", "WH1", "--package", "P1", "--serial", "S1")

    [line] = draft["lines"]
    assert (line["item"], line["count_package"], line["expected"]["difference"]) == ("CRATE", "P1", 0)
    assert bad.exit_code != 0 and "exactly one --package" in bad.output
