"""The throttle counts an email address as the database compares it, for every spelling."""

import pytest
from django.urls import reverse

from accounts import throttle
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-good-password-1"


def test_accent_variants_of_an_address_are_one_subject():
    assert throttle.email_subject("t2@pröbe.test") == throttle.email_subject("T2@probe.test")


def test_different_addresses_are_different_subjects():
    assert throttle.email_subject("a@probe.test") != throttle.email_subject("b@probe.test")


def test_accent_variants_share_the_login_failure_count(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    UserFactory(email="t2@probe.test")
    for spelling in ("t2@pröbe.test", "t2@prõbe.test", "t2@próbe.test"):
        response = client.post(reverse("login"), {"username": spelling, "password": "wrong"})
        assert response.status_code == 400
    response = client.post(reverse("login"), {"username": "t2@probe.test", "password": PASSWORD})
    assert response.status_code == 429


def test_sign_up_refuses_an_address_the_database_considers_taken(client):
    UserFactory(email="t2@probe.test")
    response = client.post(
        reverse("accounts:signup"), {"email": "T2@pröbe.test", "password": "a-long-unusual-pass-9"}
    )
    assert response.status_code == 400


def test_the_client_count_is_kept_apart_from_the_subject_count(rf, settings):
    settings.LOGIN_MAX_FAILURES = 2
    here, there = rf.get("/", REMOTE_ADDR="198.51.100.1"), rf.get("/", REMOTE_ADDR="198.51.100.2")
    subject = throttle.email_subject("x@example.com")
    throttle.LOGIN.record(here, subject)
    throttle.LOGIN.record(here, subject)
    assert throttle.LOGIN.is_throttled(there, subject)  # the address is out of guesses
    assert not throttle.LOGIN.is_throttled(there, throttle.email_subject("y@example.com"))


def test_an_ipv6_client_is_counted_by_its_64_block(rf, settings):
    settings.LOGIN_MAX_FAILURES = 1
    subject = throttle.email_subject("x@example.com")
    for i in range(4):  # the client limit is 4x the subject's
        throttle.LOGIN.record(rf.get("/", REMOTE_ADDR=f"2001:db8:1:2::{i + 1}"), subject)
    same_block = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    other_block = rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    other_subject = throttle.email_subject("y@example.com")
    assert throttle.LOGIN.is_throttled(same_block, other_subject)
    assert not throttle.LOGIN.is_throttled(other_block, other_subject)
