"""Documents through the API: drafts, posting, refusals as problem+json, idempotency, transit."""

from __future__ import annotations

from itemtrace.api import clock
from tests.api.conftest import API, receipt, serials_in, serials_out, shipment


def entry_count(api, document_id: int) -> int:
    return len(api.get(f"/documents/{document_id}/entries").json())


# -- drafts and reading ----------------------------------------------------------------------------


def test_a_draft_is_created_with_its_lines_and_tracking(world, as_clerk):
    response = as_clerk.post(
        "/documents",
        receipt(serials_in("S/N-Vend0001", "S/N-Vend0002"), reference="PO-7", posting_date="2026-03-01"),
    )

    assert response.status_code == 201
    document = response.json()
    assert document["number"] == f"RCPT-{document['id']:06d}"
    assert document["type"] == "receipt"
    assert document["status"] == "draft"
    assert document["partner"] == "VEND"
    assert document["reference"] == "PO-7"
    assert document["posting_date"] == "2026-03-01"
    assert document["in_transit"] is False
    assert document["transit_status"] is None
    assert document["created_by"] == "carl"
    assert document["posted_by"] is None
    assert document["posted_at"] is None
    [line] = document["lines"]
    assert line["line"] == 1
    assert line["item"] == "DRILL"
    assert line["quantity"] == 2
    assert line["from_location"] == "SUPPLIER"
    assert line["to_location"] == "WH1"
    assert line["role"] is None
    assert [(t["serial"], t["quantity"]) for t in line["tracking"]] == [
        ("S/N-Vend0001", 1),
        ("S/N-Vend0002", 1),
    ]


