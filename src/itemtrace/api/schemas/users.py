"""User schemas: a user's token is shown once, in the answer that made it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from itemtrace.domain.users import MAX_NAME, Role, User


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME)
    role: Role
    password: str | None = Field(default=None, min_length=1, max_length=200)


class UserPatch(BaseModel):
    """What an admin may change about a user; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

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
