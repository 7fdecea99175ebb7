"""Warranty and service over HTTP: the serial card's `warranty` block and `service_log`,
`POST …/service`, replacements keeping the warranty, and `GET /reports/warranty` (SPEC §5
"Expiry and warranty"). The server's clock is pinned to one day."""

from __future__ import annotations

import pytest

from tests.api.conftest import PINNED_TODAY, receipt, serials_in, serials_out, shipment

TODAY = PINNED_TODAY


pytestmark = pytest.mark.usefixtures("pinned_today")


@pytest.fixture
def pumps(world):
    """PUMP: specific serials with a one-year warranty from shipment; P-1…P-4 received."""
    world.created("/tracking-codes", {"code": "WTY", "serial": {"specific": True}, "warranty_formula": "1Y"})
    world.created("/items", {"sku": "PUMP", "name": "Pump", "tracking_code": "WTY"})
    world.ok(
        "/documents?post=true",
        receipt(serials_in("P-1", "P-2", "P-3", "P-4", item="PUMP"), posting_date="2025-01-02"),
    )
    return world


def ship(api, *serials: str, on: str, partner: str = "ACME") -> None:
    api.ok(
        "/documents?post=true", shipment(serials_out(*serials, item="PUMP"), partner=partner, posting_date=on)
    )


def test_a_shipped_serial_shows_its_warranty_status_and_days_left(pumps, as_clerk):
    ship(as_clerk, "P-1", on="2025-12-01")  # warranty to 2026-12-01: 8 days from today

    card = as_clerk.get("/items/PUMP/serials/P-1").json()

    assert card["warranty"] == {"date": "2026-12-01", "status": "active", "days_left": 8}
    assert card["holder"] == "ACME"


def test_a_warranty_that_ended_yesterday_is_expired_and_one_ending_today_active(pumps, as_clerk):
    ship(as_clerk, "P-1", on="2025-11-22")
    ship(as_clerk, "P-2", on="2025-11-23")

    first = as_clerk.get("/items/PUMP/serials/P-1").json()["warranty"]
    second = as_clerk.get("/items/PUMP/serials/P-2").json()["warranty"]

    assert (first["status"], first["days_left"]) == ("expired", -1)
    assert (second["status"], second["days_left"]) == ("active", 0)


def test_a_serial_in_stock_has_no_warranty_yet(pumps, as_viewer):
    card = as_viewer.get("/items/PUMP/serials/P-1").json()

    assert card["warranty"] == {"date": None, "status": "none", "days_left": None}


def test_a_service_is_logged_on_the_card_with_user_and_date(pumps, as_clerk):
    ship(as_clerk, "P-1", on="2026-01-10")

    response = as_clerk.post(
        "/items/PUMP/serials/P-1/service", {"kind": "repair", "note": "new seal", "date": "2026-11-20"}
    )
    as_clerk.post("/items/PUMP/serials/P-1/service", {"kind": "inspection"})

    assert response.status_code == 201, response.text
    log = as_clerk.get("/items/PUMP/serials/P-1").json()["service_log"]
    assert [(s["kind"], s["note"], s["date"], s["user"]) for s in log] == [
        ("repair", "new seal", "2026-11-20", "carl"),
        ("inspection", "", "2026-11-23", "carl"),
    ]


def test_a_replacement_keeps_the_replaced_units_warranty(pumps, as_clerk):
    ship(as_clerk, "P-1", on="2026-01-10")  # warranty to 2027-01-10
    as_clerk.ok("/documents?post=true", {"type": "adjustment", "lines": [serials_out("P-2", item="PUMP")]})

    as_clerk.ok(
        "/items/PUMP/serials/P-1/service",
        {"kind": "replacement", "note": "pump seized", "replacement": "P-2"},
    )

    old = as_clerk.get("/items/PUMP/serials/P-1").json()
    new = as_clerk.get("/items/PUMP/serials/P-2").json()
    assert old["service_log"][0]["replacement"] == "P-2"
    assert new["replaces"] == "P-1"
    assert new["warranty"] == {"date": "2027-01-10", "status": "active", "days_left": 48}


