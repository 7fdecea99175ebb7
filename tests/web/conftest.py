"""Web UI fixtures over TestClient: a browser-like client (cookies kept), users with passwords,
and `sign_in`, which fills the sign-in form the way a person does (its CSRF token included)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from itemtrace.api.app import create_app
from itemtrace.config import Settings
from itemtrace.domain.users import Role
from itemtrace.services import users
from tests.conftest import now

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


@pytest.fixture
def web(session_factory) -> Iterator[TestClient]:
    app = create_app(Settings(secret_key="test-secret"), session_factory=session_factory)
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def people(uow) -> dict[Role, str]:
    """One user per role, each with the password PASSWORD: their names by role."""
    names = {Role.VIEWER: "vera", Role.CLERK: "carl", Role.ADMIN: "ada"}
    for role, name in names.items():
        users.add_user(uow, name, role, password=PASSWORD, now=now())
    return names


@pytest.fixture
def sign_in(web, people) -> Callable[[Role], TestClient]:
    def as_role(role: Role) -> TestClient:
        form = web.get("/login")
        answer = web.post(
            "/login", data={"name": people[role], "password": PASSWORD, "csrf_token": csrf_of(form.text)}
        )
        assert answer.status_code == 303, answer.text
        return web

    return as_role
