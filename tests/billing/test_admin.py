"""Billing's admin: its lists render, and the account admin shows plan, status and trials."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Account
from billing.admin import BillingAccountAdmin
from billing.models import Subscription

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    ["billing/plan", "billing/subscription", "billing/invoice", "billing/usagenotice",
     "billing/stripeevent"],
)  # fmt: skip
def test_every_changelist_renders_for_staff(client, staff, site, model):
    response = client.get(f"/admin/{model}/?q=example")
    assert response.status_code == 200


def test_the_account_admin_is_billings_subclass(client, staff, site):
    assert isinstance(admin.site._registry[Account], BillingAccountAdmin)
    body = client.get(reverse("admin:accounts_account_changelist")).content.decode()
    assert "100k pageviews" in body and "trialing" in body
    change = client.get(reverse("admin:accounts_account_change", args=[site.account_id]))
    assert change.status_code == 200 and "subscription-0-plan" in change.content.decode()


def test_extending_a_trial_from_the_admin(client, staff, site):
    before = Subscription.objects.get(account=site.account).trial_ends
    client.post(reverse("admin:accounts_account_changelist"),
                {"action": "extend_trial", "_selected_action": [site.account_id]})  # fmt: skip
    after = Subscription.objects.get(account=site.account).trial_ends
    assert (after - before).days == 14
