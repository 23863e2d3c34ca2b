"""The staff admin: lists render, suspend/unsuspend and trial extension actions work."""

import pytest
from django.urls import reverse

from accounts.models import Account, Subscription
from accounts.selectors import account_is_suspended
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "model",
    ["auth/user", "accounts/account", "accounts/membership", "accounts/site", "accounts/plan",
     "accounts/subscription", "accounts/invoice", "accounts/usagenotice", "accounts/apikey"],
)  # fmt: skip
def test_every_changelist_renders_for_staff(client, staff, site, model):
    response = client.get(f"/admin/{model}/?q=example")
    assert response.status_code == 200


def test_the_admin_is_for_staff_only(client, owner):
    client.force_login(owner)
    assert client.get("/admin/accounts/account/").status_code == 302


def test_suspending_keeps_the_site_but_shows_a_notice_flag(client, staff, site):
    url = reverse("admin:accounts_account_changelist")
    client.post(url, {"action": "suspend", "_selected_action": [site.account_id]})
    assert account_is_suspended(site=site)
    client.post(url, {"action": "unsuspend", "_selected_action": [site.account_id]})
    assert not account_is_suspended(site=site)
    assert Account.objects.filter(pk=site.account_id).exists()


def test_extending_a_trial_from_the_admin(client, staff, site):
    before = Subscription.objects.get(account=site.account).trial_ends
    client.post(reverse("admin:accounts_account_changelist"),
                {"action": "extend_trial", "_selected_action": [site.account_id]})  # fmt: skip
    after = Subscription.objects.get(account=site.account).trial_ends
    assert (after - before).days == 14
