"""Password-reset emails are limited per address and per client, telling nothing of accounts."""

import re

import pytest
from django.urls import reverse

from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def ask(client, email: str, ip: str = "198.51.100.7"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_reset_emails_to_one_address_stop_at_the_limit(client, mailoutbox, settings):
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 3
    UserFactory(email="inbox@example.com")
    statuses = [
        ask(client, "inbox@example.com", ip=f"198.51.100.{i}").status_code for i in range(8)
    ]
    assert statuses == [302] * 3 + [429] * 5
    assert len(mailoutbox) == 3


def test_one_client_is_limited_across_addresses(client, mailoutbox, settings):
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 2  # 6 requests per client
    for i in range(8):
        UserFactory(email=f"user{i}@example.com")
    statuses = [ask(client, f"user{i}@example.com").status_code for i in range(8)]
    assert statuses == [302] * 6 + [429] * 2
    assert len(mailoutbox) == 6


def test_the_limit_answers_alike_for_addresses_with_and_without_an_account(client, settings):
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 1
    UserFactory(email="known@example.com")
    known = [ask(client, "known@example.com", ip=f"198.51.100.{i}") for i in range(2)]
    unknown = [ask(client, "nobody@example.com", ip=f"198.51.100.{i}") for i in range(2)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302, 429]
    assert page_text(known[1], "known") == page_text(unknown[1], "nobody")


def page_text(response, name: str) -> str:
    """The page without the address typed and the form's CSRF token (new on every page)."""
    html = response.content.decode().replace(name, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_accent_variants_of_an_address_share_its_limit(client, mailoutbox, settings):
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 1
    UserFactory(email="t2@probe.test")
    assert ask(client, "t2@probe.test", ip="198.51.100.1").status_code == 302
    assert ask(client, "t2@pröbe.test", ip="198.51.100.2").status_code == 429
    assert len(mailoutbox) == 1
