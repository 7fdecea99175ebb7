"""Users over the API: admins list, change, disable and re-key users; keys and tokens are per user."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, receipt, serials_in


def a_user(as_admin: Api, name: str, role: str = "clerk") -> Api:
    """A user made by the admin, and calls with its token."""
    token = as_admin.created("/users", {"name": name, "role": role})["token"]
    return Api(as_admin.client, {"Authorization": f"Bearer {token}"})


# -- idempotency keys belong to their user ---------------------------------------------------------


def test_a_key_another_clerk_already_used_posts_a_document_of_their_own(world, as_clerk):
    other = a_user(world, "cleo")
    key = {"Idempotency-Key": "scan-0001"}
    mine = as_clerk.post("/documents?post=true", receipt(serials_in("A1")), headers=key)

    theirs = other.post("/documents?post=true", receipt(serials_in("B1")), headers=key)
    theirs_again = other.post("/documents?post=true", receipt(serials_in("B1")), headers=key)

    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert theirs_again.json() == theirs.json()
    assert [e["serial"] for e in other.get(f"/documents/{theirs.json()['id']}/entries").json()] == ["B1"]
    assert other.get("/items/DRILL/serials/B1").json()["location"] == "WH1"
    assert len(world.get("/documents").json()["items"]) == 2


def test_the_same_key_and_body_from_another_clerk_posts_again_for_them(world, as_clerk):
    other = a_user(world, "cleo")
    key = {"Idempotency-Key": "retry-1"}
    body = receipt({"item": "SCREW", "quantity": 5, "to_location": "WH1"})

    first = as_clerk.post("/documents?post=true", body, headers=key)
    second = other.post("/documents?post=true", body, headers=key)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] != first.json()["id"]
    assert second.json()["created_by"] == "cleo"


# -- listing and changing users --------------------------------------------------------------------


def test_an_admin_lists_users_with_role_and_active_flag(as_admin, clerk, viewer):
    listed = as_admin.get("/users").json()

    assert listed == {
        "items": [
            {"name": "ada", "role": "admin", "active": True},
            {"name": "carl", "role": "clerk", "active": True},
            {"name": "vera", "role": "viewer", "active": True},
        ],
        "next_cursor": None,
    }


def test_users_are_listed_a_page_at_a_time(as_admin, clerk, viewer):
    first = as_admin.get("/users", params={"limit": 2}).json()
    rest = as_admin.get("/users", params={"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [u["name"] for u in first["items"]] == ["ada", "carl"]
    assert rest == {"items": [{"name": "vera", "role": "viewer", "active": True}], "next_cursor": None}


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/users"), ("patch", "/users/vera"), ("post", "/users/vera/token")]
)
def test_managing_users_needs_the_admin_role(as_clerk, viewer, method, path):
    response = getattr(as_clerk, method)(path, **({"json": {"active": False}} if method == "patch" else {}))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_disabled_users_token_is_401_until_enabled_again(as_admin, client, clerk):
    carl = Api(client, clerk)

    disabled = as_admin.patch("/users/carl", {"active": False})
    refused = carl.get("/users/me")
    as_admin.patch("/users/carl", {"active": True})
    enabled = carl.get("/users/me")

    assert disabled.json() == {"name": "carl", "role": "clerk", "active": False}
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "unauthorized"
    assert "carl is disabled" in refused.json()["detail"]
    assert enabled.json() == {"name": "carl", "role": "clerk", "active": True}


def test_a_new_role_applies_to_the_users_existing_token(world, client, clerk):
    carl = Api(client, clerk)

    changed = world.patch("/users/carl", {"role": "viewer"})
    response = carl.post("/documents", receipt(serials_in("A1")))

    assert changed.json() == {"name": "carl", "role": "viewer", "active": True}
    assert response.status_code == 403


def test_a_new_token_works_and_the_old_one_stops_working(as_admin, client, clerk):
    rotated = as_admin.post("/users/carl/token")

    new = Api(client, {"Authorization": f"Bearer {rotated.json()['token']}"})
    assert rotated.status_code == 200
    assert rotated.json()["name"] == "carl"
    assert new.get("/users/me").json() == {"name": "carl", "role": "clerk", "active": True}
    assert Api(client, clerk).get("/users/me").status_code == 401


@pytest.mark.parametrize("name", ["system", "System", "me"])
def test_reserved_user_names_are_refused(as_admin, name):
    response = as_admin.post("/users", {"name": name, "role": "clerk"})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert f"the user name {name!r} is reserved" in response.json()["detail"]


@pytest.mark.parametrize("change", [{"active": False}, {"role": "clerk"}])
def test_the_last_active_admin_cannot_be_disabled_or_demoted(as_admin, clerk, change):
    response = as_admin.patch("/users/ada", change)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["detail"].startswith("ada is the last active admin")
    assert as_admin.get("/users/me").json() == {"name": "ada", "role": "admin", "active": True}


def test_an_admin_can_step_down_once_another_admin_exists(as_admin):
    a_user(as_admin, "bert", role="admin")

    response = as_admin.patch("/users/ada", {"role": "viewer"})

    assert response.json() == {"name": "ada", "role": "viewer", "active": True}


def test_changing_an_unknown_user_is_404_and_an_unknown_field_422(as_admin, clerk):
    unknown = as_admin.patch("/users/nobody", {"active": False})
    misspelt = as_admin.patch("/users/carl", {"activ": False})

    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert (misspelt.status_code, misspelt.json()["code"]) == (422, "validation_error")
    assert as_admin.get("/users").json()["items"][1] == {"name": "carl", "role": "clerk", "active": True}
