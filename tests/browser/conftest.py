"""Browser tests: Playwright driving Debian's chromium (launched by its path, never downloaded)
against a real server on a temporary SQLite database.

Fixtures: `live` (the server's base URL and a unit of work on its database, one per session),
`browser` (one chromium per session), `page` (a fresh context signed in as the clerk),
`page_as(role)` (the same for any role), `anonymous` (a fresh context, nobody signed in).
Helpers: `tests.browser.axe.assert_accessible(page)`.

The tests are skipped when chromium is missing, except under CI=true, where that fails:
`scripts/test-setup.sh` (run by `make test`) installs it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from itemtrace.domain.users import Role
from itemtrace.services import users
from itemtrace.storage.engine import make_engine
from itemtrace.storage.schema import upgrade
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.browser import server
from tests.conftest import now
from tests.world import given_world

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
CHROMIUM = os.environ.get("ITEMTRACE_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "browser-test-pass"
NAMES = {Role.VIEWER: "vera", Role.CLERK: "carl", Role.ADMIN: "ada"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).is_file():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"{CHROMIUM} is missing: run scripts/test-setup.sh")
    skip = pytest.mark.skip(reason=f"no {CHROMIUM}: run scripts/test-setup.sh (apt-get install chromium)")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@dataclass
class Live:
    base_url: str
    engine: object

    def uow(self) -> UnitOfWork:
        return UnitOfWork.for_engine(self.engine)  # type: ignore[arg-type]

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'itemtrace.db'}"
    engine = make_engine(url)
    upgrade(engine)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    for role, name in NAMES.items():
        users.add_user(UnitOfWork.for_engine(engine), name, role, password=PASSWORD, now=now())
    running = server.start(url)
    yield Live(running.base_url, engine)
    running.stop()
    engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def signed_in_states(live, browser, tmp_path_factory) -> dict[Role, str]:
    """One sign-in per role per session, through the form; each test's context starts from it."""
    states = {}
    folder = tmp_path_factory.mktemp("states")
    for role, name in NAMES.items():
        context = browser.new_context(base_url=live.base_url)
        page = context.new_page()
        sign_in(page, name, PASSWORD)
        page.wait_for_url(live.url("/"))
        states[role] = str(folder / f"{role.value}.json")
        context.storage_state(path=states[role])
        context.close()
    return states


def sign_in(page, name: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def page_as(live, browser, signed_in_states) -> Iterator[Callable[[Role], object]]:
    contexts = []

    def open_as(role: Role) -> object:
        context = browser.new_context(base_url=live.base_url, storage_state=signed_in_states[role])
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def page(page_as) -> object:
    """A page signed in as the clerk."""
    return page_as(Role.CLERK)


@pytest.fixture
def anonymous(live, browser) -> Iterator[object]:
    context = browser.new_context(base_url=live.base_url)
    yield context.new_page()
    context.close()


@pytest.fixture
def unique() -> str:
    """A fresh suffix for numbers: the tests of a session share one database."""
    return uuid.uuid4().hex[:8].upper()
