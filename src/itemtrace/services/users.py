"""Users, API tokens (stored as SHA-256 hashes) and passwords (scrypt) for the web UI.

Every user has exactly one token; a new one (`rotate_token`) replaces it. A disabled user keeps
its name on what it posted but its token and password are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from itemtrace.domain.errors import NotFound, Unauthorized
from itemtrace.domain.users import Role, User, check_admins_remain, check_name
from itemtrace.storage.unit_of_work import UnitOfWork
from itemtrace.storage.users import UserRecord


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


def new_token() -> str:
    return "itk_" + secrets.token_urlsafe(32)


def add_user(uow: UnitOfWork, name: str, role: Role, *, password: str | None = None, now: datetime) -> str:
    """Create a user and return its API token (shown once; only its hash is stored)."""
    check_name(name)
    token = new_token()
    with uow.write():
        uow.users.add(name, role.value, hash_token(token), hash_password(password) if password else None, now)
        uow.commit()
    return token


def update_user(uow: UnitOfWork, name: str, *, role: Role | None = None, active: bool | None = None) -> User:
    """Change a user's role and/or enable or disable them; the last active admin stays one.

    Raises:
        NotFound: no user of that name.
        ValidationFailed: the change would leave no active admin.
    """
    with uow.write():
        # Active admins are locked first (in name order), then the user: two admins demoting
        # each other at once are decided one after the other, and one of them stays admin.
        admins = uow.users.active_admins(lock=True)
        before = _user(_found(uow.users.by_name(name, lock=True), name))
        after = User(name, role or before.role, before.active if active is None else active)
        check_admins_remain(before, after, admins)
        uow.users.update(name, role=after.role.value, active=after.active)
        uow.commit()
    return after


def rotate_token(uow: UnitOfWork, name: str) -> tuple[User, str]:
    """Give a user a new API token and return it: the old one stops working at once."""
    token = new_token()
    with uow.write():
        user = _user(_found(uow.users.by_name(name, lock=True), name))
        uow.users.set_token(name, hash_token(token))
        uow.commit()
    return user, token


def bootstrap_admin(uow: UnitOfWork, name: str, *, now: datetime) -> str:
    """Create `name` as an admin, or make the existing user an active admin with a new token.

    `itemtrace serve --print-admin-token` uses this so every start prints a token that works
    (whoever runs the server owns the database anyway), while only hashes are ever stored.
    """
    check_name(name)
    token = new_token()
    with uow.write():
        if uow.users.by_name(name, lock=True) is None:
            uow.users.add(name, Role.ADMIN.value, hash_token(token), None, now)
        else:
            uow.users.update(name, role=Role.ADMIN.value, active=True)
            uow.users.set_token(name, hash_token(token))
        uow.commit()
    return token


def authenticate(uow: UnitOfWork, token: str) -> User:
    with uow.read():
        found = uow.users.by_token_hash(hash_token(token))
    if found is None:
        raise Unauthorized(
            "the bearer token is unknown or was replaced: ask an admin for a new one "
            "(`itemtrace users rotate-token NAME`)"
        )
    if not found.active:
        raise Unauthorized(
            f"user {found.name} is disabled: ask an admin to enable it (`itemtrace users set {found.name} --active`)"
        )
    return _user(found)


def login(uow: UnitOfWork, name: str, password: str) -> User:
    with uow:
        found = uow.users.by_name(name)
    if found is None or found.password_hash is None or not check_password(password, found.password_hash):
        raise Unauthorized("unknown user or wrong password")
    if not found.active:
        raise Unauthorized(f"user {name} is disabled: ask an admin to enable it")
    return _user(found)


def list_users(uow: UnitOfWork, *, after: str | None = None, limit: int | None = None) -> list[User]:
    with uow.read():
        return [_user(r) for r in uow.users.list(after=after, limit=limit)]


def count(uow: UnitOfWork) -> int:
    with uow:
        return uow.users.count()


def _found(record: UserRecord | None, name: str) -> UserRecord:
    if record is None:
        raise NotFound("user", name)
    return record


def _user(record: UserRecord) -> User:
    return User(record.name, Role(record.role), record.active)
