"""The key that signs web sessions: from the environment, else from a file made once."""

from __future__ import annotations

import stat

from itemtrace.config import Settings
from itemtrace.web.sessions import secret_key


def test_the_secret_key_comes_from_the_environment_and_is_not_shown_in_the_settings():
    settings = Settings.from_env(
        {"ITEMTRACE_SECRET_KEY": "s3cr3t", "ITEMTRACE_DATABASE_URL": "sqlite:///x.db"}
    )

    assert secret_key(settings) == "s3cr3t"
    assert "s3cr3t" not in repr(settings)
    assert Settings.from_env(settings.to_env()) == settings  # worker processes get the same key


def test_without_a_key_one_is_made_once_in_the_key_file_and_read_back_after_a_restart(tmp_path):
    path = tmp_path / "secret.key"
    settings = Settings(secret_key_file=str(path))

    first, second = secret_key(settings), secret_key(settings)

    assert first == second
    assert len(first) >= 40
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_a_key_or_a_file_the_key_lasts_as_long_as_the_process():
    assert secret_key(Settings()) != secret_key(Settings())
