"""Billing hears of new accounts through accounts' signal, and adds its links to settings."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Membership
from accounts.services import create_account_with_owner, open_account
from accounts.signals import account_opened
from billing.models import Subscription
from billing.receivers import start_trial_on_opening
from billing.services import utc_today
from tests.support.factories import UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Every account_opened sent during the test, with its arguments."""
    calls = []

    def listen(**kwargs):
        calls.append(kwargs)

    account_opened.connect(listen, dispatch_uid="test.listen")
    yield calls
    account_opened.disconnect(dispatch_uid="test.listen")


def test_opening_an_account_starts_its_trial_through_the_signal(heard):
    user = UserFactory()
    account = create_account_with_owner(user=user, name="Acme")
    assert heard == [{"signal": account_opened, "sender": type(account), "account": account,
                      "owner": user}]  # fmt: skip
    subscription = Subscription.objects.get(account=account)
    assert subscription.status == Subscription.Status.TRIALING
    assert subscription.plan.code == "100k"
    assert subscription.trial_ends == utc_today() + dt.timedelta(days=settings.BILLING_TRIAL_DAYS)
    assert Membership.objects.get(account=account).user == user


def test_without_billings_receiver_an_account_has_no_trial():
    """The trial comes from the receiver billing connects, not from accounts itself."""
    assert account_opened.disconnect(dispatch_uid="billing.start_trial")
    try:
        account = open_account(name="No billing")
        assert not Subscription.objects.filter(account=account).exists()
    finally:
        account_opened.connect(start_trial_on_opening, dispatch_uid="billing.start_trial")


def test_a_failing_receiver_undoes_the_opening(heard):
    def fail(**kwargs):
        raise RuntimeError("no")

    account_opened.connect(fail, dispatch_uid="test.fail")
    try:
        with pytest.raises(RuntimeError):
            open_account(name="Doomed", owner=UserFactory())
    finally:
        account_opened.disconnect(dispatch_uid="test.fail")
    assert not Subscription.objects.filter(account__name="Doomed").exists()
    assert not Membership.objects.filter(account__name="Doomed").exists()


def test_the_settings_page_links_billing_for_owners_only(client):
    owner = UserFactory()
    account = create_account_with_owner(user=owner, name="Acme")
    viewer = member_of(account, Membership.Role.VIEWER)
    billing_url = reverse("billing:billing", args=[account.pk])
    invoices_url = reverse("billing:invoices", args=[account.pk])
    client.force_login(owner)
    body = client.get(reverse("accounts:home")).content.decode()
    assert (
        f' · <a href="{billing_url}">Plan and usage</a> · <a href="{invoices_url}">Invoices</a>'
        in body
    )
    client.force_login(viewer)
    body = client.get(reverse("accounts:home")).content.decode()
    assert billing_url not in body and invoices_url not in body
