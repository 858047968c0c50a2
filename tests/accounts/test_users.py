"""Accounts: argon2 hashes, names and passwords refused with sentences, administrators."""

import pytest

from toc_studio import access
from toc_studio.accounts import users
from toc_studio.accounts.models import UserAccount
from toc_studio.errors import Conflict, Invalid, NotFound, Refused

PASSWORD = "correct horse battery"


def test_a_password_is_stored_only_as_an_argon2id_hash(session):
    user = users.add_user(session, "Asha", PASSWORD)
    session.commit()
    stored = session.get(UserAccount, user.id)
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert users.password_matches(stored, PASSWORD)
    assert not users.password_matches(stored, PASSWORD.upper())
    assert not users.password_matches(None, PASSWORD)
    assert users.has_accounts(session)


def test_weak_empty_and_name_passwords_are_refused(session):
    with pytest.raises(Invalid, match="empty"):
        users.add_user(session, "Asha", "")
    with pytest.raises(Invalid, match=f"at least {users.MIN_PASSWORD_LENGTH} characters"):
        users.add_user(session, "Asha", "short")
    with pytest.raises(Invalid, match="cannot be the account's name"):
        users.add_user(session, "Asha Patel", "asha patel")
    with pytest.raises(Invalid, match="needs a name"):
        users.add_user(session, "   ", PASSWORD)
    assert not users.has_accounts(session)


def test_names_and_emails_are_unique(session):
    users.add_user(session, "Asha", PASSWORD, email="Asha@Example.org")
    with pytest.raises(Conflict, match="already an account 'Asha'"):
        users.add_user(session, "  Asha ", PASSWORD)
    with pytest.raises(Conflict, match="email"):
        users.add_user(session, "Ben", PASSWORD, email="asha@example.org")
    with pytest.raises(Invalid, match="not an email address"):
        users.add_user(session, "Ben", PASSWORD, email="asha at example")
    assert users.user_for_email(session, "ASHA@example.org ").name == "Asha"


def test_an_account_without_a_password_needs_an_email(session):
    with pytest.raises(Invalid, match="needs a password"):
        users.add_user(session, "Cleo", None)
    user = users.add_user(session, "Cleo", None, email="cleo@example.org")
    assert user.password_hash is None
    assert not users.password_matches(user, "")


def test_unknown_accounts_are_named_in_a_sentence(session):
    with pytest.raises(NotFound, match="There is no account 'Nobody'"):
        users.disable_user(session, "Nobody")
    with pytest.raises(NotFound):
        users.set_password(session, "Nobody", PASSWORD)


def test_disable_enable_and_passwd(session):
    users.add_user(session, "Asha", PASSWORD)
    assert users.disable_user(session, "Asha").disabled
    assert not users.enable_user(session, "Asha").disabled
    users.set_password(session, "Asha", "another long password")
    user = users.get_user(session, "Asha")
    assert users.password_matches(user, "another long password")
    assert not users.password_matches(user, PASSWORD)
    [summary] = users.list_users(session)
    assert (summary.name, summary.admin, summary.disabled, summary.projects) == (
        "Asha",
        False,
        False,
        0,
    )


def test_only_administrators_manage_accounts(session):
    admin = users.add_user(session, "Root", PASSWORD, admin=True)
    plain = users.add_user(session, "Asha", PASSWORD)
    with access.acting_as(access.Actor(plain.id, plain.name)):
        with pytest.raises(Refused, match="Only an administrator can add accounts"):
            users.add_user(session, "Ben", PASSWORD)
        with pytest.raises(Refused):
            users.disable_user(session, "Root")
        with pytest.raises(Refused):
            users.list_users(session)
    with access.acting_as(access.Actor(admin.id, admin.name, admin=True)):
        users.add_user(session, "Ben", PASSWORD)
    assert [u.name for u in users.list_users(session)] == ["Asha", "Ben", "Root"]
