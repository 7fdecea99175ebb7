"""A property-based fuzz of the whole API from its OpenAPI document (schemathesis), on both databases.

Every operation gets a bounded number of generated requests, valid and invalid, sent as an
admin into the small warehouse of `tests.world`: no answer may be a 5xx, and every answer (errors
included, as problem+json) must match what the document declares for it. The examples are
derandomised, so a run is repeatable; `ITEMTRACE_FUZZ_EXAMPLES` raises their number for a
longer hunt.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import sessionmaker

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

from itemtrace.api.app import create_app
from itemtrace.domain.users import Role
from itemtrace.services import users
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import now
from tests.world import given_world

EXAMPLES = int(os.environ.get("ITEMTRACE_FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _no_database() -> Any:
    raise AssertionError("the schema is read without a database")


# Loaded once, from an app that never reaches a database; each test sends its cases to an app
# over that test's own rolled-back transaction (below).
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(session_factory=_no_database))


@pytest.fixture(scope="module")
def fuzzed(engine) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """An app over one rolled-back transaction for the whole module (the operations share what
    they create), with the master data of `tests.world` to find, and an admin's headers."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    given_world(UnitOfWork(factory))
    token = users.add_user(UnitOfWork(factory), "fuzzer", Role.ADMIN, now=now())
    yield create_app(session_factory=factory), {"Authorization": f"Bearer {token}"}
    outer.rollback()
    connection.close()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gets_a_server_error_and_every_answer_matches_the_document(case, fuzzed):
    app, admin = fuzzed
    case.call_and_validate(app=app, headers=admin, checks=CHECKS)
