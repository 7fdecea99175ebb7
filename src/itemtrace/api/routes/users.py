"""User routes: create a user (admin; its token is shown once) and who am I."""

from __future__ import annotations

from fastapi import APIRouter

from itemtrace.api import clock
from itemtrace.api.deps import Admin, CurrentUser, Uow
from itemtrace.api.schemas.users import NewUserOut, UserIn, UserOut
from itemtrace.services import users

router = APIRouter(tags=["users"])


@router.post("/users", status_code=201)
def create_user(body: UserIn, uow: Uow, _user: Admin) -> NewUserOut:
    token = users.add_user(uow, body.name, body.role, password=body.password, now=clock.now())
    return NewUserOut(name=body.name, role=body.role, token=token)


@router.get("/users/me")
def me(user: CurrentUser) -> UserOut:
    return UserOut.from_domain(user)
