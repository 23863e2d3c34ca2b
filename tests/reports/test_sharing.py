"""Access to password-protected shared dashboards, kept in the session."""

import pytest
from django.contrib.sessions.backends.db import SessionStore

from accounts.services import regenerate_share_token, set_share_password, set_sharing
from reports import sharing


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
    assert sharing.unlock(session, locked, "open sesame 1")
    assert sharing.has_access(session, locked)


def test_a_wrong_password_grants_nothing(locked):
    session = SessionStore()
    assert not sharing.unlock(session, locked, "open sesame 2")
    assert not sharing.has_access(session, locked)


def test_a_new_link_or_password_revokes_access(locked):
    session = SessionStore()
    sharing.unlock(session, locked, "open sesame 1")
    regenerate_share_token(site=locked)
    assert not sharing.has_access(session, locked)
    sharing.unlock(session, locked, "open sesame 1")
    set_share_password(site=locked, password="open sesame 1")  # same words, new hash
    assert not sharing.has_access(session, locked)


def test_the_session_never_holds_the_password(locked):
    session = SessionStore()
    sharing.unlock(session, locked, "open sesame 1")
    assert "open sesame 1" not in str(dict(session))
