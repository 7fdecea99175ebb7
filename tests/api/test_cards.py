"""Information cards and search lists: serials with '/' in them, lots, packages, comments."""

from __future__ import annotations

from tests.api.conftest import API, receipt, serials_in, serials_out, shipment

SN = "S/N-Vend0001"


def test_a_serial_card_with_a_slash_shows_status_location_and_history(world, as_clerk, as_viewer):
    received = as_clerk.ok("/documents?post=true", receipt(serials_in(SN), posting_date="2026-03-01"))

    response = as_viewer.get(f"/items/DRILL/serials/{SN}")

    assert response.status_code == 200
    card = response.json()
    assert {
        k: v
        for k, v in card.items()
        if k not in ("history", "comments", "genealogy", "renamed_to", "renamed_from")
    } == {
        "item": "DRILL",
        "serial": SN,
        "lot": None,
        "package": None,
        "status": "available",
        "location": "WH1",
        "holder": None,
        "expiration_date": None,
        "warranty_date": None,
        "blocked": False,
        "description": "",
        "attributes": {},
        "warranty": {"date": None, "status": "none", "days_left": None},
        "service_log": [],
        "replaces": None,
    }
    assert card["comments"] == []
    assert card["genealogy"] == {"went_into": [], "made_from": []}
    assert (card["renamed_to"], card["renamed_from"]) == ([], [])
    [moved] = card["history"]
    assert moved["document"] == received["number"]
    assert moved["document_id"] == received["id"]
    assert moved["type"] == "receipt"
    assert (moved["from"], moved["to"]) == ("SUPPLIER", "WH1")
    assert (moved["partner"], moved["user"], moved["quantity"]) == ("VEND", "carl", 1)
    assert moved["posting_date"] == "2026-03-01"
    assert moved["posted_at"] == received["posted_at"]


def test_a_percent_encoded_slash_reaches_the_same_card(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in(SN)))

    response = as_viewer.get("/items/DRILL/serials/S%2FN-Vend0001")

    assert response.status_code == 200
    assert response.json()["serial"] == SN


def test_a_shipped_serial_shows_its_holder_and_history_oldest_first(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in(SN)))
    shipped = as_clerk.ok("/documents?post=true", shipment(serials_out(SN), partner="ACME"))

    card = as_viewer.get(f"/items/DRILL/serials/{SN}").json()

    assert (card["status"], card["location"], card["holder"]) == ("delivered", None, "ACME")
    assert [(h["type"], h["from"], h["to"], h["partner"]) for h in card["history"]] == [
        ("receipt", "SUPPLIER", "WH1", "VEND"),
        ("shipment", "WH1", "CUSTOMER", "ACME"),
    ]
    assert card["history"][1]["document"] == shipped["number"]


def test_an_unknown_serial_is_not_found(world, as_viewer):
    response = as_viewer.get(f"/items/DRILL/serials/{SN}")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_a_serial_of_an_unknown_item_is_not_found(world, as_viewer):
    assert as_viewer.get(f"/items/NOPE/serials/{SN}").json()["code"] == "not_found"


def test_patching_a_serial_card_blocks_describes_and_merges_attributes(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in(SN)))
    as_clerk.patch(f"/items/DRILL/serials/{SN}", {"attributes": {"colour": "red", "size": 3}})

    response = as_clerk.patch(
        f"/items/DRILL/serials/{SN}", {"blocked": True, "description": "dented", "attributes": {"size": 4}}
    )

    assert response.status_code == 200
    card = as_viewer.get(f"/items/DRILL/serials/{SN}").json()
    assert response.json() == card
    assert (card["blocked"], card["status"], card["description"]) == (True, "blocked", "dented")
    assert card["attributes"] == {"colour": "red", "size": 4}


def test_a_patch_leaves_absent_fields_alone(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in(SN)))
    as_clerk.patch(f"/items/DRILL/serials/{SN}", {"blocked": True, "description": "dented"})

    card = as_clerk.patch(f"/items/DRILL/serials/{SN}", {"attributes": {"a": 1}}).json()

    assert (card["blocked"], card["description"], card["attributes"]) == (True, "dented", {"a": 1})


def test_unblocking_a_serial_makes_it_available_again(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in(SN)))
    as_clerk.patch(f"/items/DRILL/serials/{SN}", {"blocked": True})

    card = as_clerk.patch(f"/items/DRILL/serials/{SN}", {"blocked": False}).json()

    assert (card["blocked"], card["status"]) == (False, "available")


