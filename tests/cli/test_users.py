"""`itemtrace users`: the token is the last line of `users add` and `users rotate-token`."""

from __future__ import annotations

import pytest

from itemtrace.domain.errors import Unauthorized
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

    assert listed == {
        "items": [
            {"name": "alice", "role": "admin", "active": True},
            {"name": "bob", "role": "viewer", "active": True},
        ]
    }


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


def test_users_set_changes_the_role_the_token_carries(itemtrace):
    token = itemtrace.ok("users", "add", "bob", "--role", "viewer").stdout.splitlines()[-1]

    changed = itemtrace.json("users", "set", "bob", "--role", "clerk")

    assert changed == {"name": "bob", "role": "clerk", "active": True}
    assert users.authenticate(itemtrace.uow(), token) == User("bob", Role.CLERK)


def test_a_disabled_users_token_is_refused_until_set_active_again(itemtrace):
    token = itemtrace.ok("users", "add", "bob", "--role", "clerk").stdout.splitlines()[-1]

    disabled = itemtrace.json("users", "disable", "bob")
    with pytest.raises(Unauthorized) as refused:
        users.authenticate(itemtrace.uow(), token)
    itemtrace.ok("users", "set", "bob", "--active")

    assert disabled == {"name": "bob", "role": "clerk", "active": False}
    assert "bob is disabled" in refused.value.detail
    assert users.authenticate(itemtrace.uow(), token) == User("bob", Role.CLERK)


def test_rotate_token_prints_a_new_token_last_and_the_old_one_stops_working(itemtrace):
    old = itemtrace.ok("users", "add", "bob", "--role", "clerk").stdout.splitlines()[-1]

    new = itemtrace.ok("users", "rotate-token", "bob").stdout.splitlines()[-1]

    assert new.startswith("itk_") and new != old
    assert users.authenticate(itemtrace.uow(), new) == User("bob", Role.CLERK)
    with pytest.raises(Unauthorized):
        users.authenticate(itemtrace.uow(), old)


def test_disabling_the_last_active_admin_exits_1_and_says_why(itemtrace):
    itemtrace.ok("users", "add", "alice", "--role", "admin")

    result = itemtrace("users", "disable", "alice")

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error[validation_error]: alice is the last active admin")
    assert itemtrace.json("users", "list")["items"] == [{"name": "alice", "role": "admin", "active": True}]


def test_a_reserved_name_is_refused_in_one_line(itemtrace):
    result = itemtrace("users", "add", "system", "--role", "admin")

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error[validation_error]: the user name 'system' is reserved")


def test_users_set_without_a_change_is_a_usage_error(itemtrace):
    itemtrace.ok("users", "add", "bob", "--role", "clerk")

    result = itemtrace("users", "set", "bob")

    assert result.exit_code == 2
