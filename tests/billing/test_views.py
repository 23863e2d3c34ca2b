"""Billing pages: plan and usage, checkout, portal, invoices and their download."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from billing.models import Invoice, InvoiceLine, Subscription
from tests.support.factories import SiteFactory
from tracking.models import DailyRollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(site):
    return site.account


def invoice_for(account) -> Invoice:
    invoice = Invoice.objects.create(account=account, number="INV-00001-0001", key="k1",
                                     issued=dt.date(2024, 3, 1), period_start=dt.date(2024, 3, 1),
                                     period_end=dt.date(2024, 4, 1), total_cents=4500)  # fmt: skip
    InvoiceLine.objects.create(
        invoice=invoice, description="500k pageviews (monthly)", amount_cents=4500
    )
    return invoice


def test_the_usage_page_shows_the_months_usage_with_a_bar(client, owner, account, site):
    today = dt.datetime.now(dt.UTC).date()
    Subscription.objects.filter(account=account).update(anchor=today)
    DailyRollup.objects.create(site_id=site.pk, dimension=0, day=today, dim_value="",
                               pageviews=25_000, completions=5_000)  # fmt: skip
    client.force_login(owner)
    body = client.get(reverse("billing:billing", args=[account.pk])).content.decode()
    assert 'data-usage="30000" data-limit="100000"' in body
    assert 'width="30"' in body
    assert "$15.00" in body and "$200.00" in body  # the 100k and 10M monthly prices


def test_choosing_a_plan_without_a_card_goes_to_stripe_checkout(client, owner, account, gateway):
    client.force_login(owner)
    response = client.post(reverse("billing:choose_plan", args=[account.pk]),
                           {"plan": "1m", "interval": "year"})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.test/session"
    checkout = dict(gateway.calls)["checkout_url"]
    assert checkout["metadata"] == {"account_id": str(account.pk), "plan": "1m", "interval": "year"}
    assert Subscription.objects.get(account=account).stripe_customer_id == f"cus_{account.pk}"


def test_a_custom_plan_cannot_be_chosen_by_its_code(client, owner, account):
    from billing.models import Plan

    Plan.objects.create(code="custom-big", name="Big Co", monthly_pageviews=10**9,
                        price_month_cents=1, price_year_cents=1, is_custom=True)  # fmt: skip
    client.force_login(owner)
    client.post(
        reverse("billing:choose_plan", args=[account.pk]),
        {"plan": "custom-big", "interval": "month"},
    )
    assert Subscription.objects.get(account=account).plan.code == "100k"


def test_the_portal_link_opens_stripes_customer_portal(client, owner, account):
    Subscription.objects.filter(account=account).update(stripe_customer_id="cus_7")
    client.force_login(owner)
    response = client.post(reverse("billing:billing_portal", args=[account.pk]))
    assert response["Location"] == "https://billing.stripe.test/portal"


def test_the_owner_sees_an_invoice_and_downloads_it_as_csv(client, owner, account):
    invoice = invoice_for(account)
    client.force_login(owner)
    page = client.get(
        reverse("billing:invoice", args=[account.pk, invoice.number])
    ).content.decode()
    assert "500k pageviews (monthly)" in page and "$45.00" in page
    download = client.get(reverse("billing:invoice_csv", args=[account.pk, invoice.number]))
    assert download["Content-Disposition"] == 'attachment; filename="INV-00001-0001.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[1][2:] == ["500k pageviews (monthly)", "", "", "45.00", "usd"]
    assert rows[-1][2] == "Total" and rows[-1][5] == "45.00"


def test_another_accounts_invoice_number_is_not_found(client, owner, account):
    other = SiteFactory().account
    invoice = invoice_for(other)
    client.force_login(owner)
    for name in ("billing:invoice", "billing:invoice_csv"):
        assert client.get(reverse(name, args=[account.pk, invoice.number])).status_code == 404
        assert client.get(reverse(name, args=[other.pk, invoice.number])).status_code == 404
