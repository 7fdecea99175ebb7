"""Signing in and out of the web UI: the session cookie, CSRF, `next`, roles, argon2."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from itemtrace.domain.users import Role
from itemtrace.services import users
from itemtrace.web.security import safe_next
from itemtrace.web.sessions import COOKIE
from tests.conftest import now
from tests.web.conftest import PASSWORD, csrf_of


def _cookie_header(response) -> str:
    sent = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE)]
    assert len(sent) == 1, sent
    return sent[0]


def test_the_session_cookie_is_httponly_samesite_lax_and_not_secure_over_http(web):
    cookie = _cookie_header(web.get("/login"))

    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags


def test_the_session_cookie_is_secure_when_the_page_came_over_https(web):
    cookie = _cookie_header(web.get("https://testserver/login"))

    assert "secure" in {part.strip().lower() for part in cookie.split(";")[1:]}


def test_a_wrong_password_is_refused_on_the_form_and_the_right_one_opens_the_dashboard(web, people):
    csrf = csrf_of(web.get("/login").text)

    wrong = web.post("/login", data={"name": "carl", "password": "nope", "csrf_token": csrf})
    right = web.post("/login", data={"name": "carl", "password": PASSWORD, "csrf_token": csrf})
    dashboard = web.get("/")

    assert wrong.status_code == 401
    assert "unknown user or wrong password" in wrong.text
    assert 'value="carl"' in wrong.text  # the name stays filled in
    assert (right.status_code, right.headers["location"]) == (303, "/")
    assert dashboard.status_code == 200
    assert "Scan or search" in dashboard.text


def test_signing_in_gives_a_new_csrf_token_so_a_token_planted_before_does_not_carry_over(web, people):
    before = csrf_of(web.get("/login").text)
    web.post("/login", data={"name": "vera", "password": PASSWORD, "csrf_token": before})

    after = csrf_of(web.get("/").text)
    stale = web.post("/logout", data={"csrf_token": before})

    assert after != before
    assert stale.status_code == 403
    assert web.get("/").status_code == 200  # still signed in


def test_a_post_without_the_csrf_token_is_refused_with_a_page_that_says_why(sign_in):
    web = sign_in(Role.VIEWER)

    forged = web.post("/logout")
    wrong = web.post("/logout", data={"csrf_token": "made-up"})

    for answer in (forged, wrong):
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith("text/html")
        assert "forbidden" in answer.text
        assert "security token" in answer.text
    assert web.get("/").status_code == 200  # the forged sign-out did nothing


def test_the_sign_in_form_itself_needs_its_csrf_token(web, people):
    web.get("/login")

    answer = web.post("/login", data={"name": "carl", "password": PASSWORD})

    assert answer.status_code == 403
    assert web.get("/").status_code == 303  # not signed in


def test_htmx_requests_may_send_the_token_in_a_header(sign_in):
    web = sign_in(Role.VIEWER)
    token = csrf_of(web.get("/").text)

    answer = web.post("/logout", headers={"X-CSRF-Token": token})

    assert (answer.status_code, answer.headers["location"]) == (303, "/login")
    assert web.get("/").status_code == 303


def test_signing_out_ends_the_session(sign_in):
    web = sign_in(Role.CLERK)
    token = csrf_of(web.get("/").text)

    out = web.post("/logout", data={"csrf_token": token})
    after = web.get("/items/X")

    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert (after.status_code, after.headers["location"]) == (303, "/login?next=/items/X")


def test_a_page_asked_for_before_signing_in_is_where_the_sign_in_leads(web, people):
    asked = web.get("/search?q=SN-1")
    form = web.get(asked.headers["location"])

    answer = web.post(
        "/login",
        data={
            "name": "vera",
            "password": PASSWORD,
            "next": "/search?q=SN-1",
            "csrf_token": csrf_of(form.text),
        },
    )

    assert asked.headers["location"] == "/login?next=/search%3Fq%3DSN-1"
    assert 'name="next" value="/search?q=SN-1"' in form.text
    assert answer.headers["location"] == "/search?q=SN-1"


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "http:evil",
        "javascript:alert(1)",
        "/ok\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_a_next_url_off_this_site_leads_to_the_dashboard_instead(web, people, evil):
    form = web.get("/login")

    answer = web.post(
        "/login", data={"name": "vera", "password": PASSWORD, "next": evil, "csrf_token": csrf_of(form.text)}
    )

    assert safe_next(evil) == "/"
    assert answer.headers["location"] == "/"


def test_paths_on_this_site_are_safe_next_urls():
    assert safe_next("/items/DRILL/serials/SN%2F1?tab=history") == "/items/DRILL/serials/SN%2F1?tab=history"


def test_a_cookie_signed_with_another_key_or_altered_is_no_session(sign_in):
    web = sign_in(Role.ADMIN)
    genuine = web.cookies[COOKIE]
    payload, _, signature = genuine.partition(".")
    forged = URLSafeTimedSerializer("guessed-key", salt="itemtrace.web-session").dumps({"user": "ada"})
    altered = payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature

    answers = []
    for value in (genuine, forged, altered):
        web.cookies.clear()
        web.cookies.set(COOKIE, value)
        answers.append(web.get("/").status_code)

    assert answers == [200, 303, 303]


def test_a_user_disabled_while_signed_in_is_signed_out_at_the_next_page(sign_in, uow):
    web = sign_in(Role.CLERK)

    users.update_user(uow, "carl", active=False)

    assert web.get("/").status_code == 303


def test_an_old_scrypt_password_still_signs_in_and_is_stored_again_as_argon2(web, uow):
    users.add_user(uow, "olga", Role.CLERK, now=now())
    with uow.write():
        uow.users.set_password("olga", _legacy_scrypt("old-but-good"))
        uow.commit()
    csrf = csrf_of(web.get("/login").text)

    refused = web.post("/login", data={"name": "olga", "password": "wrong", "csrf_token": csrf})
    with uow.read():
        after_refusal = uow.users.by_name("olga").password_hash
    answer = web.post("/login", data={"name": "olga", "password": "old-but-good", "csrf_token": csrf})
    with uow.read():
        stored = uow.users.by_name("olga").password_hash

    assert refused.status_code == 401
    assert after_refusal.startswith("scrypt$")  # a wrong password changes nothing
    assert answer.status_code == 303
    assert stored.startswith("$argon2id$")
    assert users.check_password("old-but-good", stored)
    assert users.login(uow, "olga", "old-but-good").name == "olga"


def test_new_passwords_are_argon2_hashes(uow):
    users.add_user(uow, "nina", Role.VIEWER, password="s3cret-pass", now=now())

    with uow.read():
        stored = uow.users.by_name("nina").password_hash

    assert stored.startswith("$argon2id$")
    assert not users.needs_rehash(stored)


def _legacy_scrypt(password: str) -> str:
    """A password hash as itemtrace stored them before argon2."""
    import hashlib

    salt = bytes(range(16))
    return f"scrypt${salt.hex()}${hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1).hex()}"