def test_patching_a_serial_that_was_never_posted_is_not_found(world, as_clerk):
    response = as_clerk.patch(f"/items/DRILL/serials/{SN}", {"blocked": True})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_comment_on_a_serial_with_a_slash_is_added_to_its_card(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in(SN)))

    response = as_clerk.post(f"/items/DRILL/serials/{SN}/comments", {"text": "fan noisy"})
    as_clerk.post(f"/items/DRILL/serials/{SN}/comments", {"text": "fan replaced"})

    assert response.status_code == 201
    assert response.json()["serial"] == SN
    comments = as_viewer.get(f"/items/DRILL/serials/{SN}").json()["comments"]
    assert [(c["text"], c["user"]) for c in comments] == [("fan noisy", "carl"), ("fan replaced", "carl")]
    assert comments[0]["created_at"].endswith("Z")


def test_an_empty_comment_is_a_validation_error(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in(SN)))

    response = as_clerk.post(f"/items/DRILL/serials/{SN}/comments", {"text": ""})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_viewer_cannot_patch_or_comment_cards(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in(SN)))

    patched = as_viewer.patch(f"/items/DRILL/serials/{SN}", {"blocked": True})
    commented = as_viewer.post(f"/items/DRILL/serials/{SN}/comments", {"text": "hi"})

    assert (patched.status_code, patched.json()["code"]) == (403, "forbidden")
    assert (commented.status_code, commented.json()["code"]) == (403, "forbidden")
    assert as_viewer.get(f"/items/DRILL/serials/{SN}").json()["blocked"] is False


def test_cards_need_a_token(world, client):
    assert client.get(f"{API}/items/DRILL/serials/{SN}").status_code == 401


# -- lots ------------------------------------------------------------------------------------------


def milk(lot: str, quantity: object, to: str = "WH1", expires: str = "2027-01-31") -> dict:
    return {
        "item": "MILK",
        "quantity": quantity,
        "to_location": to,
        "tracking": [{"lot": lot, "quantity": quantity, "expiration_date": expires}],
    }


def test_a_lot_card_shows_quantities_by_location_and_holder(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(milk("L/7", 10), milk("L/7", "2.5", to="WH2")))
    as_clerk.ok(
        "/documents?post=true",
        shipment(
            {
                "item": "MILK",
                "quantity": 3,
                "from_location": "WH1",
                "tracking": [{"lot": "L/7", "quantity": 3}],
            },
            partner="BETA",
        ),
    )

    response = as_viewer.get("/items/MILK/lots/L/7")

    assert response.status_code == 200
    card = response.json()
    assert card["lot"] == "L/7"
    assert card["item"] == "MILK"
    assert card["status"] == "available"
    assert card["on_hand"] == 9.5
    assert card["locations"] == [{"location": "WH1", "quantity": 7}, {"location": "WH2", "quantity": 2.5}]
    assert card["holders"] == [{"partner": "BETA", "quantity": 3}]
    assert card["expiration_date"] == "2027-01-31"
    assert card["location"] is None
    assert [h["type"] for h in card["history"]] == ["receipt", "receipt", "shipment"]


def test_a_lot_card_is_patched_and_commented_through_a_slash(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(milk("L/7", 10)))

    patched = as_clerk.patch("/items/MILK/lots/L/7", {"blocked": True, "description": "recalled"})
    commented = as_clerk.post("/items/MILK/lots/L/7/comments", {"text": "lab sample sent"})

    assert patched.status_code == 200
    assert (patched.json()["blocked"], patched.json()["status"]) == (True, "blocked")
    assert commented.status_code == 201
    assert [c["text"] for c in commented.json()["comments"]] == ["lab sample sent"]
    assert commented.json()["description"] == "recalled"


def test_an_unknown_lot_is_not_found(world, as_viewer):
    assert as_viewer.get("/items/MILK/lots/NOPE").status_code == 404


# -- packages --------------------------------------------------------------------------------------


def test_a_package_card_lists_its_contents(world, as_clerk, as_viewer):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "BOX",
                "quantity": 4,
                "to_location": "WH1",
                "tracking": [{"package": "P/1", "quantity": 4}],
            }
        ),
    )

    response = as_viewer.get("/packages/P/1")

    assert response.status_code == 200
    card = response.json()
    assert card["package"] == "P/1"
    assert card["status"] == "available"
    assert card["on_hand"] == 4
    assert card["location"] == "WH1"
    assert card["contents"] == [
        {"item": "BOX", "serial": None, "lot": None, "location": "WH1", "quantity": 4}
    ]


def test_a_package_card_is_patched_and_commented(world, as_clerk):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "BOX",
                "quantity": 1,
                "to_location": "WH1",
                "tracking": [{"package": "P/1", "quantity": 1}],
            }
        ),
    )

    patched = as_clerk.patch("/packages/P/1", {"attributes": {"seal": "intact"}})
    commented = as_clerk.post("/packages/P/1/comments", {"text": "weighed 4kg"})

    assert patched.json()["attributes"] == {"seal": "intact"}
    assert commented.status_code == 201
    assert [c["text"] for c in commented.json()["comments"]] == ["weighed 4kg"]


