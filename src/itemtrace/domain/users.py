"""Users and roles: viewer reads, clerk also posts documents, admin also sets up master data and users.

The rules about users live here: which names are reserved, and that the last active admin cannot
be disabled or demoted (nobody could then manage users through the API).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from itemtrace.domain.errors import ValidationFailed


class Role(StrEnum):
    VIEWER = "viewer"
    CLERK = "clerk"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return [Role.VIEWER, Role.CLERK, Role.ADMIN].index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role
    active: bool = True


SYSTEM = User("system", Role.ADMIN)
"""Who the CLI and the demo act as when no `--user` is given."""

# `system` is what the CLI and the demo record; `me` is the path `GET /users/me`, so a user of
# that name could never be read or changed by name.
RESERVED_NAMES = frozenset({SYSTEM.name, "me"})
MAX_NAME = 60


def check_name(name: str) -> None:
    """Refuse a name a new user may not have."""
    if not name or len(name) > MAX_NAME or not name.isprintable() or name != name.strip():
        raise ValidationFailed(
            f"a user name is 1 to {MAX_NAME} printable characters without surrounding spaces, not {name!r}"
        )
    if name.lower() in RESERVED_NAMES:
        reserved = ", ".join(sorted(RESERVED_NAMES))
        raise ValidationFailed(f"the user name {name!r} is reserved ({reserved}): choose another name")


def check_admins_remain(before: User, after: User, active_admins: Collection[str]) -> None:
    """Refuse a change that would leave no active admin (`active_admins` as they are before it)."""
    stays_admin = after.active and after.role is Role.ADMIN
    if before.name in active_admins and not stays_admin and set(active_admins) <= {before.name}:
        change = "disable" if not after.active else f"make a {after.role.value} of"
        raise ValidationFailed(
            f"{before.name} is the last active admin: cannot {change} them; make another user an admin "
            "first (`itemtrace users set NAME --role admin`)"
        )
