"""Usage metering from the rollups, notices at 80% and 100%, and the grace period."""

import datetime as dt

import pytest

from billing.models import Subscription, UsageNotice
from billing.notices import check_usage
from billing.selectors import billing_notice, upgrade_prompt
from billing.usage import current_usage
from harness.hits import queued_hit
from tests.support.factories import AccountFactory, SiteFactory, UserFactory
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(anchor=D(2024, 1, 31))
    return account


def rollup(site, day, pageviews, completions=0, dimension=0):
    DailyRollup.objects.create(site_id=site.pk, dimension=dimension, day=day, dim_value="",
                               pageviews=pageviews, completions=completions)  # fmt: skip


def test_usage_sums_pageviews_and_events_over_all_sites_in_the_period(account):
    first, second = SiteFactory(account=account), SiteFactory(account=account)
    other_account_site = SiteFactory()
    rollup(first, D(2024, 2, 29), 100, 5)  # the period's first day (anchor Jan 31, leap year)
    rollup(second, D(2024, 3, 30), 40, 1)  # its last day
    rollup(first, D(2024, 3, 31), 1000)  # next period
    rollup(first, D(2024, 2, 28), 1000)  # previous period
    rollup(first, D(2024, 3, 1), 7, dimension=3)  # a breakdown row, not the site total
    rollup(other_account_site, D(2024, 3, 1), 1000)
    usage = current_usage(account=account, today=D(2024, 3, 15))
    assert (usage.period.start, usage.period.end) == (D(2024, 2, 29), D(2024, 3, 31))
    assert usage.used == 146


def test_hits_count_in_the_period_of_their_sites_local_day(account):
    new_york = SiteFactory(account=account, time_zone="America/New_York")
    tokyo = SiteFactory(account=account, time_zone="Asia/Tokyo")
    at = dt.datetime(2024, 3, 31, 3, 0, tzinfo=dt.UTC)  # Mar 30 in New York, Mar 31 in Tokyo
    ingest_batch([queued_hit(new_york, at=at, url="https://example.com/"),
                  queued_hit(tokyo, at=at, url="https://example.com/")])  # fmt: skip
    assert current_usage(account=account, today=D(2024, 3, 30)).used == 1
    assert current_usage(account=account, today=D(2024, 3, 31)).used == 1


def test_owners_are_emailed_at_80_and_100_percent_once_per_period(account, mailoutbox):
    site = SiteFactory(account=account, owner=UserFactory(email="boss@example.com"))
    rollup(site, D(2024, 3, 1), 80_000)
    assert check_usage(account=account, today=D(2024, 3, 2)) == [80]
    assert check_usage(account=account, today=D(2024, 3, 3)) == []
    rollup(site, D(2024, 3, 4), 20_000)
    assert check_usage(account=account, today=D(2024, 3, 5)) == [100]
    assert [m.to for m in mailoutbox] == [["boss@example.com"], ["boss@example.com"]]
    assert "80%" in mailoutbox[0].subject
    assert "nothing is lost" in mailoutbox[1].body
    assert mailoutbox[1].alternatives[0][1] == "text/html"
    rollup(site, D(2024, 4, 1), 90_000)  # the next period notices again
    assert check_usage(account=account, today=D(2024, 4, 2)) == [80]
    assert UsageNotice.objects.filter(account=account).count() == 3


def test_over_the_limit_asks_for_an_upgrade_only_after_the_grace_period(account, settings):
    settings.BILLING_GRACE_DAYS = 7
    site = SiteFactory(account=account)
    rollup(site, D(2024, 3, 1), 150_000)
    check_usage(account=account, today=D(2024, 3, 2))
    subscription = Subscription.objects.get(account=account)
    subscription.status = "active"
    assert subscription.over_limit_since == D(2024, 3, 2)
    assert not upgrade_prompt(subscription=subscription, today=D(2024, 3, 8))
    assert upgrade_prompt(subscription=subscription, today=D(2024, 3, 9))
    assert "please upgrade" in billing_notice(subscription=subscription, today=D(2024, 3, 9))


def test_a_new_period_under_the_limit_clears_the_overage(account):
    site = SiteFactory(account=account)
    rollup(site, D(2024, 3, 1), 150_000)
    check_usage(account=account, today=D(2024, 3, 2))
    check_usage(account=account, today=D(2024, 4, 2))
    assert Subscription.objects.get(account=account).over_limit_since is None