def test_a_replacements_own_warranty_wins_when_its_shipment_set_one(pumps, as_clerk):
    ship(as_clerk, "P-1", on="2026-01-10")
    as_clerk.ok("/items/PUMP/serials/P-1/service", {"kind": "replacement", "replacement": "P-2"})

    ship(as_clerk, "P-2", on="2026-11-23")  # the formula gives it a year from today

    assert as_clerk.get("/items/PUMP/serials/P-2").json()["warranty"]["date"] == "2027-11-23"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"kind": "repair", "replacement": "P-2"}, 422, "only a replacement names a replacement serial"),
        ({"kind": "replacement", "replacement": "P-1"}, 422, "cannot replace itself"),
        ({"kind": "replacement", "replacement": "NEVER"}, 422, "receive it first"),
        ({"kind": "repair", "date": "2026-11-24"}, 422, "in the future"),
        ({"kind": "polish"}, 422, "inspection"),
        ({"kind": "repair", "notes": "typo"}, 422, "notes"),
    ],
)
def test_a_bad_service_is_refused_and_logs_nothing(pumps, as_clerk, body, status, says):
    response = as_clerk.post("/items/PUMP/serials/P-1/service", body)

    assert response.status_code == status, response.text
    assert response.json()["code"] == "validation_error"
    assert says in response.text
    assert as_clerk.get("/items/PUMP/serials/P-1").json()["service_log"] == []


def test_a_service_on_an_unknown_serial_is_not_found(pumps, as_clerk):
    response = as_clerk.post("/items/PUMP/serials/NOPE/service", {"kind": "repair"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_viewer_cannot_log_a_service(pumps, as_viewer):
    response = as_viewer.post("/items/PUMP/serials/P-1/service", {"kind": "repair"})

    assert response.status_code == 403


def test_the_warranty_report_lists_warranties_ending_soon_by_customer(pumps, as_clerk):
    ship(as_clerk, "P-1", on="2025-12-20", partner="BETA")  # ends 2026-12-20: in 27 days
    ship(as_clerk, "P-2", on="2025-12-01")  # ends 2026-12-01: in 8 days
    ship(as_clerk, "P-3", on="2025-11-01")  # ended 2026-11-01: not listed
    ship(as_clerk, "P-4", on="2026-06-01")  # ends 2027-06-01: outside 30 days

    report = as_clerk.get("/reports/warranty", params={"within_days": 30}).json()["items"]
    only_acme = as_clerk.get("/reports/warranty", params={"within_days": 30, "customer": "ACME"}).json()
    week = as_clerk.get("/reports/warranty", params={"within_days": 7}).json()

    assert [(r["customer"], r["serial"], r["warranty_date"], r["days_left"]) for r in report] == [
        ("ACME", "P-2", "2026-12-01", 8),
        ("BETA", "P-1", "2026-12-20", 27),
    ]
    assert [r["serial"] for r in only_acme["items"]] == ["P-2"]
    assert week["items"] == []


def test_a_returned_serial_leaves_the_warranty_report(pumps, as_clerk):
    ship(as_clerk, "P-2", on="2025-12-01")
    as_clerk.ok(
        "/documents?post=true",
        {"type": "return_receipt", "partner": "ACME", "lines": [serials_in("P-2", item="PUMP")]},
    )

    assert as_clerk.get("/reports/warranty", params={"within_days": 30}).json()["items"] == []


@pytest.mark.parametrize("params", [{"within_days": -1}, {"within_days": 99999}, {"customer": "NOPE"}])
def test_a_bad_warranty_report_filter_is_refused(pumps, as_viewer, params):
    response = as_viewer.get("/reports/warranty", params=params)

    assert response.status_code in (404, 422)