def test_a_draft_reads_back_the_same(world, as_clerk, as_viewer):
    created = as_clerk.created("/documents", receipt(serials_in("A1")))

    response = as_viewer.get(f"/documents/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


def test_a_draft_writes_no_ledger_entries(world, as_clerk):
    created = as_clerk.created("/documents", receipt(serials_in("A1")))

    assert as_clerk.get(f"/documents/{created['id']}/entries").json() == []


def test_an_unknown_document_is_not_found(as_viewer):
    for path in ("/documents/999999", "/documents/999999/entries"):
        response = as_viewer.get(path)

        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"


def test_posting_an_unknown_document_is_not_found(as_clerk):
    assert as_clerk.post("/documents/999999/post").json()["code"] == "not_found"


def test_quantities_may_be_strings_or_decimals_and_come_back_as_numbers(world, as_clerk):
    document = as_clerk.created(
        "/documents",
        receipt(
            {"item": "SCREW", "quantity": "2.5", "to_location": "WH1"},
            {"item": "SCREW", "quantity": 0.125, "to_location": "WH1"},
            {"item": "SCREW", "quantity": "7", "to_location": "WH1"},
        ),
    )

    assert [line["quantity"] for line in document["lines"]] == [2.5, 0.125, 7]


def test_a_quantity_with_four_decimals_is_a_validation_error(world, as_clerk):
    response = as_clerk.post(
        "/documents", receipt({"item": "SCREW", "quantity": "1.0001", "to_location": "WH1"})
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["loc"] == ["body", "lines", "0", "quantity"]


def test_zero_negative_and_non_numeric_quantities_are_validation_errors(world, as_clerk):
    for quantity in (0, -1, "lots", True, None):
        response = as_clerk.post(
            "/documents", receipt({"item": "SCREW", "quantity": quantity, "to_location": "WH1"})
        )

        assert response.status_code == 422, quantity
        assert response.json()["code"] == "validation_error"


def test_an_unknown_document_type_is_a_validation_error(world, as_clerk):
    response = as_clerk.post("/documents", {"type": "gift", "lines": [{"item": "SCREW", "quantity": 1}]})

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "type"]


def test_a_document_without_lines_is_a_validation_error(world, as_clerk):
    response = as_clerk.post("/documents", receipt())

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_number_longer_than_50_characters_is_a_validation_error(world, as_clerk):
    response = as_clerk.post("/documents", receipt(serials_in("S" * 51)))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["errors"][0]["loc"] == ["body", "lines", "0", "tracking", "0", "serial"]


def test_a_number_with_a_control_character_is_a_validation_error(world, as_clerk):
    response = as_clerk.post("/documents", receipt(serials_in("S\n1")))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_an_unknown_item_on_a_line_is_a_validation_error(world, as_clerk):
    response = as_clerk.post("/documents", receipt({"item": "NOPE", "quantity": 1, "to_location": "WH1"}))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "NOPE" in response.json()["detail"]


def test_an_unknown_location_on_a_line_is_a_validation_error(world, as_clerk):
    response = as_clerk.post("/documents", receipt({"item": "SCREW", "quantity": 1, "to_location": "MARS"}))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_malformed_json_is_a_validation_error(world, as_clerk):
    response = as_clerk.client.post(
        f"{API}/documents",
        content=b"{not json",
        headers={**as_clerk.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# -- roles ---------------------------------------------------------------------------------


def test_a_viewer_cannot_create_post_receive_or_cancel_documents(world, as_clerk, as_viewer):
    draft = as_clerk.created("/documents", receipt(serials_in("A1")))

    for path in (
        "/documents",
        "/documents?post=true",
        f"/documents/{draft['id']}/post",
        f"/documents/{draft['id']}/receive",
        f"/documents/{draft['id']}/cancel",
    ):
        response = as_viewer.post(
            path,
            receipt(serials_in("A2")) if path.startswith("/documents?") or path == "/documents" else None,
        )

        assert response.status_code == 403, path
        assert response.json()["code"] == "forbidden"
    assert as_viewer.get(f"/documents/{draft['id']}").json()["status"] == "draft"


def test_documents_need_a_token(client):
    assert client.post(f"{API}/documents", json=receipt(serials_in("A1"))).status_code == 401
    assert client.get(f"{API}/documents").status_code == 401


# -- posting -------------------------------------------------------------------------------


def test_posting_a_draft_writes_one_entry_per_serial(world, as_clerk):
    draft = as_clerk.created("/documents", receipt(serials_in("A1", "A2"), posting_date="2026-03-01"))

    response = as_clerk.post(f"/documents/{draft['id']}/post")

    assert response.status_code == 200
    posted = response.json()
    assert posted["status"] == "posted"
    assert posted["posted_by"] == "carl"
    assert posted["posting_date"] == "2026-03-01"
    entries = as_clerk.get(f"/documents/{draft['id']}/entries").json()
    assert [(e["serial"], e["quantity"], e["from_location"], e["to_location"]) for e in entries] == [
        ("A1", 1, "SUPPLIER", "WH1"),
        ("A2", 1, "SUPPLIER", "WH1"),
    ]
    assert {(e["item"], e["partner"], e["user"], e["posting_date"], e["line"]) for e in entries} == {
        ("DRILL", "VEND", "carl", "2026-03-01", 1)
    }


def test_post_true_creates_and_posts_in_one_call(world, as_clerk):
    response = as_clerk.post("/documents?post=true", receipt(serials_in("A1")))

    assert response.status_code == 201
    assert response.json()["status"] == "posted"
    assert entry_count(as_clerk, response.json()["id"]) == 1


def test_posting_without_a_posting_date_uses_today_and_stamps_utc(world, as_clerk):
    posted = as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))

    assert posted["posting_date"] == clock.today().isoformat()
    assert posted["posted_at"].endswith("Z")
    assert posted["created_at"] == posted["posted_at"]


def test_posting_a_posted_document_again_is_a_conflict(world, as_clerk):
    posted = as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))

    response = as_clerk.post(f"/documents/{posted['id']}/post")

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "document_not_draft"
    assert body["status"] == 409
    assert entry_count(as_clerk, posted["id"]) == 1


