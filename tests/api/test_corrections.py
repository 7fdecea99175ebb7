"""Corrections over HTTP: reverse, return from a shipment, partial post and partial receive."""

from __future__ import annotations

from tests.api.conftest import receipt, serials_in, serials_out, shipment


def card(api, serial: str) -> dict:
    return api.get(f"/items/DRILL/serials/{serial}").json()


def test_reversing_a_shipment_links_both_ways_and_the_card_shows_a_correction(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))
    shipped = as_clerk.ok("/documents?post=true", shipment(serials_out("A1")))

    response = as_clerk.post(f"/documents/{shipped['id']}/reverse")

    assert response.status_code == 201, response.text
    reversal = response.json()
    assert (reversal["type"], reversal["status"], reversal["reverses"]) == (
        "shipment",
        "posted",
        shipped["number"],
    )
    original = as_viewer.get(f"/documents/{shipped['id']}").json()
    assert original["reversed_by"] == reversal["number"]
    listed = as_viewer.get("/documents", params={"type": "shipment"}).json()["items"]
    assert {d["number"]: (d.get("reverses"), d.get("reversed_by")) for d in listed} == {
        shipped["number"]: (None, reversal["number"]),
        reversal["number"]: (shipped["number"], None),
    }
    serial = card(as_viewer, "A1")
    assert (serial["status"], serial["location"], serial["holder"], serial["warranty_date"]) == (
        "available",
        "WH1",
        None,
        None,
    )
    last = serial["history"][-1]
    assert (last["correction"], last["reverses"], last["from"], last["to"]) == (
        True,
        shipped["number"],
        "CUSTOMER",
        "WH1",
    )


def test_a_second_reversal_is_409_and_moved_on_units_are_422_not_reversible(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2")))
    received = as_clerk.ok("/documents?post=true", receipt(serials_in("B1")))
    shipped = as_clerk.ok("/documents?post=true", shipment(serials_out("A1")))
    as_clerk.ok(f"/documents/{shipped['id']}/reverse")
    as_clerk.ok("/documents?post=true", shipment(serials_out("B1")))

    twice = as_clerk.post(f"/documents/{shipped['id']}/reverse")
    moved_on = as_clerk.post(f"/documents/{received['id']}/reverse")

    assert (twice.status_code, twice.json()["code"]) == (409, "not_reversible")
    assert (moved_on.status_code, moved_on.json()["code"]) == (422, "not_reversible")
    assert [(e["line"], e["tracking"], e["code"]) for e in moved_on.json()["errors"]] == [
        (1, "B1", "not_reversible")
    ]


def test_reversing_needs_a_clerk_and_honours_the_idempotency_key(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))
    shipped = as_clerk.ok("/documents?post=true", shipment(serials_out("A1")))
    key = {"Idempotency-Key": "undo-1"}

    forbidden = as_viewer.post(f"/documents/{shipped['id']}/reverse")
    first = as_clerk.post(f"/documents/{shipped['id']}/reverse", headers=key)
    again = as_clerk.post(f"/documents/{shipped['id']}/reverse", headers=key)

    assert forbidden.status_code == 403
    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]


