"""Settings read once from the environment and passed down (never read again elsewhere)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///itemtrace.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("ITEMTRACE_DATABASE_URL") or f"sqlite:///{Path.cwd() / 'itemtrace.db'}"
        return cls(database_url=normalise_url(url))


def normalise_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