def test_cancelling_a_draft_marks_it_cancelled_and_it_cannot_be_posted(world, as_clerk):
    draft = as_clerk.created("/documents", receipt(serials_in("A1")))

    cancelled = as_clerk.post(f"/documents/{draft['id']}/cancel")
    then_posted = as_clerk.post(f"/documents/{draft['id']}/post")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert then_posted.status_code == 409
    assert then_posted.json()["code"] == "document_not_draft"


def test_cancelling_a_posted_document_is_a_conflict(world, as_clerk):
    posted = as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))

    response = as_clerk.post(f"/documents/{posted['id']}/cancel")

    assert response.status_code == 409
    assert response.json()["code"] == "document_not_draft"


# -- refusals ----------------------------------------------------------------------------------


def test_a_refused_post_true_is_422_with_every_violation_and_leaves_no_draft(world, as_clerk):
    before = as_clerk.get("/documents").json()["items"]

    response = as_clerk.post(
        "/documents?post=true",
        receipt({"item": "DRILL", "quantity": 1, "to_location": "WH1"}),
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "tracking_required"
    assert body["status"] == 422
    assert body["title"] == "Posting refused"
    assert body["errors"] == [
        {"line": 1, "tracking": None, "code": "tracking_required", "detail": body["errors"][0]["detail"]}
    ]
    assert as_clerk.get("/documents").json()["items"] == before


def test_an_inbound_serial_already_in_stock_is_serial_exists(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))

    response = as_clerk.post("/documents?post=true", receipt(serials_in("A2", "A1")))

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["line"], error["tracking"], error["code"]) == (1, "A1", "serial_exists")


def test_every_violation_of_a_document_is_listed(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))

    response = as_clerk.post(
        "/documents?post=true",
        receipt(serials_in("A1"), {"item": "DRILL", "quantity": 1, "to_location": "WH1"}),
    )

    assert response.status_code == 422
    assert [(e["line"], e["tracking"], e["code"]) for e in response.json()["errors"]] == [
        (1, "A1", "serial_exists"),
        (2, None, "tracking_required"),
    ]


def test_shipping_a_serial_that_is_elsewhere_is_serial_not_available(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", to="WH2")))

    response = as_clerk.post("/documents?post=true", shipment(serials_out("A1", source="WH1")))

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["line"], error["tracking"], error["code"]) == (1, "A1", "serial_not_available")


def test_shipping_more_than_on_hand_is_insufficient_quantity(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt({"item": "SCREW", "quantity": 5, "to_location": "WH1"}))

    response = as_clerk.post(
        "/documents?post=true", shipment({"item": "SCREW", "quantity": 6, "from_location": "WH1"})
    )

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["line"], error["code"]) == (1, "insufficient_quantity")


def test_shipping_a_blocked_serial_is_tracking_blocked(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))
    as_clerk.patch("/items/DRILL/serials/A1", {"blocked": True})

    response = as_clerk.post("/documents?post=true", shipment(serials_out("A1")))

    assert response.status_code == 422
    assert [(e["tracking"], e["code"]) for e in response.json()["errors"]] == [("A1", "tracking_blocked")]


def test_a_serial_returned_by_another_customer_is_not_sold_to_partner(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))
    as_clerk.ok("/documents?post=true", shipment(serials_out("A1"), partner="ACME"))

    response = as_clerk.post(
        "/documents?post=true",
        {
            "type": "return_receipt",
            "partner": "BETA",
            "lines": [{"item": "DRILL", "quantity": 1, "to_location": "WH1", "tracking": [{"serial": "A1"}]}],
        },
    )

    assert response.status_code == 422
    assert [(e["tracking"], e["code"]) for e in response.json()["errors"]] == [("A1", "not_sold_to_partner")]


