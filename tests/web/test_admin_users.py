"""Users on the administration pages: create, change role, disable, set a password, new token;
the last active admin stays one; a token shown on the page works on the API."""

from __future__ import annotations

import re

import pytest

from itemtrace.domain.users import Role, User
from itemtrace.services import users
from tests.conftest import now
from tests.web.conftest import PASSWORD, csrf_of
from tests.web.test_admin import field_error, submit

TOKEN = re.compile(r'<code id="token-value">(itk_[A-Za-z0-9_-]+)</code>')


@pytest.fixture
def admin(sign_in):
    return sign_in(Role.ADMIN)


def shown_token(page: str) -> str:
    found = TOKEN.search(page)
    assert found is not None, "the page shows no token"
    return found.group(1)


def me(web, token: str):
    return web.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})


def test_an_admin_creates_a_user_whose_token_is_shown_once_and_works_on_the_api(admin, uow):
    created = submit(admin, "/admin/users/new", {"name": "cleo", "role": "clerk", "password": "s3cret pass"})
    token = shown_token(created.text)
    again = admin.get("/admin/users/cleo").text

    assert created.status_code == 201 and created.headers["cache-control"] == "no-store"
    assert "User cleo was created." in created.text
    assert TOKEN.search(again) is None  # shown that once
    assert me(admin, token).json() == {"name": "cleo", "role": "clerk", "active": True}
    assert users.login(uow, "cleo", "s3cret pass").role is Role.CLERK
    assert 'href="/admin/users/cleo"' in admin.get("/admin/users").text


def test_a_new_user_needs_a_free_name_and_a_password_within_the_limits(admin, people):
    taken = submit(admin, "/admin/users/new", {"name": "carl", "role": "clerk", "password": "x"})
    reserved = submit(admin, "/admin/users/new", {"name": "system", "role": "clerk", "password": "x"})
    long = submit(admin, "/admin/users/new", {"name": "dora", "role": "clerk", "password": "x" * 201})
    role = submit(admin, "/admin/users/new", {"name": "dora", "role": "boss", "password": "x"})

    assert (taken.status_code, field_error(taken.text, "name")[0]) == (409, "already_exists")
    assert (reserved.status_code, field_error(reserved.text, "name")[0]) == (422, "validation_error")
    assert "reserved" in field_error(reserved.text, "name")[1]
    assert (long.status_code, field_error(long.text, "password")[0]) == (422, "validation_error")
    assert (role.status_code, field_error(role.text, "role")[0]) == (422, "validation_error")
    assert "x" * 201 not in long.text  # a password is never sent back


def test_rotating_a_token_shows_the_new_one_which_works_while_the_old_one_stops(admin, uow):
    old = users.add_user(uow, "dora", Role.VIEWER, password="pw", now=now())

    rotated = submit(admin, "/admin/users/dora", {}, action="/admin/users/dora/token")
    new = shown_token(rotated.text)

    assert rotated.status_code == 200
    assert rotated.headers["cache-control"] == "no-store"
    assert new != old
    assert me(admin, new).json()["name"] == "dora"
    assert me(admin, old).status_code == 401


def test_an_admin_changes_a_role_disables_and_enables_a_user(admin, uow, people):
    promoted = submit(admin, "/admin/users/carl", {"role": "admin"}, action="/admin/users/carl/role")
    disabled = submit(admin, "/admin/users/vera", {"active": "false"}, action="/admin/users/vera/active")
    page = admin.get("/admin/users/vera").text

    assert (promoted.status_code, promoted.headers["location"]) == (303, "/admin/users/carl?saved=role")
    assert users.get_user(uow, "carl").role is Role.ADMIN
    assert disabled.status_code == 303 and not users.get_user(uow, "vera").active
    assert "Enable vera" in page and "<strong>disabled</strong>" in page
    with pytest.raises(Exception, match="disabled"):
        users.login(uow, "vera", PASSWORD)

    submit(admin, "/admin/users/vera", {"active": "true"}, action="/admin/users/vera/active")
    assert users.get_user(uow, "vera").active


def test_an_admin_sets_a_password_and_an_empty_one_is_refused_by_the_field(admin, uow, people):
    saved = submit(admin, "/admin/users/carl", {"password": "new one"}, action="/admin/users/carl/password")
    empty = submit(admin, "/admin/users/carl", {"password": ""}, action="/admin/users/carl/password")

    assert saved.status_code == 303
    assert users.login(uow, "carl", "new one").name == "carl"
    assert (empty.status_code, field_error(empty.text, "password")[0]) == (422, "validation_error")


def test_the_last_active_admin_cannot_be_disabled_or_demoted_and_the_page_says_so(admin, uow, people):
    disabled = submit(admin, "/admin/users/ada", {"active": "false"}, action="/admin/users/ada/active")
    demoted = submit(admin, "/admin/users/ada", {"role": "clerk"}, action="/admin/users/ada/role")

    assert disabled.status_code == 422
    code, detail = field_error(disabled.text, "active")
    assert code == "validation_error" and detail.startswith(
        "ada is the last active admin: cannot disable them"
    )
    assert demoted.status_code == 422
    assert field_error(demoted.text, "role")[1].startswith(
        "ada is the last active admin: cannot make a clerk of"
    )
    assert users.get_user(uow, "ada") == User("ada", Role.ADMIN, True)

    # With a second admin, the first may step down.
    users.update_user(uow, "carl", role=Role.ADMIN)
    stepped = submit(admin, "/admin/users/carl", {"role": "clerk"}, action="/admin/users/ada/role")
    assert stepped.status_code == 303 and users.get_user(uow, "ada").role is Role.CLERK


def test_an_unknown_user_is_the_not_found_page(admin):
    page = admin.get("/admin/users/nobody")
    refused = admin.post("/admin/users/nobody/token", data={"csrf_token": csrf_of(admin.get("/admin").text)})

    assert page.status_code == 404 and "<code>not_found</code>" in page.text
    assert refused.status_code == 404
