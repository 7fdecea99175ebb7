"""User routes: who am I; admins list, create, change and disable users and replace their tokens."""

from __future__ import annotations

from fastapi import APIRouter

from itemtrace.api import clock
from itemtrace.api.deps import Admin, CurrentUser, Uow
from itemtrace.api.pagination import Cursor, Limit, Page, cursor_str, page
from itemtrace.domain.users import User
from itemtrace.schemas.users import NewUserOut, UserIn, UserOut, UserPatch
from itemtrace.services import users

router = APIRouter(tags=["users"])


@router.get("/users")
def list_users(uow: Uow, _user: Admin, limit: Limit = 50, cursor: Cursor = None) -> Page[UserOut]:
    rows = users.list_users(uow, after=cursor_str(cursor), limit=limit + 1)
    return page(rows, limit, present=UserOut.from_domain, position=lambda u: u.name)


@router.post("/users", status_code=201)
def create_user(body: UserIn, uow: Uow, _user: Admin) -> NewUserOut:
    token = users.add_user(uow, body.name, body.role, password=body.password, now=clock.now())
    return NewUserOut.with_token(User(body.name, body.role), token)


@router.get("/users/me")
def me(user: CurrentUser) -> UserOut:
    return UserOut.from_domain(user)


@router.patch("/users/{name}")
def update_user(name: str, body: UserPatch, uow: Uow, _user: Admin) -> UserOut:
    """Change a user's `role`, or disable (`active: false`) or enable them."""
    return UserOut.from_domain(users.update_user(uow, name, role=body.role, active=body.active))


@router.post("/users/{name}/token")
def rotate_token(name: str, uow: Uow, _user: Admin) -> NewUserOut:
    """A new API token for the user (shown once); the old one stops working at once."""
    user, token = users.rotate_token(uow, name)
    return NewUserOut.with_token(user, token)