def test_the_customer_it_was_shipped_to_can_return_a_serial(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))
    as_clerk.ok("/documents?post=true", shipment(serials_out("A1"), partner="ACME"))

    response = as_clerk.post(
        "/documents?post=true",
        {
            "type": "return_receipt",
            "partner": "ACME",
            "lines": [{"item": "DRILL", "quantity": 1, "to_location": "WH2", "tracking": [{"serial": "A1"}]}],
        },
    )

    assert response.status_code == 201
    assert as_viewer.get("/items/DRILL/serials/A1").json()["location"] == "WH2"


def test_a_refused_draft_post_writes_nothing_and_stays_a_draft(world, as_clerk):
    draft = as_clerk.created("/documents", shipment(serials_out("NOPE")))

    response = as_clerk.post(f"/documents/{draft['id']}/post")

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "serial_not_available"
    assert as_clerk.get(f"/documents/{draft['id']}").json()["status"] == "draft"
    assert entry_count(as_clerk, draft["id"]) == 0


# -- idempotency -------------------------------------------------------------------------------


def test_a_retried_create_with_the_same_key_returns_the_same_document_and_posts_once(world, as_clerk):
    body = receipt(serials_in("A1", "A2"))
    key = {"Idempotency-Key": "retry-1"}

    first = as_clerk.post("/documents?post=true", body, headers=key)
    second = as_clerk.post("/documents?post=true", body, headers=key)

    assert first.status_code == 201
    assert second.status_code == 201
    assert second.json() == first.json()
    assert entry_count(as_clerk, first.json()["id"]) == 2
    assert len(as_clerk.get("/documents").json()["items"]) == 1


def test_a_key_reused_with_another_body_is_an_idempotency_conflict(world, as_clerk):
    key = {"Idempotency-Key": "retry-2"}
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")), headers=key)

    response = as_clerk.post("/documents?post=true", receipt(serials_in("A9")), headers=key)

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_conflict"
    assert len(as_clerk.get("/documents").json()["items"]) == 1


def test_a_key_reused_without_post_true_is_an_idempotency_conflict(world, as_clerk):
    key = {"Idempotency-Key": "retry-3"}
    body = receipt(serials_in("A1"))
    as_clerk.ok("/documents", body, headers=key)

    response = as_clerk.post("/documents?post=true", body, headers=key)

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"


def test_a_retried_post_with_the_same_key_answers_200_again_and_posts_once(world, as_clerk):
    draft = as_clerk.created("/documents", receipt(serials_in("A1")))
    key = {"Idempotency-Key": "post-1"}

    first = as_clerk.post(f"/documents/{draft['id']}/post", headers=key)
    second = as_clerk.post(f"/documents/{draft['id']}/post", headers=key)

    assert first.status_code == 200
    assert second.status_code == 200
    assert second.json() == first.json()
    assert entry_count(as_clerk, draft["id"]) == 1


def test_a_refused_request_does_not_use_up_its_key(world, as_clerk):
    key = {"Idempotency-Key": "retry-4"}
    body = receipt(serials_in("A1"))
    as_clerk.ok("/documents?post=true", body)

    refused = as_clerk.post("/documents?post=true", body, headers=key)
    as_clerk.ok("/documents?post=true", shipment(serials_out("A1")))
    retried = as_clerk.post("/documents?post=true", body, headers=key)

    assert refused.status_code == 422
    assert retried.status_code == 201


# -- listing -----------------------------------------------------------------------------------


