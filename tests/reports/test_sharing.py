"""Access to password-protected shared dashboards, kept in the session."""

import pytest
from django.contrib.sessions.backends.db import SessionStore

from accounts.services import regenerate_share_token, set_share_password, set_sharing
from reports import sharing

HERE = "192.0.2.1"


@pytest.fixture
def locked(site):
    set_sharing(site=site, enabled=True)
    return set_share_password(site=site, password="open sesame 1")


def test_a_public_share_needs_no_password(site):
    set_sharing(site=site, enabled=True)
    assert sharing.has_access(SessionStore(), site)


def test_a_disabled_share_gives_no_access(site):
    set_sharing(site=site, enabled=True)
    set_sharing(site=site, enabled=False)
    assert not sharing.has_access(SessionStore(), site)


def test_the_right_password_grants_access_to_the_session(locked):
    session = SessionStore()
    assert not sharing.has_access(session, locked)
    assert sharing.unlock(session, locked, "open sesame 1", HERE)
    assert sharing.has_access(session, locked)


def test_a_wrong_password_grants_nothing(locked):
    session = SessionStore()
    assert not sharing.unlock(session, locked, "open sesame 2", HERE)
    assert not sharing.has_access(session, locked)


def test_a_new_link_or_password_revokes_access(locked):
    session = SessionStore()
    sharing.unlock(session, locked, "open sesame 1", HERE)
    regenerate_share_token(site=locked)
    assert not sharing.has_access(session, locked)
    sharing.unlock(session, locked, "open sesame 1", HERE)
    set_share_password(site=locked, password="open sesame 1")  # same words, new hash
    assert not sharing.has_access(session, locked)


def test_the_session_never_holds_the_password(locked):
    session = SessionStore()
    sharing.unlock(session, locked, "open sesame 1", HERE)
    assert "open sesame 1" not in str(dict(session))


def fail(site, client: str, times: int = sharing.MAX_FAILURES) -> None:
    for _ in range(times):
        sharing.unlock(SessionStore(), site, "wrong", client)


def test_too_many_wrong_passwords_refuse_that_client(locked):
    fail(locked, HERE)
    assert sharing.too_many_failures(locked, HERE)


def test_one_clients_wrong_passwords_do_not_count_against_another(locked):
    fail(locked, HERE)
    assert not sharing.too_many_failures(locked, "192.0.2.2")


def test_an_ipv6_client_is_counted_by_its_64_block(locked):
    fail(locked, "2001:db8:1:2::1")
    assert sharing.too_many_failures(locked, "2001:db8:1:2:ffff::9")
    assert not sharing.too_many_failures(locked, "2001:db8:1:3::1")


def test_a_new_link_forgets_the_wrong_passwords(locked):
    fail(locked, HERE)
    regenerate_share_token(site=locked)
    assert not sharing.too_many_failures(locked, HERE)
