"""Signing in: disabled accounts, rate limits per account and per address (the clock is
injected), idle expiry, and the organisation's sign-in mapped by email."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from toc_studio.accounts import signin, users
from toc_studio.accounts.models import AuditEvent, SignInAttempt

PASSWORD = "correct horse battery"
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def asha(session):
    user = users.add_user(session, "Asha", PASSWORD)
    session.commit()
    return user


def test_the_right_password_signs_in_and_a_wrong_one_is_refused(session, asha):
    ok = signin.sign_in(session, "Asha", PASSWORD, "10.0.0.1", now=at(0))
    assert ok.user.id == asha.id and ok.actor.name == "Asha" and not ok.actor.admin
    wrong = signin.sign_in(session, "Asha", "not the password", "10.0.0.1", now=at(1))
    assert wrong.user is None and wrong.message == signin.WRONG
    nobody = signin.sign_in(session, "Nobody", "not the password", "10.0.0.1", now=at(2))
    assert nobody.message == signin.WRONG  # the same words: nothing says who has an account
    session.commit()
    actions = list(session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())
    assert actions[-3:] == ["signin", "signin.failed", "signin.failed"]


def test_a_disabled_account_cannot_sign_in(session, asha):
    users.disable_user(session, "Asha")
    refused = signin.sign_in(session, "Asha", PASSWORD, now=at(0))
    assert refused.user is None and "disabled" in refused.message
    assert signin.still_active(session, asha.id) is None
    users.enable_user(session, "Asha")
    assert signin.sign_in(session, "Asha", PASSWORD, now=at(1)).user is not None
    assert signin.still_active(session, asha.id).name == "Asha"


def test_failures_lock_the_account_name_for_a_while(session, asha):
    for i in range(signin.ACCOUNT_FAILURES):
        assert (
            signin.sign_in(session, "Asha", f"guess {i}", f"10.0.0.{i}", now=at(i * 0.1)).user
            is None
        )
    session.commit()
    locked = signin.sign_in(session, "asha", PASSWORD, "10.9.9.9", now=at(1))
    assert locked.user is None
    assert "Too many failed sign-ins" in locked.message and "09:05 UTC" in locked.message
    assert "in 4 minutes" in locked.message
    # a name nobody has locks the same way: the answer does not tell accounts apart
    for i in range(signin.ACCOUNT_FAILURES):
        signin.sign_in(session, "Nobody", f"guess {i}", now=at(i * 0.1))
    assert "Too many failed sign-ins" in signin.sign_in(session, "Nobody", "x", now=at(1)).message
    # once the oldest of the failures is old enough, the right password works again
    assert signin.sign_in(session, "Asha", PASSWORD, "10.9.9.9", now=at(5.1)).user is not None


def test_a_success_clears_the_count_of_its_name(session, asha):
    for i in range(signin.ACCOUNT_FAILURES - 1):
        signin.sign_in(session, "Asha", f"guess {i}", now=at(i * 0.1))
    assert signin.sign_in(session, "Asha", PASSWORD, now=at(1)).user is not None
    signin.sign_in(session, "Asha", "one more guess", now=at(1.5))
    assert signin.sign_in(session, "Asha", PASSWORD, now=at(2)).user is not None


def test_failures_from_one_address_lock_that_address_only(session, asha):
    for i in range(signin.ADDRESS_FAILURES):
        signin.sign_in(session, f"name {i}", "guess", "203.0.113.7", now=at(i * 0.1))
    session.commit()
    from_there = signin.sign_in(session, "Asha", PASSWORD, "203.0.113.7", now=at(2.5))
    assert from_there.user is None and "Too many failed sign-ins" in from_there.message
    assert signin.sign_in(session, "Asha", PASSWORD, "198.51.100.2", now=at(2.5)).user is not None
    # refused tries while locked are not counted, nor is the password checked
    there = select(SignInAttempt).where(SignInAttempt.address == "203.0.113.7")
    assert len(session.execute(there).all()) == 20


def test_tries_older_than_a_day_are_forgotten(session, asha):
    signin.sign_in(session, "Asha", "guess", now=at(0))
    signin.sign_in(session, "Asha", PASSWORD, now=at(60 * 25))
    session.commit()
    assert list(session.execute(select(SignInAttempt.succeeded)).scalars()) == [True]


def test_a_session_expires_after_the_idle_time(monkeypatch):
    assert not signin.expired(at(0), now=at(29), idle=30)
    assert signin.expired(at(0), now=at(31), idle=30)
    monkeypatch.setenv("TOC_STUDIO_IDLE_MINUTES", "10")
    assert signin.expired(at(0), now=at(11))
    assert not signin.expired(at(0).replace(tzinfo=None), now=at(9))
    monkeypatch.setenv("TOC_STUDIO_IDLE_MINUTES", "soon")
    assert not signin.expired(at(0), now=at(29))


def test_the_organisations_sign_in_maps_an_email_to_an_account(session):
    users.add_user(session, "Cleo", None, email="cleo@example.org")
    users.add_user(session, "Dan", PASSWORD, email="dan@example.org")
    assert signin.sign_in_by_email(session, "Cleo@Example.org", now=at(0)).user.name == "Cleo"
    unknown = signin.sign_in_by_email(session, "eve@example.org", now=at(0))
    assert unknown.user is None
    assert "No account here has the email address 'eve@example.org'" in unknown.message
    assert signin.sign_in_by_email(session, None, now=at(0)).user is None
    users.disable_user(session, "Dan")
    assert "disabled" in signin.sign_in_by_email(session, "dan@example.org", now=at(0)).message
    # an account without a password cannot sign in with one
    assert signin.sign_in(session, "Cleo", "", now=at(1)).user is None