def test_documents_are_listed_newest_first_in_exact_pages(world, as_clerk):
    ids = [as_clerk.created("/documents", receipt(serials_in(f"A{i}")))["id"] for i in range(5)]

    first = as_clerk.get("/documents", params={"limit": 2}).json()
    second = as_clerk.get("/documents", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    third = as_clerk.get("/documents", params={"limit": 2, "cursor": second["next_cursor"]}).json()

    assert [d["id"] for d in first["items"]] == [ids[4], ids[3]]
    assert [d["id"] for d in second["items"]] == [ids[2], ids[1]]
    assert [d["id"] for d in third["items"]] == [ids[0]]
    assert third["next_cursor"] is None


def test_documents_filter_by_type_and_status(world, as_clerk):
    draft = as_clerk.created("/documents", receipt(serials_in("A1")))
    posted = as_clerk.ok("/documents?post=true", receipt(serials_in("A2")))
    shipped = as_clerk.ok("/documents?post=true", shipment(serials_out("A2")))

    def ids(**params):
        return [d["id"] for d in as_clerk.get("/documents", params=params).json()["items"]]

    assert ids(type="receipt") == [posted["id"], draft["id"]]
    assert ids(status="posted") == [shipped["id"], posted["id"]]
    assert ids(type="receipt", status="draft") == [draft["id"]]
    assert ids(type="scrap") == []


def test_an_unknown_status_filter_is_a_validation_error(as_viewer):
    response = as_viewer.get("/documents", params={"status": "lost"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# -- assignment of numbers ---------------------------------------------------------------------


def test_assign_serial_fills_the_line_from_the_items_series(world, as_clerk):
    posted = as_clerk.ok(
        "/documents?post=true",
        receipt({"item": "DRILL", "quantity": 3, "to_location": "WH1", "assign": {"serial": True}}),
    )

    [line] = posted["lines"]
    assert [t["serial"] for t in line["tracking"]] == ["S-00001", "S-00002", "S-00003"]
    assert entry_count(as_clerk, posted["id"]) == 3


def test_assign_lot_puts_the_whole_line_in_a_new_lot(world, as_clerk):
    posted = as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "MILK",
                "quantity": "12.5",
                "to_location": "WH1",
                "assign": {"lot": True},
                "tracking": [],
            }
        ),
    )

    [line] = posted["lines"]
    assert [(t["lot"], t["quantity"]) for t in line["tracking"]] == [("L-0001", 12.5)]


def test_a_customised_run_assigns_serials_from_start_by_increment(world, as_clerk):
    posted = as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "DRILL",
                "quantity": 3,
                "to_location": "WH1",
                "assign": {"serial": True, "start": "S/N-Vend0001", "increment": 2, "count": 3},
            }
        ),
    )

    [line] = posted["lines"]
    assert [t["serial"] for t in line["tracking"]] == ["S/N-Vend0001", "S/N-Vend0003", "S/N-Vend0005"]


def test_a_customised_run_start_without_a_digit_is_a_validation_error(world, as_clerk):
    response = as_clerk.post(
        "/documents?post=true",
        receipt(
            {"item": "DRILL", "quantity": 2, "to_location": "WH1", "assign": {"serial": True, "start": "ABC"}}
        ),
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# -- lots and packages ---------------------------------------------------------------------------


def test_a_lot_line_without_quantity_takes_the_line_quantity(world, as_clerk):
    posted = as_clerk.ok(
        "/documents",
        receipt(
            {
                "item": "MILK",
                "quantity": 4,
                "to_location": "WH1",
                "tracking": [{"lot": "L/1", "expiration_date": "2027-01-01"}],
            }
        ),
    )

    [tracking] = posted["lines"][0]["tracking"]
    assert (tracking["lot"], tracking["quantity"], tracking["expiration_date"]) == ("L/1", 4, "2027-01-01")


def test_shipping_an_expired_lot_is_lot_expired(world, as_clerk):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "MILK",
                "quantity": 4,
                "to_location": "WH1",
                "tracking": [{"lot": "OLD", "expiration_date": "2026-01-01"}],
            },
            posting_date="2025-12-01",
        ),
    )

    response = as_clerk.post(
        "/documents?post=true",
        shipment(
            {
                "item": "MILK",
                "quantity": 1,
                "from_location": "WH1",
                "tracking": [{"lot": "OLD", "quantity": 1}],
            },
            posting_date="2026-01-02",
        ),
    )

    assert response.status_code == 422
    assert [(e["tracking"], e["code"]) for e in response.json()["errors"]] == [("OLD", "lot_expired")]