def test_an_unknown_package_is_not_found(world, as_viewer):
    assert as_viewer.get("/packages/NOPE").json()["code"] == "not_found"


# -- search lists ----------------------------------------------------------------------------------


def test_serials_are_listed_by_item_and_number_in_exact_pages(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A3", "A1", "A5", "A2", "A4")))

    first = as_viewer.get("/serials", params={"limit": 2}).json()
    second = as_viewer.get("/serials", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    third = as_viewer.get("/serials", params={"limit": 2, "cursor": second["next_cursor"]}).json()

    assert [s["serial"] for s in first["items"]] == ["A1", "A2"]
    assert [s["serial"] for s in second["items"]] == ["A3", "A4"]
    assert [s["serial"] for s in third["items"]] == ["A5"]
    assert third["next_cursor"] is None


def test_a_serial_row_says_where_it_is(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in(SN)))

    [row] = as_viewer.get("/serials").json()["items"]

    assert row == {
        "item": "DRILL",
        "serial": SN,
        "lot": None,
        "package": None,
        "status": "available",
        "location": "WH1",
        "holder": None,
        "quantity": 1,
        "expiration_date": None,
        "blocked": False,
    }


def test_serials_filter_by_location_status_and_text(world, as_clerk, as_viewer):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            serials_in("A1", "A2", "B1"),
        ),
    )
    as_clerk.ok("/documents?post=true", receipt(serials_in("C1", to="WH2")))
    as_clerk.ok("/documents?post=true", shipment(serials_out("A2")))
    as_clerk.patch("/items/DRILL/serials/B1", {"blocked": True})

    def serials(**params):
        return [s["serial"] for s in as_viewer.get("/serials", params=params).json()["items"]]

    assert serials(location="WH2") == ["C1"]
    assert serials(status="delivered") == ["A2"]
    assert serials(status="blocked") == ["B1"]
    assert serials(status="available") == ["A1", "C1"]
    assert serials(q="A") == ["A1", "A2"]
    assert serials(item="DRILL", location="WH1") == ["A1", "B1"]


def test_an_unknown_status_filter_on_serials_is_a_validation_error(as_viewer):
    response = as_viewer.get("/serials", params={"status": "lost"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_lots_are_listed_with_their_quantity_on_hand(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(milk("L2", 5), milk("L1", "1.5")))

    page = as_viewer.get("/lots", params={"item": "MILK"}).json()

    assert [(r["item"], r["lot"], r["quantity"], r["status"]) for r in page["items"]] == [
        ("MILK", "L1", 1.5, "available"),
        ("MILK", "L2", 5, "available"),
    ]
    assert page["next_cursor"] is None


def test_lots_come_in_exact_pages(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(milk("L1", 1), milk("L2", 1), milk("L3", 1)))

    first = as_viewer.get("/lots", params={"limit": 2}).json()
    second = as_viewer.get("/lots", params={"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [r["lot"] for r in first["items"]] == ["L1", "L2"]
    assert [r["lot"] for r in second["items"]] == ["L3"]
    assert second["next_cursor"] is None


def test_a_cursor_of_another_list_is_a_validation_error(world, as_clerk, as_viewer):
    for i in range(3):
        as_clerk.created("/documents", receipt(serials_in(f"A{i}")))
    documents_cursor = as_viewer.get("/documents", params={"limit": 1}).json()["next_cursor"]

    response = as_viewer.get("/serials", params={"cursor": documents_cursor})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def milk_out(lot: str) -> dict:
    return {"item": "MILK", "quantity": 1, "from_location": "WH1", "tracking": [{"lot": lot, "quantity": 1}]}


def test_a_status_filter_on_lots_fills_the_page_past_lots_of_other_statuses(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(*(milk(f"L{i}", 1) for i in range(1, 6))))
    as_clerk.ok(
        "/documents?post=true",
        shipment(*(milk_out(lot) for lot in ("L4", "L5"))),
    )

    first = as_viewer.get("/lots", params={"status": "delivered", "limit": 1}).json()
    second = as_viewer.get(
        "/lots", params={"status": "delivered", "limit": 1, "cursor": first["next_cursor"]}
    ).json()

    assert [(r["lot"], r["status"]) for r in first["items"]] == [("L4", "delivered")]
    assert [(r["lot"], r["status"]) for r in second["items"]] == [("L5", "delivered")]
    assert second["next_cursor"] is None
