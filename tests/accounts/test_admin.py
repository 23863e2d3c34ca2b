"""The staff admin: lists render, suspend/unsuspend work (billing's admin: tests/billing)."""

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.selectors import account_is_suspended

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    ["auth/user", "accounts/account", "accounts/membership", "accounts/site", "accounts/apikey",
     "accounts/invitation", "accounts/sitedeletion"],
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