# -- transit -------------------------------------------------------------------------------------


def transfer(*serials: str) -> dict:
    return {
        "type": "transfer",
        "in_transit": True,
        "lines": [
            {
                "item": "DRILL",
                "quantity": len(serials),
                "from_location": "WH1",
                "to_location": "WH2",
                "tracking": [{"serial": s} for s in serials],
            }
        ],
    }


def test_an_in_transit_transfer_is_received_whole_without_a_body(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2")))
    shipped = as_clerk.ok("/documents?post=true", transfer("A1", "A2"))
    in_transit = as_viewer.get("/items/DRILL/serials/A1").json()

    response = as_clerk.post(f"/documents/{shipped['id']}/receive")

    assert shipped["transit_status"] == "in_transit"
    assert (in_transit["status"], in_transit["location"]) == ("in_transit", "TRANSIT")
    assert response.status_code == 200
    assert response.json()["transit_status"] == "received"
    arrived = as_viewer.get("/items/DRILL/serials/A1").json()
    assert (arrived["status"], arrived["location"]) == ("available", "WH2")
    assert entry_count(as_clerk, shipped["id"]) == 4


def test_receiving_what_was_shipped_with_a_body_completes_the_transfer(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2")))
    shipped = as_clerk.ok("/documents?post=true", transfer("A1", "A2"))

    response = as_clerk.post(
        f"/documents/{shipped['id']}/receive",
        {"lines": [{"item": "DRILL", "quantity": 2, "tracking": [{"serial": "A2"}, {"serial": "A1"}]}]},
    )

    assert response.status_code == 200
    assert response.json()["transit_status"] == "received"


def test_receiving_other_serials_than_shipped_is_transit_mismatch_and_writes_nothing(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1", "A2", "A3")))
    shipped = as_clerk.ok("/documents?post=true", transfer("A1", "A2"))

    response = as_clerk.post(
        f"/documents/{shipped['id']}/receive",
        {"lines": [{"item": "DRILL", "quantity": 2, "tracking": [{"serial": "A1"}, {"serial": "A3"}]}]},
    )

    assert response.status_code == 422
    assert [(e["tracking"], e["code"]) for e in response.json()["errors"]] == [("A3", "transit_mismatch")]
    assert entry_count(as_clerk, shipped["id"]) == 2
    assert as_clerk.get(f"/documents/{shipped['id']}").json()["transit_status"] == "in_transit"


def test_receiving_a_transfer_twice_is_a_conflict(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))
    shipped = as_clerk.ok("/documents?post=true", transfer("A1"))
    as_clerk.ok(f"/documents/{shipped['id']}/receive")

    response = as_clerk.post(f"/documents/{shipped['id']}/receive")

    assert response.status_code == 409
    assert response.json()["code"] == "document_not_draft"


def test_receiving_an_untracked_transfer_by_quantity(world, as_clerk):
    as_clerk.ok("/documents?post=true", receipt({"item": "SCREW", "quantity": 5, "to_location": "WH1"}))
    shipped = as_clerk.ok(
        "/documents?post=true",
        {
            "type": "transfer",
            "in_transit": True,
            "lines": [{"item": "SCREW", "quantity": 3, "from_location": "WH1", "to_location": "WH2"}],
        },
    )

    wrong = as_clerk.post(
        f"/documents/{shipped['id']}/receive", {"lines": [{"item": "SCREW", "quantity": 4}]}
    )
    right = as_clerk.post(
        f"/documents/{shipped['id']}/receive", {"lines": [{"item": "SCREW", "quantity": "3"}]}
    )

    assert wrong.json()["errors"][0]["code"] == "transit_mismatch"
    assert right.status_code == 200


def test_receiving_a_receipt_is_a_validation_error(world, as_clerk):
    posted = as_clerk.ok("/documents?post=true", receipt(serials_in("A1")))

    response = as_clerk.post(f"/documents/{posted['id']}/receive")

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
