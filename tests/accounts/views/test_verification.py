"""An email-verification link verifies once; it is never a way to log in."""

import re

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.services.auth import confirm_two_factor, send_verification, start_two_factor
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-pass-9"


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+/)", message.body).group(1)


@pytest.fixture
def verification_link(client, mailoutbox) -> str:
    client.post(reverse("accounts:signup"), {"email": "v@example.com", "password": PASSWORD})
    return link_in(mailoutbox[0])


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_verification_link_works_once(client, verification_link):
    assert client.post(verification_link).status_code == 302
    other_browser = Client()
    assert other_browser.post(verification_link).status_code == 400
    assert not logged_in(other_browser)


def test_a_verification_link_does_not_log_in_after_the_password_changed(client, verification_link):
    user = get_user_model().objects.get(email="v@example.com")
    user.set_password("a-different-password-77")
    user.save()
    assert client.post(verification_link).status_code == 400
    assert not logged_in(client)


def test_a_verified_user_with_two_factor_is_not_logged_in_by_an_old_link(client, verification_link):
    client.post(verification_link)
    user = get_user_model().objects.get(email="v@example.com")
    secret, _ = start_two_factor(user=user)
    confirm_two_factor(user=user, code=pyotp.TOTP(secret).now())
    attacker = Client()
    assert attacker.post(verification_link).status_code == 400
    assert not logged_in(attacker)


def test_an_old_link_cannot_reactivate_a_deactivated_user(client, verification_link):
    client.post(verification_link)
    user = get_user_model().objects.get(email="v@example.com")
    user.is_active = False
    user.save()
    assert Client().post(verification_link).status_code == 400
    assert not get_user_model().objects.get(pk=user.pk).is_active


def test_a_user_with_two_factor_is_verified_but_sent_to_log_in(client, mailoutbox):
    user = UserFactory(email="tf@example.com", is_active=False)
    secret, _ = start_two_factor(user=user)
    confirm_two_factor(user=user, code=pyotp.TOTP(secret).now())
    send_verification(user=user)
    response = client.post(link_in(mailoutbox[-1]))
    assert response["Location"] == reverse("login")
    assert not logged_in(client)
    assert get_user_model().objects.get(pk=user.pk).is_active
