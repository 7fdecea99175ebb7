"""`itemtrace reclass`: rename, re-date and split from the command line."""

from __future__ import annotations

import pytest


@pytest.fixture
def with_glue(with_drills):
    with_drills.ok("tracking-codes", "create", "LOT", "--lot-specific", "--use-expiration-dates")
    with_drills.ok("items", "create", "GLUE", "--name", "Adhesive", "--tracking-code", "LOT")
    with_drills.ok("locations", "create", "WH2", "--name", "Second warehouse")
    with_drills.ok(
        "receive", "GLUE", "10", "--to", "WH1", "--lot", "L1", "--partner", "ACME",
        "--expiration-date", "2027-05-01",
    )  # fmt: skip
    with_drills.ok(
        "receive", "GLUE", "4", "--to", "WH2", "--lot", "L1", "--partner", "ACME",
        "--expiration-date", "2027-05-01",
    )  # fmt: skip
    return with_drills


def test_reclass_renames_a_serial_and_posts_it(with_drills):
    with_drills.ok("receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1", "--partner", "ACME")

    document = with_drills.json(
        "reclass", "DRILL-X", "--location", "WH1", "--serial", "SN-1", "--new-serial", "SN-9", "--post"
    )

    assert (document["type"], document["status"]) == ("reclassification", "posted")
    [line] = document["lines"]
    assert [(t["serial"], t["new_serial"]) for t in line["tracking"]] == [("SN-1", "SN-9")]
    card = with_drills.json("serial", "show", "DRILL-X", "SN-1")
    assert card["status"] == "renamed"
    assert [r["serial"] for r in card["renamed_to"]] == ["SN-9"]


def test_reclass_re_dates_a_whole_lot_wherever_it_is(with_glue):
    document = with_glue.json(
        "reclass", "GLUE", "--lot", "L1", "--new-expiration-date", "2027-06-01", "--post"
    )

    assert [(ln["from_location"], ln["quantity"]) for ln in document["lines"]] == [("WH1", 10), ("WH2", 4)]
    card = with_glue.json("lot", "show", "GLUE", "L1")
    assert (card["expiration_date"], card["on_hand"]) == ("2027-06-01", 14)


def test_reclass_without_post_stores_a_draft(with_glue):
    document = with_glue.json(
        "reclass", "GLUE", "--location", "WH1", "--lot", "L1", "-q", "3", "--new-lot", "L3"
    )

    assert document["status"] == "draft"
    posted = with_glue.json("documents", "post", document["number"])
    assert posted["status"] == "posted"
    assert with_glue.json("lot", "show", "GLUE", "L3")["on_hand"] == 3


def test_a_refused_re_date_of_part_of_a_lot_exits_1_naming_the_rule(with_glue):
    result = with_glue(
        "reclass", "GLUE", "--location", "WH1", "--lot", "L1", "--new-expiration-date", "2027-06-01", "--post"
    )

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error[reclass_rule]: line 1: ")
    assert "4 at WH2" in line
