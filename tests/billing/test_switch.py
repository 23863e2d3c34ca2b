"""BILLING_ENABLED: off, a self-hosted install has no trial, prompt, billing page, link, usage
email, Stripe call or billing job, and still shows usage; turned on later, every account gets
its trial and keeps its data. On (the default), billing is as it always was.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from accounts.services import create_account_with_owner
from analytics_site import daily_jobs
from analytics_site.daily_jobs import run_due_jobs
from billing.gateway import get_gateway
from billing.models import Subscription, UsageNotice
from billing.notices import check_usage
from billing.services import run_billing_cycle, utc_today
from billing.switch import BillingDisabled
from tests.support.factories import SiteFactory, UserFactory
from tracking.models import DailyRollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def off(settings):
    settings.BILLING_ENABLED = False


@pytest.fixture
def self_hosted(off):
    """An owner whose account and site were opened while billing was off, with some traffic."""
    owner = UserFactory(email="self@example.com")
    site = SiteFactory(owner=owner, public_id="SELFHOST")
    DailyRollup.objects.create(site_id=site.pk, dimension=0, day=utc_today(), dim_value="",
                               pageviews=900_000, completions=300_000)  # fmt: skip
    return owner, site.account


def billing_urls(account) -> list[tuple[str, str]]:
    return [
        ("get", reverse("billing:billing", args=[account.pk])),
        ("post", reverse("billing:choose_plan", args=[account.pk])),
        ("post", reverse("billing:billing_portal", args=[account.pk])),
        ("get", reverse("billing:invoices", args=[account.pk])),
        ("get", reverse("billing:invoice", args=[account.pk, "INV-00001-0001"])),
        ("get", reverse("billing:invoice_csv", args=[account.pk, "INV-00001-0001"])),
        ("post", reverse("billing:stripe_webhook")),
    ]


def test_off_an_account_opened_gets_no_trial(self_hosted):
    _, account = self_hosted
    assert not Subscription.objects.filter(account=account).exists()
    create_account_with_owner(user=UserFactory(), name="Another")
    assert Subscription.objects.count() == 0


def test_off_every_billing_page_and_the_webhook_answer_404(client, self_hosted, gateway):
    owner, account = self_hosted
    client.force_login(owner)
    for method, url in billing_urls(account):
        assert getattr(client, method)(url).status_code == 404, url
    client.logout()
    assert client.get(billing_urls(account)[0][1]).status_code == 404  # not a login redirect
    assert gateway.calls == [] and gateway.charges == []


def test_off_the_settings_page_links_usage_not_plans_or_invoices(client, self_hosted):
    owner, account = self_hosted
    client.force_login(owner)
    body = client.get(reverse("accounts:home")).content.decode()
    assert "Plan and usage" not in body and "Invoices" not in body
    assert reverse("billing:usage", args=[account.pk]) in body


def test_off_usage_stays_visible_without_a_plan_or_prompt(client, self_hosted):
    owner, account = self_hosted
    client.force_login(owner)
    body = client.get(reverse("billing:usage", args=[account.pk])).content.decode()
    assert f'data-month="{utc_today():%Y-%m}" data-usage="1200000"' in body
    assert "plan" not in body.lower() and "trial" not in body.lower()


def test_off_the_usage_page_is_the_owners_only(client, self_hosted):
    _, account = self_hosted
    client.force_login(UserFactory(email="stranger@example.com"))
    assert client.get(reverse("billing:usage", args=[account.pk])).status_code == 404


def test_off_no_billing_job_no_usage_email_no_stripe(self_hosted, monkeypatch, gateway):
    _, account = self_hosted
    ran = []
    monkeypatch.setattr(daily_jobs, "JOBS", {
        "billing_cycle": lambda now: ran.append("billing") or {},
        "purge_old_facts": lambda now: ran.append("purge") or {},
    })  # fmt: skip
    cache.clear()
    run_due_jobs(now=dt.datetime.now(dt.UTC))
    assert ran == ["purge"]
    with pytest.raises(BillingDisabled):
        run_billing_cycle()
    assert check_usage(account=account, today=utc_today()) == []
    assert mail.outbox == [] and not UsageNotice.objects.exists()
    with pytest.raises(BillingDisabled):
        get_gateway()


def test_off_the_billing_cycle_command_does_nothing(self_hosted, capsys):
    call_command("billing_cycle")
    assert "billing is off" in capsys.readouterr().out
    assert not Subscription.objects.exists()


def test_turned_on_later_every_account_gets_a_trial_and_keeps_its_data(
    self_hosted, settings, gateway
):
    owner, account = self_hosted
    settings.BILLING_ENABLED = True
    today = utc_today()
    counts = run_billing_cycle(today=today)
    assert counts["trials_started"] == 1
    subscription = Subscription.objects.get(account=account)
    assert subscription.status == Subscription.Status.TRIALING
    assert subscription.trial_ends == today + dt.timedelta(days=settings.BILLING_TRIAL_DAYS)
    assert DailyRollup.objects.get(site_id=account.sites.get().pk).pageviews == 900_000
    assert run_billing_cycle(today=today)["trials_started"] == 0  # once
    assert gateway.charges == []  # a trial charges nothing


def test_turned_on_the_plan_page_starts_a_missing_trial_at_once(client, self_hosted, settings):
    owner, account = self_hosted
    settings.BILLING_ENABLED = True
    client.force_login(owner)
    body = client.get(reverse("billing:billing", args=[account.pk])).content.decode()
    assert 'data-usage="1200000"' in body
    assert Subscription.objects.get(account=account).status == Subscription.Status.TRIALING
    assert client.get(reverse("billing:usage", args=[account.pk])).status_code == 302


def test_on_by_default_trials_links_and_pages_are_as_before(client, owner, site):
    account = site.account
    assert Subscription.objects.get(account=account).status == Subscription.Status.TRIALING
    client.force_login(owner)
    body = client.get(reverse("accounts:home")).content.decode()
    assert "Plan and usage" in body and "Invoices" in body
    assert reverse("billing:usage", args=[account.pk]) not in body
    assert client.get(reverse("billing:billing", args=[account.pk])).status_code == 200
