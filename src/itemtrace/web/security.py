"""Who may do what on the web pages: the signed-in user, roles, CSRF tokens, safe `next` URLs.

    @router.post("/things", dependencies=[...])           # CSRF is checked for every web route
    def create(user: Annotated[User, Depends(require(Role.CLERK))]) -> Response: ...

- `require(role)`: the signed-in, active user with at least that role. Nobody signed in: a 303
  to `/login?next=<this page>`; too small a role: the 403 page (`forbidden`).
- `check_csrf` runs on every unsafe request to a web route (it is the web router's dependency):
  the form field `csrf_token` or the `X-CSRF-Token` header (htmx sends it, see base.html) must be
  the session's token, else 403.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from itemtrace.domain.errors import Forbidden, NotFound
from itemtrace.domain.users import Role, User
from itemtrace.services import users
from itemtrace.web.sessions import session_of

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
USER_KEY = "user"
_CSRF_KEY = "csrf"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(Exception):
    """Nobody is signed in (or the user was disabled): answered by a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRefused(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "the form's security token is missing or out of date (the page was open across a "
            "sign-in, or the request did not come from this site): reload the page and try again"
        )


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (every page with a form calls this)."""
    session = session_of(request)
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[_CSRF_KEY] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request whose token is not the session's (a cross-site forgery)."""
    if request.method in _SAFE_METHODS:
        return
    expected = session_of(request).get(_CSRF_KEY)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(sent, expected):
        raise CsrfRefused()


def sign_in(request: Request, user: User) -> None:
    """A new session for `user`: a new CSRF token too, so nothing from before the sign-in carries over."""
    session_of(request).reset(**{USER_KEY: user.name, _CSRF_KEY: secrets.token_urlsafe(32)})


def sign_out(request: Request) -> None:
    session_of(request).reset(**{_CSRF_KEY: secrets.token_urlsafe(32)})


async def current_user(request: Request) -> User | None:
    """The signed-in user, read again on every request (a disabled user is signed out at once)."""
    name = session_of(request).get(USER_KEY)
    if not isinstance(name, str):
        return None
    try:
        user = await run_in_threadpool(users.get_user, request.app.state.uow_factory(), name)
    except NotFound:
        user = None
    if user is None or not user.active:
        sign_out(request)
        return None
    return user


def require(role: Role) -> Callable[[Request], Awaitable[User]]:
    """A dependency: the signed-in user if their role allows `role` (see the module docstring)."""

    async def signed_in(request: Request) -> User:
        user = await current_user(request)
        if user is None:
            raise SignInRequired(_here(request))
        request.state.user = user
        if not user.role.allows(role):
            raise Forbidden(
                f"you are signed in as {user.name}, a {user.role.value}; this needs the {role.value} "
                "role: ask an admin to give it to you"
            )
        return user

    return signed_in


def safe_next(url: str | None, default: str = "/") -> str:
    """`url` if it is a path on this site, else `default`: no scheme, no host, no `//evil` or `/\\evil`."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return default
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or any(c in url for c in "\r\n\t\\") or not url.isprintable():
        return default
    return url


def login_url(next_url: str) -> str:
    return "/login" if next_url == "/" else f"/login?next={quote(next_url, safe='/')}"


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


# The aliases pages declare: `def page(request: Request, user: Clerk) -> Response`.
Viewer = Annotated[User, Depends(require(Role.VIEWER))]
Clerk = Annotated[User, Depends(require(Role.CLERK))]
Admin = Annotated[User, Depends(require(Role.ADMIN))]
