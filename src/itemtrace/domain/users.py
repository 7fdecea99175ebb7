"""Users and roles: viewer reads, clerk also posts documents, admin also sets up master data and users."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


SYSTEM = User("system", Role.ADMIN)