def test_a_return_built_from_a_shipment_is_a_draft_for_its_customer(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2")))
    shipped = as_clerk.ok("/documents?post=true", shipment(serials_out("A1", "A2")))

    built = as_clerk.post(f"/documents/{shipped['id']}/return", {"to_location": "WH2"})
    unknown_field = as_clerk.post(f"/documents/{shipped['id']}/return", {"to": "WH2"})

    assert built.status_code == 201, built.text
    draft = built.json()
    assert (draft["type"], draft["status"], draft["partner"]) == ("return_receipt", "draft", "ACME")
    [line] = draft["lines"]
    assert (line["quantity"], line["to_location"]) == (2, "WH2")
    assert [t["serial"] for t in line["tracking"]] == ["A1", "A2"]
    assert unknown_field.status_code == 422
    posted = as_clerk.ok(f"/documents/{draft['id']}/post")
    assert posted["status"] == "posted"


def test_posting_part_of_a_draft_leaves_the_rest_a_draft(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2", "A3")))
    order = as_clerk.created("/documents", shipment(serials_out("A1", "A2", "A3")))

    response = as_clerk.post(
        f"/documents/{order['id']}/post",
        {"lines": [{"line": 1, "quantity": 2, "tracking": [{"serial": "A3"}, {"serial": "A1"}]}]},
    )

    assert response.status_code == 200, response.text
    part = response.json()
    assert (part["status"], part["from_draft"]) == ("posted", order["number"])
    assert [t["serial"] for t in part["lines"][0]["tracking"]] == ["A3", "A1"]
    rest = as_viewer.get(f"/documents/{order['id']}").json()
    assert (rest["status"], rest["lines"][0]["quantity"], rest["posted_parts"]) == (
        "draft",
        1,
        [part["number"]],
    )
    assert [card(as_viewer, s)["status"] for s in ("A1", "A2", "A3")] == [
        "delivered",
        "reserved",
        "delivered",
    ]
    done = as_clerk.ok(f"/documents/{order['id']}/post")
    assert (done["status"], done["posted_parts"]) == ("posted", [part["number"]])


def test_wrong_parts_are_422_with_line_numbers(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2")))
    order = as_clerk.created("/documents", shipment(serials_out("A1", "A2")))

    wrong = as_clerk.post(
        f"/documents/{order['id']}/post",
        {"lines": [{"line": 2, "quantity": 1}, {"line": 1, "quantity": 1, "tracking": [{"serial": "Z9"}]}]},
    )
    malformed = as_clerk.post(f"/documents/{order['id']}/post", {"lines": [{"line": 1, "qty": 1}]})

    assert wrong.status_code == 422
    assert [(e["line"], e["code"]) for e in wrong.json()["errors"]] == [(2, "validation_error")]
    assert (malformed.status_code, malformed.json()["code"]) == (422, "validation_error")


def test_a_partial_post_with_the_same_idempotency_key_posts_once(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2")))
    order = as_clerk.created("/documents", shipment(serials_out("A1", "A2")))
    body = {"lines": [{"line": 1, "quantity": 1}]}
    key = {"Idempotency-Key": "part-1"}

    first = as_clerk.post(f"/documents/{order['id']}/post", body, headers=key)
    again = as_clerk.post(f"/documents/{order['id']}/post", body, headers=key)
    other = as_clerk.post(
        f"/documents/{order['id']}/post", {"lines": [{"line": 1, "quantity": 2}]}, headers=key
    )

    assert first.json()["id"] == again.json()["id"]
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_conflict")
    assert as_viewer.get(f"/documents/{order['id']}").json()["lines"][0]["quantity"] == 1


def test_receiving_part_of_a_transfer_shows_received_and_still_in_transit(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2")))
    moved = as_clerk.ok(
        "/documents?post=true",
        {
            "type": "transfer",
            "in_transit": True,
            "lines": [{**serials_out("A1", "A2"), "to_location": "WH2"}],
        },
    )

    part = as_clerk.ok(
        f"/documents/{moved['id']}/receive",
        {"lines": [{"item": "DRILL", "tracking": [{"serial": "A2"}]}]},
    )

    assert part["transit_status"] == "in_transit"
    assert [(t["serial"], t["quantity"]) for t in part["received"]] == [("A2", 1)]
    assert [(t["line"], t["serial"]) for t in part["still_in_transit"]] == [(1, "A1")]
    assert [card(as_viewer, s)["status"] for s in ("A1", "A2")] == ["in_transit", "available"]
    rest = as_clerk.ok(f"/documents/{moved['id']}/receive")
    assert (rest["transit_status"], rest.get("still_in_transit")) == ("received", None)  # left out: empty


def test_a_count_or_a_reclassification_is_corrected_by_a_new_document_not_reversed(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))
    counted = as_clerk.ok(
        "/documents?post=true",
        {
            "type": "count",
            "lines": [{"item": "DRILL", "quantity": 1, "to_location": "WH1", "tracking": [{"serial": "A1"}]}],
        },
    )
    renamed = as_clerk.ok(
        "/documents?post=true",
        {
            "type": "reclassification",
            "lines": [
                {
                    "item": "DRILL",
                    "quantity": 1,
                    "from_location": "WH1",
                    "tracking": [{"serial": "A1", "new_serial": "A2"}],
                }
            ],
        },
    )

    for document, instead in ((counted, "a new count"), (renamed, "from the new numbers back to the old")):
        response = as_clerk.post(f"/documents/{document['id']}/reverse")
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "not_reversible"
        assert instead in response.json()["detail"]
