"""User schemas: a user's token is shown once, in the answer that made it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from itemtrace.domain.users import Role, User
from itemtrace.schemas.common import Password, StrictModel, UserName


class UserIn(StrictModel):
    name: UserName
    role: Role
    password: Password | None = None


class UserPatch(StrictModel):
    """What an admin may change about a user; fields left out stay as they are."""

    role: Role | None = None
    active: bool | None = Field(default=None, description="false disables the user: its token answers 401")


class UserOut(BaseModel):
    name: str
    role: Role
    active: bool

    @classmethod
    def from_domain(cls, user: User) -> UserOut:
        return cls(name=user.name, role=user.role, active=user.active)


class NewUserOut(UserOut):
    token: str = Field(description="The user's API token; shown only this once")

    @classmethod
    def with_token(cls, user: User, token: str) -> NewUserOut:
        return cls(name=user.name, role=user.role, active=user.active, token=token)


class HealthOut(BaseModel):
    status: str
