"""`Annotated` dependencies declared once: the unit of work, the current user and its role, the key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from itemtrace.api import guard
from itemtrace.domain.errors import Forbidden, Unauthorized
from itemtrace.domain.users import Role, User
from itemtrace.services import users
from itemtrace.storage.unit_of_work import UnitOfWork

_bearer = HTTPBearer(auto_error=False, description="An API token from `itemtrace users add NAME --role ROLE`")


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in its
# thread pool, and each such hop costs a thread switch on every request.


async def get_uow(request: Request) -> UnitOfWork:
    """A new unit of work per request; the service it is handed to opens, commits and closes it."""
    factory: Callable[[], UnitOfWork] = request.app.state.uow_factory
    return factory()


Uow = Annotated[UnitOfWork, Depends(get_uow)]


async def get_current_user(
    request: Request, uow: Uow, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> User:
    if credentials is None or not credentials.credentials:
        raise Unauthorized(
            "send `Authorization: Bearer TOKEN`; create a token with `itemtrace users add NAME --role ROLE`"
        )
    # A request with a body had its token checked before the body was read (`api.guard`): no
    # second lookup and no thread hop. Otherwise the lookup runs in the thread pool.
    known = guard.authenticated_user(request, credentials.credentials)
    if known is not None:
        return known
    return await run_in_threadpool(users.authenticate, uow, credentials.credentials)


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(needed: Role) -> Callable[[User], Awaitable[User]]:
    async def check(user: CurrentUser) -> User:
        if not user.role.allows(needed):
            raise Forbidden(
                f"user {user.name} is a {user.role.value}; this needs the {needed.value} role "
                "(ask an admin for a token with that role)"
            )
        return user

    return check


Viewer = Annotated[User, Depends(require_role(Role.VIEWER))]
Clerk = Annotated[User, Depends(require_role(Role.CLERK))]
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retry-safe key: the same key and body return the first result again",
    ),
]
