"""Retention purges old facts; data of deleted sites is deleted at once and swept again later."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Site, SiteDeletion
from accounts.services.sites import delete_site
from tests.support.site_data import one_pageview, tracking_rows
from tracking.models import DailyRollup, Fact

pytestmark = pytest.mark.django_db


def test_deleting_a_site_deletes_its_tracking_data_at_once(site):
    site_id = site.pk
    one_pageview(site, dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    delete_site(site=site)
    assert tracking_rows(site_id) == 0


def test_hits_written_after_a_site_was_deleted_are_swept_by_the_job(site):
    site_id = site.pk
    delete_site(site=site)
    one_pageview(
        Site(pk=site_id, public_id="GONE", time_zone="UTC"), dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    )
    assert tracking_rows(site_id) > 0  # a hit that was already queued
    call_command("purge_old_facts")
    assert tracking_rows(site_id) == 0
    assert SiteDeletion.objects.filter(site_id=site_id).exists()


def test_retention_purges_old_facts_but_keeps_rollup_totals(site):
    site.retention_months = 6
    site.save()
    one_pageview(site, timezone.now() - dt.timedelta(days=250))
    one_pageview(site, timezone.now() - dt.timedelta(days=10))
    call_command("purge_old_facts")
    assert Fact.objects.filter(site_id=site.pk).count() == 1
    totals = DailyRollup.objects.filter(site_id=site.pk, dimension=0)
    assert sum(r.pageviews for r in totals) == 2


def test_a_site_that_keeps_everything_is_not_purged(site):
    one_pageview(site, timezone.now() - dt.timedelta(days=4000))
    call_command("purge_old_facts")
    assert Fact.objects.filter(site_id=site.pk).count() == 1
