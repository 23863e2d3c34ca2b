"""Retention purges old facts; data of deleted sites is deleted at once and swept again later."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Site, SiteDeletion
from accounts.services.sites import delete_site
from harness.hits import queued_hit
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup, Fact, HourlyTotal, VisitorState

pytestmark = pytest.mark.django_db


def traffic(site, at):
    ingest_batch([queued_hit(site, at=at, url="https://example.com/")])


def rows(site_id) -> int:
    return sum(m.objects.filter(site_id=site_id).count()
               for m in (Fact, DailyRollup, HourlyTotal, VisitorState))  # fmt: skip


def test_deleting_a_site_deletes_its_tracking_data_at_once(site):
    site_id = site.pk
    traffic(site, dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    delete_site(site=site)
    assert rows(site_id) == 0


def test_hits_written_after_a_site_was_deleted_are_swept_by_the_job(site):
    site_id = site.pk
    delete_site(site=site)
    traffic(
        Site(pk=site_id, public_id="GONE", time_zone="UTC"), dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    )
    assert rows(site_id) > 0  # a hit that was already queued
    call_command("purge_old_facts")
    assert rows(site_id) == 0
    assert SiteDeletion.objects.filter(site_id=site_id).exists()


def test_retention_purges_old_facts_but_keeps_rollup_totals(site):
    site.retention_months = 6
    site.save()
    traffic(site, timezone.now() - dt.timedelta(days=250))
    traffic(site, timezone.now() - dt.timedelta(days=10))
    call_command("purge_old_facts")
    assert Fact.objects.filter(site_id=site.pk).count() == 1
    totals = DailyRollup.objects.filter(site_id=site.pk, dimension=0)
    assert sum(r.pageviews for r in totals) == 2


def test_a_site_that_keeps_everything_is_not_purged(site):
    traffic(site, timezone.now() - dt.timedelta(days=4000))
    call_command("purge_old_facts")
    assert Fact.objects.filter(site_id=site.pk).count() == 1
