"""User schemas: a new user's token is shown once, in the answer to `POST /users`."""

from __future__ import annotations

from pydantic import BaseModel, Field

from itemtrace.domain.users import Role, User


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    role: Role
    password: str | None = Field(default=None, min_length=1, max_length=200)


class UserOut(BaseModel):
    name: str
    role: Role

    @classmethod
    def from_domain(cls, user: User) -> UserOut:
        return cls(name=user.name, role=user.role)


class NewUserOut(UserOut):
    token: str


class HealthOut(BaseModel):
    status: str
