"""`itemtrace users`: the token is the last line of `users add`."""

from __future__ import annotations

from itemtrace.domain.users import Role, User
from itemtrace.services import users


def test_users_add_prints_a_token_on_its_last_line_that_authenticates_as_that_user(itemtrace):
    result = itemtrace.ok("users", "add", "alice", "--role", "clerk", "--password", "pw-123")

    token = result.stdout.splitlines()[-1]
    assert token.startswith("itk_")
    assert users.authenticate(itemtrace.uow(), token) == User("alice", Role.CLERK)
    assert users.login(itemtrace.uow(), "alice", "pw-123") == User("alice", Role.CLERK)


def test_users_list_shows_names_and_roles_as_json(itemtrace):
    itemtrace.ok("users", "add", "bob", "--role", "viewer")
    itemtrace.ok("users", "add", "alice", "--role", "admin")

    listed = itemtrace.json("users", "list")

    assert listed == {"items": [{"name": "alice", "role": "admin"}, {"name": "bob", "role": "viewer"}]}


def test_adding_a_user_twice_exits_1_with_one_line(itemtrace):
    itemtrace.ok("users", "add", "bob", "--role", "viewer")

    result = itemtrace("users", "add", "bob", "--role", "viewer")

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error[already_exists]: ")


def test_an_unknown_role_is_a_usage_error_with_exit_status_2(itemtrace):
    result = itemtrace("users", "add", "bob", "--role", "superuser")

    assert result.exit_code == 2


def test_a_usage_error_is_one_line_on_stderr_with_exit_status_2(itemtrace):
    result = itemtrace("users", "add", "bob", "--role", "superuser")

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error[usage]: Invalid value for '--role'")
    assert "itemtrace users add --help" in line


def test_a_missing_option_is_one_line_too(itemtrace):
    result = itemtrace("users", "add", "bob")

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error[usage]: Missing option '--role'")


def test_an_unknown_command_or_root_option_is_one_line(itemtrace):
    for args in (["nosuch"], ["--bogus", "init"]):
        result = itemtrace(*args)

        assert result.exit_code == 2
        [line] = result.stderr.splitlines()
        assert line.startswith("error[usage]: ")


def test_a_group_without_a_command_still_shows_its_help(itemtrace):
    result = itemtrace("users")

    assert "Usage" in result.output
    assert "error[usage]" not in result.output
