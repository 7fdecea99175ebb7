"""Count documents through the API: the draft shows what is expected, posting adjusts, refusals."""

from __future__ import annotations

from tests.api.conftest import receipt, serials_in


def count(*lines: dict, **header) -> dict:
    return {"type": "count", "lines": list(lines), **header}


def test_a_count_draft_shows_expected_beside_counted(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("S1", "S2")))
    as_clerk.ok(
        "/documents?post=true",
        receipt({"item": "MILK", "quantity": 10, "to_location": "WH1", "tracking": [{"lot": "L1"}]}),
    )
    draft = as_clerk.created(
        "/documents",
        count(
            {
                "item": "DRILL",
                "quantity": 2,
                "to_location": "WH1",
                "tracking": [{"serial": "S1"}, {"serial": "S9"}],
            },
            {"item": "MILK", "quantity": 7, "to_location": "WH1", "tracking": [{"lot": "L1", "quantity": 7}]},
        ),
    )

    shown = as_viewer.get(f"/documents/{draft['id']}").json()

    assert (shown["type"], shown["status"], shown["scope"]) == ("count", "draft", "item")
    drill, milk = (line["expected"] for line in shown["lines"])
    assert shown["lines"][0]["from_location"] == shown["lines"][0]["to_location"] == "WH1"
    assert (drill["serials"], drill["quantity"], drill["counted"], drill["difference"]) == (
        ["S1", "S2"],
        2,
        2,
        0,
    )
    assert [d["serial"] for d in drill["missing"]] == ["S2"]
    assert [(d["serial"], d["quantity"]) for d in drill["found"]] == [("S9", 1)]
    assert milk["lots"] == [{"number": "L1", "quantity": 10}]
    assert [(d["lot"], d["expected"], d["counted"], d["quantity"]) for d in milk["missing"]] == [
        ("L1", 10, 7, -3)
    ]
    assert "not_listed" not in shown  # only a whole-location count lists them


def test_posting_a_count_adjusts_and_the_card_says_it_was_a_count(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("S1", "S2")))
    draft = as_clerk.created(
        "/documents",
        count({"item": "DRILL", "quantity": 1, "to_location": "WH1", "tracking": [{"serial": "S1"}]}),
    )

    posted = as_clerk.ok(f"/documents/{draft['id']}/post")

    assert posted["status"] == "posted" and posted["number"].startswith("CNT-")
    assert all(
        line.get("expected") is None for line in as_clerk.get(f"/documents/{draft['id']}").json()["lines"]
    )
    card = as_clerk.get("/items/DRILL/serials/S2").json()
    assert card["status"] == "adjusted_out"
    assert [(h["type"], h["from"], h["to"]) for h in card["history"]][-1] == ("count", "WH1", "ADJUSTMENT")


def test_a_whole_location_count_lists_the_items_no_line_names(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("S1")))
    as_clerk.ok("/documents?post=true", receipt({"item": "SCREW", "quantity": 40, "to_location": "WH1"}))
    body = count(
        {"item": "DRILL", "quantity": 1, "to_location": "WH1", "tracking": [{"serial": "S1"}]},
        scope="location",
    )

    draft = as_clerk.created("/documents", body)
    shown = as_clerk.get(f"/documents/{draft['id']}").json()
    as_clerk.ok(f"/documents/{draft['id']}/post")

    assert [(e["item"], e["line"], e["quantity"], e["counted"]) for e in shown["not_listed"]] == [
        ("SCREW", None, 40, 0)
    ]
    assert as_clerk.get("/availability", params={"item": "SCREW"}).json()["on_hand"] == 0


def test_a_count_line_may_count_zero(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt({"item": "SCREW", "quantity": 5, "to_location": "WH1"}))

    as_clerk.ok("/documents?post=true", count({"item": "SCREW", "quantity": 0, "to_location": "WH1"}))

    assert as_clerk.get("/availability", params={"item": "SCREW"}).json()["on_hand"] == 0


def test_a_serial_on_hand_elsewhere_is_refused_with_serial_exists(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("S1", to="WH2")))

    response = as_clerk.post(
        "/documents?post=true",
        count({"item": "DRILL", "quantity": 1, "to_location": "WH1", "tracking": [{"serial": "S1"}]}),
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "serial_exists"
    assert [(e["line"], e["tracking"], e["code"]) for e in problem["errors"]] == [(1, "S1", "serial_exists")]
    assert as_clerk.get("/documents", params={"type": "count"}).json()["items"] == []


def test_two_different_locations_on_a_count_line_are_a_validation_error(world, as_clerk):
    response = as_clerk.post(
        "/documents", count({"item": "SCREW", "quantity": 1, "from_location": "WH1", "to_location": "WH2"})
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "one location" in response.json()["detail"]


def test_scope_and_zero_quantities_belong_to_counts_only(world, as_clerk):
    with_scope = as_clerk.post("/documents", receipt(serials_in("S1"), scope="location"))
    zero = as_clerk.post("/documents", receipt({"item": "SCREW", "quantity": 0, "to_location": "WH1"}))

    assert (with_scope.status_code, with_scope.json()["code"]) == (422, "validation_error")
    assert "scope" in with_scope.json()["detail"]
    assert (zero.status_code, zero.json()["code"]) == (422, "validation_error")
    assert "positive" in zero.json()["detail"]


def test_other_documents_carry_no_count_fields(world, as_clerk):
    posted = as_clerk.ok("/documents?post=true", receipt(serials_in("S1")))

    assert "scope" not in posted and "not_listed" not in posted
    assert "expected" not in posted["lines"][0]
