"""Expired stock over HTTP: cards, `GET /lots?status=expired`, `GET /serials` and availability's
`expired` (SPEC §2, §5 "Expiry and warranty"). The server's clock is pinned to one day."""

from __future__ import annotations

import pytest

from tests.api.conftest import PINNED_TODAY, receipt, shipment

TODAY = PINNED_TODAY


pytestmark = pytest.mark.usefixtures("pinned_today")


@pytest.fixture
def honey(world):
    """HONEY: lots with expiration dates, not strict (status is about the date, not posting)."""
    world.created(
        "/tracking-codes", {"code": "LOTDATE", "lot": {"specific": True}, "use_expiration_dates": True}
    )
    world.created("/items", {"sku": "HONEY", "name": "Honey", "unit": "kg", "tracking_code": "LOTDATE"})
    return world


def lot_in(item: str, lot: str, quantity: int, expiration: str) -> dict:
    return {
        "item": item,
        "quantity": quantity,
        "to_location": "WH1",
        "tracking": [{"lot": lot, "quantity": quantity, "expiration_date": expiration}],
    }


def lots(api, **params) -> list[tuple[str, str]]:
    found = api.get("/lots", params=params)
    assert found.status_code == 200, found.text
    return [(r["lot"], r["status"]) for r in found.json()["items"]]


@pytest.mark.parametrize("item", ["MILK", "HONEY"])  # strict and not strict alike
def test_a_lot_that_expired_in_2024_is_expired_on_its_card_in_the_list_and_in_availability(
    honey, as_clerk, as_viewer, item
):
    as_clerk.ok(
        "/documents?post=true",
        receipt(lot_in(item, "OLD", 10, "2024-06-30"), lot_in(item, "NEW", 5, "2027-11-30")),
    )

    card = as_viewer.get(f"/items/{item}/lots/OLD").json()
    found = as_viewer.get("/availability", params={"item": item}).json()

    assert (card["status"], card["expiration_date"]) == ("expired", "2024-06-30")
    assert lots(as_viewer, item=item, status="expired") == [("OLD", "expired")]
    assert lots(as_viewer, item=item, status="available") == [("NEW", "available")]
    assert found == {
        "item": item,
        "location": None,
        "on_hand": 15,
        "reserved": 0,
        "available": 5,
        "expired": 10,
        "lots": [
            {"lot": "NEW", "on_hand": 5, "reserved": 0, "available": 5, "expired": 0},
            {"lot": "OLD", "on_hand": 10, "reserved": 0, "available": 0, "expired": 10},
        ],
    }


def test_a_lot_expiring_today_is_still_available(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(lot_in("MILK", "L1", 4, TODAY.isoformat())))

    card = as_viewer.get("/items/MILK/lots/L1").json()
    found = as_viewer.get("/availability", params={"item": "MILK", "lot": "L1"}).json()

    assert card["status"] == "available"
    assert (found["on_hand"], found["expired"], found["available"]) == (4, 0, 4)
    assert lots(as_viewer, status="expired") == []


def test_blocked_wins_over_expired(world, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(lot_in("MILK", "OLD", 10, "2024-06-30")))

    patched = as_clerk.patch("/items/MILK/lots/OLD", {"blocked": True})

    assert (patched.status_code, patched.json()["status"]) == (200, "blocked")
    assert lots(as_viewer, status="blocked") == [("OLD", "blocked")]
    assert lots(as_viewer, status="expired") == []


def test_an_expired_serial_is_expired_on_its_card_and_in_the_serial_list(
    world, as_admin, as_clerk, as_viewer
):
    as_admin.created(
        "/tracking-codes",
        {"code": "SNDATE", "serial": {"specific": True}, "use_expiration_dates": True},
    )
    as_admin.created("/items", {"sku": "VACCINE", "name": "Vaccine", "tracking_code": "SNDATE"})
    vials = [
        {"serial": "V-OLD", "expiration_date": "2024-06-30"},
        {"serial": "V-NEW", "expiration_date": "2027-11-30"},
    ]
    as_clerk.ok(
        "/documents?post=true",
        receipt({"item": "VACCINE", "quantity": 2, "to_location": "WH1", "tracking": vials}),
    )

    card = as_viewer.get("/items/VACCINE/serials/V-OLD").json()
    expired = as_viewer.get("/serials", params={"status": "expired"}).json()["items"]
    available = as_viewer.get("/serials", params={"item": "VACCINE", "status": "available"}).json()["items"]

    assert card["status"] == "expired"
    assert [(r["serial"], r["status"]) for r in expired] == [("V-OLD", "expired")]
    assert [r["serial"] for r in available] == ["V-NEW"]


def test_expired_stock_still_ships_when_not_strict_and_is_then_delivered(honey, as_clerk, as_viewer):
    as_clerk.ok("/documents?post=true", receipt(lot_in("HONEY", "OLD", 3, "2024-06-30")))
    out = {
        "item": "HONEY",
        "quantity": 3,
        "from_location": "WH1",
        "tracking": [{"lot": "OLD", "quantity": 3}],
    }

    as_clerk.ok("/documents?post=true", shipment(out))

    assert as_viewer.get("/items/HONEY/lots/OLD").json()["status"] == "delivered"
    assert as_viewer.get("/availability", params={"item": "HONEY"}).json()["expired"] == 0
