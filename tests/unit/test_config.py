"""Settings come from the environment once; command-line options override them; bad values are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from itemtrace.config import Settings
from itemtrace.domain.errors import ValidationFailed

ENV = {
    "ITEMTRACE_DATABASE_URL": "postgresql://pg/itemtrace",
    "ITEMTRACE_READ_DATABASE_URL": "postgres://replica/itemtrace",
    "ITEMTRACE_WORKERS": "4",
    "ITEMTRACE_POOL_SIZE": "20",
    "ITEMTRACE_POOL_TIMEOUT": "2.5",
    "ITEMTRACE_STATEMENT_TIMEOUT": "15000",
    "ITEMTRACE_LOCK_TIMEOUT": "0",
    "ITEMTRACE_MAX_BODY_BYTES": "1048576",
}


def test_every_setting_is_read_from_its_environment_variable():
    settings = Settings.from_env(ENV)

    assert settings == Settings(
        database_url="postgresql+psycopg://pg/itemtrace",
        read_database_url="postgresql+psycopg://replica/itemtrace",
        workers=4,
        pool_size=20,
        pool_timeout=2.5,
        statement_timeout_ms=15000,
        lock_timeout_ms=0,
        max_body_bytes=1048576,
        secret_key_file=str(Path.cwd() / "itemtrace-secret.key"),
    )


def test_unset_variables_keep_the_defaults():
    settings = Settings.from_env({"ITEMTRACE_DATABASE_URL": "sqlite:///x.db"})

    assert settings == Settings(
        database_url="sqlite:///x.db", secret_key_file=str(Path.cwd() / "itemtrace-secret.key")
    )
    assert (settings.workers, settings.pool_size, settings.max_body_bytes) == (1, 10, 32 * 1024 * 1024)


def test_options_override_the_environment_and_travel_to_worker_processes_unchanged():
    settings = Settings.from_env(ENV).overridden(workers=2, pool_size=None, lock_timeout_ms=500)

    assert (settings.workers, settings.pool_size, settings.lock_timeout_ms) == (2, 20, 500)
    assert Settings.from_env(settings.to_env()) == settings


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ITEMTRACE_WORKERS", "0", "ITEMTRACE_WORKERS must be a whole number of at least 1, not '0'"),
        ("ITEMTRACE_POOL_SIZE", "ten", "ITEMTRACE_POOL_SIZE must be a whole number of at least 1, not 'ten'"),
        (
            "ITEMTRACE_POOL_TIMEOUT",
            "nan",
            "ITEMTRACE_POOL_TIMEOUT must be a number of seconds of at least 0, not 'nan'",
        ),
        (
            "ITEMTRACE_LOCK_TIMEOUT",
            "-1",
            "ITEMTRACE_LOCK_TIMEOUT must be a whole number of at least 0, not '-1'",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(variable, value, message):
    with pytest.raises(ValidationFailed) as refused:
        Settings.from_env({variable: value})

    assert refused.value.detail == message


def test_a_bad_option_is_refused_naming_the_option():
    with pytest.raises(ValidationFailed) as refused:
        Settings().overridden(pool_size=0)

    assert refused.value.detail == "--pool-size must be a whole number of at least 1, not '0'"
