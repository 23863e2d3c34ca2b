"""Sign-up with email verification, throttled logins, two-factor, password reset, email change."""

import re

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Membership
from accounts.services.auth import confirm_two_factor, start_two_factor
from billing.models import Subscription
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-good-password-1"


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+/)", message.body).group(1)


def test_sign_up_creates_an_inactive_user_with_an_account_on_trial(client, mailoutbox):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "New@Example.com", "password": "a-long-unusual-pass-9", "account_name": "Acme"},
    )
    assert response.status_code == 200
    user = get_user_model().objects.get(email="new@example.com")
    assert not user.is_active
    membership = Membership.objects.get(user=user)
    assert (membership.account.name, membership.role) == ("Acme", "owner")
    assert Subscription.objects.get(account=membership.account).status == "trialing"
    assert mailoutbox[0].to == ["new@example.com"]
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_the_email_link_verifies_and_logs_in(client, mailoutbox):
    client.post(
        reverse("accounts:signup"), {"email": "v@example.com", "password": "a-long-unusual-pass-9"}
    )
    link = link_in(mailoutbox[0])
    assert client.get(link).status_code == 200  # a page with a button: scanners change nothing
    assert not get_user_model().objects.get(email="v@example.com").is_active
    response = client.post(link)
    assert response.status_code == 302
    assert get_user_model().objects.get(email="v@example.com").is_active
    assert client.get(reverse("accounts:home")).status_code == 200


def test_a_tampered_verification_link_is_refused(client):
    assert client.post(reverse("accounts:verify", args=["nonsense"])).status_code == 400


def test_an_unverified_user_is_told_to_verify(client):
    UserFactory(email="u@example.com", is_active=False)
    response = client.post(reverse("login"), {"username": "u@example.com", "password": PASSWORD})
    assert "verify your email" in response.content.decode()


def test_a_duplicate_email_cannot_sign_up(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("accounts:signup"),
        {"email": "Taken@example.com", "password": "a-long-unusual-pass-9"},
    )
    assert response.status_code == 400


def test_login_and_logout(client):
    UserFactory(email="in@example.com")
    response = client.post(reverse("login"), {"username": "In@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert client.get(reverse("accounts:home")).status_code == 302


def test_logins_are_refused_after_too_many_failures_even_with_the_right_password(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    UserFactory(email="t@example.com")
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "t@example.com", "password": "wrong"})
        assert response.status_code == 400
    response = client.post(reverse("login"), {"username": "t@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_two_factor_asks_for_a_code_after_the_password(client):
    user = UserFactory(email="2fa@example.com")
    secret, _ = start_two_factor(user=user)
    codes = confirm_two_factor(user=user, code=pyotp.TOTP(secret).now())
    assert len(codes) == 10
    response = client.post(reverse("login"), {"username": "2fa@example.com", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:login_code")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("accounts:login_code"), {"code": "000000"})
    assert wrong.status_code == 400
    response = client.post(reverse("accounts:login_code"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_recovery_code_works_only_once(client):
    user = UserFactory(email="r@example.com")
    secret, _ = start_two_factor(user=user)
    code = confirm_two_factor(user=user, code=pyotp.TOTP(secret).now())[0]
    from accounts.services.auth import check_second_factor

    assert check_second_factor(user=user, code=code)
    assert not check_second_factor(user=user, code=code)


def test_a_code_of_digits_outside_ascii_is_refused(client):
    user = UserFactory(email="2fa@example.com")
    secret, _ = start_two_factor(user=user)
    confirm_two_factor(user=user, code=pyotp.TOTP(secret).now())
    client.post(reverse("login"), {"username": "2fa@example.com", "password": PASSWORD})
    response = client.post(reverse("accounts:login_code"), {"code": "\u00b9\u00b2\u00b3456"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_totp_code_cannot_be_replayed():
    user = UserFactory()
    secret, _ = start_two_factor(user=user)
    code = pyotp.TOTP(secret).now()
    assert confirm_two_factor(user=user, code=code) is not None
    from accounts.services.auth import check_second_factor

    assert not check_second_factor(user=user, code=code)


def test_password_reset_sends_a_working_link(client, mailoutbox):
    UserFactory(email="forgot@example.com")
    client.post(reverse("accounts:password_reset"), {"email": "forgot@example.com"})
    assert len(mailoutbox) == 1 and mailoutbox[0].alternatives
    link = link_in(mailoutbox[0])
    form_page = client.get(link, follow=True)
    new = "another-long-password-42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert get_user_model().objects.get(email="forgot@example.com").check_password(new)


def test_changing_email_needs_the_link_sent_to_the_new_address(client, mailoutbox):
    user = UserFactory(email="old@example.com")
    client.force_login(user)
    client.post(reverse("accounts:change_email"), {"email": "new@example.com"})
    assert get_user_model().objects.get(pk=user.pk).email == "old@example.com"
    assert mailoutbox[0].to == ["new@example.com"]
    client.post(link_in(mailoutbox[0]))
    user.refresh_from_db()
    assert (user.email, user.username) == ("new@example.com", "new@example.com")
