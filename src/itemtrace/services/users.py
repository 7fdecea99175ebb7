"""Users, API tokens (stored as SHA-256 hashes) and passwords (scrypt) for the web UI."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from itemtrace.domain.errors import Unauthorized, ValidationFailed
from itemtrace.domain.users import Role, User
from itemtrace.storage.unit_of_work import UnitOfWork


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a plain fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1)
    return hmac.compare_digest(candidate.hex(), digest)


def add_user(uow: UnitOfWork, name: str, role: Role, *, password: str | None = None, now: datetime) -> str:
    """Create a user and return its API token (shown once; only its hash is stored)."""
    _check_name(name)
    token = new_token()
    with uow.writing():
        uow.users.add(name, role.value, hash_token(token), hash_password(password) if password else None, now)
        uow.commit()
    return token


def rotate_token(uow: UnitOfWork, name: str, role: Role, *, now: datetime) -> str:
    """Create the user with `role`, or give the existing one that role and a new token; return it.

    The previous token stops working. `itemtrace serve --print-admin-token` uses this so every
    start prints a token that works, while only hashes are ever stored.
    """
    _check_name(name)
    token = new_token()
    with uow.writing():
        if uow.users.by_name(name) is None:
            uow.users.add(name, role.value, hash_token(token), None, now)
        else:
            uow.users.set_token(name, role.value, hash_token(token))
        uow.commit()
    return token


def new_token() -> str:
    return "itk_" + secrets.token_urlsafe(32)


def _check_name(name: str) -> None:
    if not name or len(name) > 60 or not name.isprintable():
        raise ValidationFailed("a user name is 1 to 60 printable characters")


def authenticate(uow: UnitOfWork, token: str) -> User:
    with uow:
        found = uow.users.by_token_hash(hash_token(token))
    if found is None:
        raise Unauthorized(
            "the bearer token is unknown: create one with `itemtrace users add NAME --role ROLE`"
        )
    return User(found[0], Role(found[1]))


def login(uow: UnitOfWork, name: str, password: str) -> User:
    with uow:
        found = uow.users.by_name(name)
    if found is None or found[2] is None or not check_password(password, found[2]):
        raise Unauthorized("unknown user or wrong password")
    return User(found[0], Role(found[1]))


def list_users(uow: UnitOfWork) -> list[User]:
    with uow:
        return [User(n, Role(r)) for n, r in uow.users.list()]


def count(uow: UnitOfWork) -> int:
    with uow:
        return uow.users.count()
