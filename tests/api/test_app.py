"""The app shell: health, the home page (the web UI's sign-in), OpenAPI, unknown paths, tokens and roles."""

from __future__ import annotations

import gc
import re

from itemtrace.api.app import app_from_env, create_app
from itemtrace.config import Settings
from itemtrace.domain.users import Role
from itemtrace.services import users
from itemtrace.storage.engine import make_engine
from itemtrace.storage.schema import upgrade
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.api.conftest import API, TestClient
from tests.conftest import now


def test_health_answers_ok_without_a_token(client):
    response = client.get(f"{API}/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_home_page_is_the_dashboard_behind_the_sign_in_page_which_links_to_the_docs(client):
    response = client.get("/", follow_redirects=False)
    sign_in = client.get("/login")

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert sign_in.status_code == 200
    assert sign_in.headers["content-type"].startswith("text/html")
    assert 'href="/docs"' in sign_in.text


def test_openapi_lists_the_contract_paths(client):
    response = client.get("/openapi.json")

    paths = response.json()["paths"]
    for path in (
        "/api/v1/health",
        "/api/v1/tracking-codes",
        "/api/v1/tracking-codes/{code}",
        "/api/v1/items",
        "/api/v1/items/{sku}",
        "/api/v1/locations",
        "/api/v1/partners",
        "/api/v1/number-series",
        "/api/v1/number-series/{code}/next",
        "/api/v1/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/post",
        "/api/v1/documents/{document_id}/receive",
        "/api/v1/documents/{document_id}/cancel",
        "/api/v1/documents/{document_id}/entries",
        "/api/v1/items/{sku}/serials/{serial}",
        "/api/v1/items/{sku}/serials/{serial}/comments",
        "/api/v1/items/{sku}/lots/{lot}",
        "/api/v1/packages/{package}",
        "/api/v1/serials",
        "/api/v1/lots",
        "/api/v1/users",
        "/api/v1/users/me",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/items/{sku}/serials/{serial}"]) == {"get", "patch"}


def test_swagger_ui_and_redoc_load_only_assets_this_server_serves(client):
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assets = re.findall(r'(?:src|href)=["\']([^"\']+)', response.text)
        urls = re.findall(r"https?://[^\s\"'<>]+", response.text)

        assert response.status_code == 200, page
        assert "/openapi.json" in response.text, page
        assert urls == [], page
        assert assets != [], page
        for asset in assets:
            assert asset.startswith("/docs-assets/"), (page, asset)
            assert client.get(asset).status_code == 200, asset


def test_an_unknown_path_is_a_not_found_problem(client):
    response = client.get(f"{API}/nowhere")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "not_found"
    assert body["status"] == 404
    assert body["title"] == "Not found"
    assert body["type"] == "about:blank"


def test_a_request_without_a_token_is_unauthorized(client):
    response = client.get(f"{API}/items")

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


def test_an_unknown_token_is_unauthorized(client):
    response = client.get(f"{API}/items", headers={"Authorization": "Bearer itk_nope"})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_non_bearer_authorization_is_unauthorized(client):
    response = client.get(f"{API}/items", headers={"Authorization": "Basic YTpi"})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_me_names_the_token_holder_and_role(as_viewer):
    response = as_viewer.get("/users/me")

    assert response.status_code == 200
    assert response.json() == {"name": "vera", "role": "viewer", "active": True}


def test_an_admin_creates_a_user_whose_token_works_at_once(client, as_admin):
    created = as_admin.created("/users", {"name": "newbie", "role": "clerk", "password": "pw"})

    assert created["name"] == "newbie"
    assert created["role"] == "clerk"
    assert created["token"].startswith("itk_")
    me = client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert me.json() == {"name": "newbie", "role": "clerk", "active": True}


def test_a_clerk_cannot_create_users(as_clerk):
    response = as_clerk.post("/users", {"name": "sneaky", "role": "admin"})

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "forbidden"


def test_a_user_name_taken_twice_is_a_conflict(as_admin):
    as_admin.created("/users", {"name": "twin", "role": "viewer"})

    response = as_admin.post("/users", {"name": "twin", "role": "viewer"})

    assert response.status_code == 409
    assert response.json()["code"] == "already_exists"


def test_an_unknown_role_is_a_validation_error_listing_the_field(as_admin):
    response = as_admin.post("/users", {"name": "x", "role": "boss"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    [error] = body["errors"]
    assert error["loc"] == ["body", "role"]


def test_a_wrong_method_is_a_problem_too(client):
    response = client.delete(f"{API}/health")

    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 405


def test_create_app_builds_its_own_engine_from_settings(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    upgrade(engine)
    token = users.add_user(UnitOfWork.for_engine(engine), "root", Role.ADMIN, now=now())
    engine.dispose()

    with TestClient(create_app(Settings(database_url=url))) as client:
        me = client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {token}"})

    assert me.json() == {"name": "root", "role": "admin", "active": True}


def test_a_served_app_takes_its_start_up_heap_out_of_the_garbage_collector_before_its_first_request(
    tmp_path, monkeypatch
):
    """`itemtrace serve`'s workers build their app with `app_from_env`: once it has started, the
    collector no longer scans what start-up built (the tail of big pages was that scan)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("ITEMTRACE_DATABASE_URL", url)
    monkeypatch.setenv("ITEMTRACE_SECRET_KEY", "not-a-secret-" * 4)
    gc.unfreeze()  # what an earlier test may have frozen: this process is not a fresh worker
    try:
        app = app_from_env()
        scanned_when_built = _in_collected_generations(app)
        with TestClient(app) as client:
            scanned_when_serving = _in_collected_generations(app)
            frozen = gc.get_freeze_count()
            health = client.get(f"{API}/health")
    finally:
        gc.unfreeze()  # frozen objects are never freed: give this process's back

    assert health.status_code == 200
    assert scanned_when_built is True
    assert scanned_when_serving is False
    assert frozen > 10_000  # the imports and the app, not a handful of objects


def test_an_app_built_by_create_app_freezes_nothing(tmp_path):
    """Tests and embedded uses build many apps in one process: none of them is kept for good."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(engine := make_engine(url))
    engine.dispose()
    gc.unfreeze()
    try:
        with TestClient(create_app(Settings(database_url=url))) as client:
            client.get(f"{API}/health")
            frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()

    assert frozen == 0


def _in_collected_generations(target: object) -> bool:
    """Whether the cyclic collector's generations hold `target` (frozen objects are in none)."""
    return any(found is target for found in gc.get_objects())
