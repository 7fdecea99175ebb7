"""Settings read once from the environment and passed down (never read again elsewhere).

| variable                       | default                    | meaning                                        |
|--------------------------------|----------------------------|------------------------------------------------|
| `ITEMTRACE_DATABASE_URL`       | `itemtrace.db` in the cwd  | SQLite file or PostgreSQL URL                  |
| `ITEMTRACE_READ_DATABASE_URL`  | none (the primary)         | a streaming replica for reads that may lag     |
| `ITEMTRACE_WORKERS`            | 1                          | server processes (`serve`)                     |
| `ITEMTRACE_POOL_SIZE`          | 10                         | database connections per process, at most     |
| `ITEMTRACE_POOL_TIMEOUT`       | 10 (seconds)               | wait for a free connection, then 503           |
| `ITEMTRACE_STATEMENT_TIMEOUT`  | 60000 (ms; 0 = none)       | PostgreSQL cancels a longer statement          |
| `ITEMTRACE_LOCK_TIMEOUT`       | 30000 (ms; 0 = none)       | longest wait for a lock (SQLite: busy timeout) |
| `ITEMTRACE_MAX_BODY_BYTES`     | 33554432 (32 MB)           | larger request bodies are refused with 413     |
| `ITEMTRACE_IDENTIFIER_BASE`    | `https://itemtrace.example/id` | URIs of items, places, partners in EPCIS   |
| `ITEMTRACE_GS1_COMPANY_PREFIX` | none                       | GS1 company prefix of `{sscc}` package numbers |
| `ITEMTRACE_DIGITAL_LINK_BASE`  | none                       | base URL of GS1 Digital Link QR codes on labels|
| `ITEMTRACE_SECRET_KEY`         | read from the key file     | signs web session cookies (keep it secret)     |
| `ITEMTRACE_SECRET_KEY_FILE`    | `itemtrace-secret.key` in the cwd | where a generated key is kept          |

Without `ITEMTRACE_SECRET_KEY`, the web UI reads the key from `ITEMTRACE_SECRET_KEY_FILE`, and
writes a new random one there (mode 0600) the first time: sessions survive a restart, and every
worker process of one server signs with the same key (`web/sessions.py`).
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Self

from itemtrace.domain.epcis import DEFAULT_IDENTIFIER_BASE
from itemtrace.domain.errors import ValidationFailed

DEFAULT_DATABASE_URL = "sqlite:///itemtrace.db"
DEFAULT_SECRET_KEY_FILE = "itemtrace-secret.key"

# Each setting's environment variable, and the smallest value it accepts.
_ENV: dict[str, tuple[str, float]] = {
    "workers": ("ITEMTRACE_WORKERS", 1),
    "pool_size": ("ITEMTRACE_POOL_SIZE", 1),
    "pool_timeout": ("ITEMTRACE_POOL_TIMEOUT", 0),
    "statement_timeout_ms": ("ITEMTRACE_STATEMENT_TIMEOUT", 0),
    "lock_timeout_ms": ("ITEMTRACE_LOCK_TIMEOUT", 0),
    "max_body_bytes": ("ITEMTRACE_MAX_BODY_BYTES", 1),
}

# Settings that are text, checked where they are used (the GS1 company prefix by `{sscc}`).
_TEXT_ENV: dict[str, str] = {
    "gs1_company_prefix": "ITEMTRACE_GS1_COMPANY_PREFIX",
    "digital_link_base": "ITEMTRACE_DIGITAL_LINK_BASE",
    "secret_key": "ITEMTRACE_SECRET_KEY",
    "secret_key_file": "ITEMTRACE_SECRET_KEY_FILE",
}


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # A PostgreSQL streaming replica of database_url: cards, lists, traces and reports read there
    # (docs/scaling.md); empty: everything reads from database_url.
    read_database_url: str = ""
    workers: int = 1
    pool_size: int = 10
    pool_timeout: float = 10.0
    statement_timeout_ms: int = 60_000
    lock_timeout_ms: int = 30_000
    max_body_bytes: int = 32 * 1024 * 1024
    # The base of the URIs the EPCIS export gives what has no GS1 key (docs/epcis.md).
    identifier_base: str = DEFAULT_IDENTIFIER_BASE
    gs1_company_prefix: str = ""
    digital_link_base: str = ""
    # Signs the web UI's session cookies; empty: read (or first create) `secret_key_file`.
    secret_key: str = dataclasses.field(default="", repr=False)
    secret_key_file: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        url = env.get("ITEMTRACE_DATABASE_URL") or f"sqlite:///{Path.cwd() / 'itemtrace.db'}"
        given = {name: _number(var, env[var], name, low) for name, (var, low) in _ENV.items() if env.get(var)}
        given.update({name: env[var].strip() for name, var in _TEXT_ENV.items() if env.get(var)})
        base = env.get("ITEMTRACE_IDENTIFIER_BASE") or DEFAULT_IDENTIFIER_BASE
        given.setdefault("secret_key_file", str(Path.cwd() / DEFAULT_SECRET_KEY_FILE))
        read_url = env.get("ITEMTRACE_READ_DATABASE_URL", "").strip()
        return cls(
            database_url=normalise_url(url),
            read_database_url=normalise_url(read_url) if read_url else "",
            identifier_base=identifier_base(base),
            **given,
        )

    def overridden(self, **values: Any) -> Self:
        """These settings with the values given (command-line options); `None` keeps a setting."""
        given = {name: value for name, value in values.items() if value is not None}
        for name, value in given.items():
            if name in _ENV:
                _number(f"--{name.removesuffix('_ms').replace('_', '-')}", str(value), name, _ENV[name][1])
        return replace(self, **given)

    def to_env(self) -> dict[str, str]:
        """The environment that gives these settings to another process (`serve --workers`)."""
        env = {"ITEMTRACE_DATABASE_URL": self.database_url, "ITEMTRACE_IDENTIFIER_BASE": self.identifier_base}
        if self.read_database_url:
            env["ITEMTRACE_READ_DATABASE_URL"] = self.read_database_url
        for field in fields(self):
            if field.name in _ENV:
                env[_ENV[field.name][0]] = str(getattr(self, field.name))
            elif field.name in _TEXT_ENV and getattr(self, field.name):
                env[_TEXT_ENV[field.name]] = getattr(self, field.name)
        return env


def _number(source: str, raw: str, name: str, low: float) -> Any:
    kind = float if name == "pool_timeout" else int
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < low:
        wanted = "a number of seconds" if kind is float else "a whole number"
        raise ValidationFailed(f"{source} must be {wanted} of at least {low:g}, not {raw!r}")
    return value


def identifier_base(base: str) -> str:
    """An http(s) URL without a trailing slash: EPCIS identifiers are URIs under it."""
    if not base.startswith(("https://", "http://")) or any(c.isspace() for c in base):
        raise ValidationFailed(
            f"ITEMTRACE_IDENTIFIER_BASE must be an http(s) URL such as https://example.com/id, not {base!r}"
        )
    return base.rstrip("/")


def normalise_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
