"""Users, API tokens (stored as SHA-256 hashes) and passwords (argon2id) for the web UI.

Passwords stored before argon2 (`scrypt$salt$digest`) still verify; a successful sign-in
stores the password hashed anew with argon2 (as it does when argon2's parameters change).

Every user has exactly one token; a new one (`rotate_token`) replaces it. A disabled user keeps
its name on what it posted but its token and password are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from itemtrace.domain.errors import NotFound, Unauthorized, ValidationFailed
from itemtrace.domain.users import Role, User, check_admins_remain, check_name
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention
from itemtrace.storage.users import UserRecord


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a plain fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


# argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile).
_hasher = PasswordHasher()
_LEGACY = "scrypt$"
MIN_PASSWORD = 1  # the CLI has always taken any non-empty password
MAX_PASSWORD = 1024  # hashing is deliberately costly: do not hash megabytes


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from (argon2, or the older scrypt form)."""
    if stored.startswith(_LEGACY):
        return _check_scrypt(password, stored)
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """A hash of an older kind (scrypt) or of weaker argon2 parameters than today's."""
    return stored.startswith(_LEGACY) or _hasher.check_needs_rehash(stored)


def _check_scrypt(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def check_password_rules(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed(
            f"a password is {MIN_PASSWORD} to {MAX_PASSWORD} characters long, not {len(password)}"
        )


def new_token() -> str:
    return "itk_" + secrets.token_urlsafe(32)


def add_user(uow: UnitOfWork, name: str, role: Role, *, password: str | None = None, now: datetime) -> str:
    """Create a user and return its API token (shown once; only its hash is stored)."""
    check_name(name)
    if password is not None:
        check_password_rules(password)
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


def set_password(uow: UnitOfWork, name: str, password: str) -> User:
    """Give a user a new password (the web sign-in); the old one stops working at once."""
    check_password_rules(password)
    hashed = hash_password(password)
    with uow.write():
        user = _user(_found(uow.users.by_name(name, lock=True), name))
        uow.users.set_password(name, hashed)
        uow.commit()
    return user


@run_again_on_contention
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


@run_again_on_contention
def login(uow: UnitOfWork, name: str, password: str) -> User:
    """The user whose name and password these are; a hash of an older kind is replaced by an
    argon2 one of the same password. Raises `Unauthorized` without saying which of the two was wrong."""
    with uow.read():
        found = uow.users.by_name(name)
    stored = found.password_hash if found is not None else None
    if found is None or stored is None or not check_password(password, stored):
        raise Unauthorized("unknown user or wrong password")
    if not found.active:
        raise Unauthorized(f"user {name} is disabled: ask an admin to enable it")
    if needs_rehash(stored):
        rehashed = hash_password(password)
        with uow.write():
            # Only if nobody changed the password in between (the row is locked while we look).
            current = uow.users.by_name(name, lock=True)
            if current is not None and current.password_hash == stored:
                uow.users.set_password(name, rehashed)
                uow.commit()
    return _user(found)


@run_again_on_contention
def get_user(uow: UnitOfWork, name: str) -> User:
    """The user called `name` (`not_found` if none)."""
    with uow.read():
        return _user(_found(uow.users.by_name(name), name))


@run_again_on_contention
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
