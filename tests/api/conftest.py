"""API fixtures: a TestClient over the rolled-back test transaction, tokens per role, setup helpers."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient and warns when it finds httpx; the client
    # works the same with either, so the warning is not news (add httpx2 to drop this).
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient as TestClient

from itemtrace.api import clock
from itemtrace.api.app import create_app
from itemtrace.domain.users import Role
from itemtrace.services import users
from tests.conftest import now

API = "/api/v1"


@pytest.fixture
def client(session_factory) -> Iterator[TestClient]:
    with TestClient(create_app(session_factory=session_factory)) as test_client:
        yield test_client


def _token(uow, name: str, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {users.add_user(uow, name, role, now=now())}"}


@pytest.fixture
def admin(uow) -> dict[str, str]:
    """Headers of an admin user."""
    return _token(uow, "ada", Role.ADMIN)


@pytest.fixture
def clerk(uow) -> dict[str, str]:
    return _token(uow, "carl", Role.CLERK)


@pytest.fixture
def viewer(uow) -> dict[str, str]:
    return _token(uow, "vera", Role.VIEWER)


class Api:
    """Calls under /api/v1 with a user's headers; setup helpers that insist on success."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def get(self, path: str, **kwargs: Any):
        return self.client.get(API + path, headers=self.headers, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.post(API + path, json=json, headers=headers, **kwargs)

    def patch(self, path: str, json: Any = None):
        return self.client.patch(API + path, json=json, headers=self.headers)

    def created(self, path: str, json: Any) -> dict[str, Any]:
        response = self.post(path, json)
        assert response.status_code == 201, response.text
        return response.json()

    def ok(self, path: str, json: Any = None, **kwargs: Any) -> dict[str, Any]:
        response = self.post(path, json, **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()


@pytest.fixture
def as_admin(client, admin) -> Api:
    return Api(client, admin)


@pytest.fixture
def as_clerk(client, clerk) -> Api:
    return Api(client, clerk)


@pytest.fixture
def as_viewer(client, viewer) -> Api:
    return Api(client, viewer)


SERIAL = {"specific": True, "inbound": True, "outbound": True}


@pytest.fixture
def world(as_admin) -> Api:
    """A small warehouse set up through the API.

    Items: DRILL (specific serials, series S-#####), MILK (specific lots with expiration dates,
    series L-####), BOX (specific packages), SCREW (untracked). Locations WH1, WH2; partners
    VEND (vendor), ACME and BETA (customers).
    """
    as_admin.created("/number-series", {"code": "SN", "pattern": "S-{seq:5}"})
    as_admin.created("/number-series", {"code": "LOTS", "pattern": "L-{seq:4}"})
    as_admin.created("/tracking-codes", {"code": "SNALL", "serial": SERIAL})
    as_admin.created(
        "/tracking-codes",
        {
            "code": "LOTEXP",
            "lot": {"specific": True},
            "use_expiration_dates": True,
            "strict_expiration": True,
        },
    )
    as_admin.created("/tracking-codes", {"code": "PKG", "package": {"specific": True}})
    as_admin.created(
        "/items", {"sku": "DRILL", "name": "Drill", "tracking_code": "SNALL", "serial_series": "SN"}
    )
    as_admin.created(
        "/items",
        {"sku": "MILK", "name": "Milk", "unit": "l", "tracking_code": "LOTEXP", "lot_series": "LOTS"},
    )
    as_admin.created("/items", {"sku": "BOX", "name": "Box", "tracking_code": "PKG"})
    as_admin.created("/items", {"sku": "SCREW", "name": "Screw"})
    as_admin.created("/locations", {"code": "WH1", "name": "Main warehouse"})
    as_admin.created("/locations", {"code": "WH2", "name": "Second warehouse"})
    as_admin.created("/partners", {"code": "VEND", "name": "Vendor", "kind": "vendor"})
    as_admin.created("/partners", {"code": "ACME", "name": "Acme", "kind": "customer"})
    as_admin.created("/partners", {"code": "BETA", "name": "Beta", "kind": "customer"})
    return as_admin


def receipt(*lines: dict[str, Any], partner: str = "VEND", **header: Any) -> dict[str, Any]:
    return {"type": "receipt", "partner": partner, "lines": list(lines), **header}


def serials_in(*serials: str, item: str = "DRILL", to: str = "WH1") -> dict[str, Any]:
    return {
        "item": item,
        "quantity": len(serials),
        "to_location": to,
        "tracking": [{"serial": s} for s in serials],
    }


def shipment(*lines: dict[str, Any], partner: str = "ACME", **header: Any) -> dict[str, Any]:
    return {"type": "shipment", "partner": partner, "lines": list(lines), **header}


def serials_out(*serials: str, item: str = "DRILL", source: str = "WH1") -> dict[str, Any]:
    return {
        "item": item,
        "quantity": len(serials),
        "from_location": source,
        "tracking": [{"serial": s} for s in serials],
    }


PINNED_TODAY = date(2026, 11, 23)


@pytest.fixture
def pinned_today(monkeypatch) -> date:
    """The server's clock on one day, for tests about dates relative to today (expiry, warranty)."""
    monkeypatch.setattr(clock, "today", lambda: PINNED_TODAY)
    return PINNED_TODAY
