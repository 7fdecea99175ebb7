"""The web session: a small dict in a signed cookie (itsdangerous), and the key that signs it.

The cookie holds the signed-in user's name and the session's CSRF token, nothing else: it is
HttpOnly, SameSite=Lax, Secure when the request came over https (behind a proxy, run uvicorn
with `--proxy-headers` so it knows), and expires after `MAX_AGE`. A cookie that was tampered
with, or signed with another key, reads as an empty session.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from itemtrace.config import Settings

COOKIE = "itemtrace_session"
MAX_AGE = 14 * 24 * 3600  # seconds a session lasts without a new sign-in
SCOPE_KEY = "itemtrace.web_session"
_SALT = "itemtrace.web-session"


def secret_key(settings: Settings) -> str:
    """`settings.secret_key`, else the key in `settings.secret_key_file` (created on first use),
    else (no file named: tests, embedded apps) a random key that lives as long as the process."""
    if settings.secret_key:
        return settings.secret_key
    if not settings.secret_key_file:
        return secrets.token_urlsafe(32)
    path = Path(settings.secret_key_file)
    try:
        # O_EXCL: of two workers starting at once, one writes the key and both read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
    key = path.read_text().strip()
    if not key:  # another worker is between creating and writing the file
        raise RuntimeError(f"the secret key file {path} is empty: delete it or set ITEMTRACE_SECRET_KEY")
    return key


class Session(dict[str, Any]):
    """The session's values; `changed` tells the middleware to send the cookie again."""

    changed = False

    def __setitem__(self, key: str, value: Any) -> None:
        self.changed = True
        super().__setitem__(key, value)

    def reset(self, **values: Any) -> None:
        """Replace every value (sign-in, sign-out): nothing of the session before survives."""
        self.clear()
        self.update(values)
        self.changed = True


def session_of(connection: HTTPConnection) -> Session:
    session: Session = connection.scope[SCOPE_KEY]
    return session


class WebSessions:
    """ASGI middleware: loads the session of every request outside `skip` (the API's prefix and
    its docs: they authenticate by bearer token) and sends the cookie back when it changed."""

    def __init__(self, app: ASGIApp, *, secret: str, skip: tuple[str, ...]) -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip):
            await self.app(scope, receive, send)
            return
        session = Session(self._load(HTTPConnection(scope).cookies.get(COOKIE)))
        scope[SCOPE_KEY] = session
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.changed:
                headers = MutableHeaders(scope=message)
                value = self.serializer.dumps(dict(session))
                flags = f"Path=/; Max-Age={MAX_AGE}; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
                headers.append("Set-Cookie", f"{COOKIE}={value}; {flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _load(self, cookie: str | None) -> dict[str, Any]:
        if not cookie:
            return {}
        try:
            loaded = self.serializer.loads(cookie, max_age=MAX_AGE)
        except BadSignature:
            return {}
        return loaded if isinstance(loaded, dict) else {}
