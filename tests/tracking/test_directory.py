"""The collector's directory: sites and salts in memory, so the hot path never asks the database."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.factories import SiteFactory
from tracking import drops
from tracking.directory import Directory, DirectoryUnavailable, KnownSite
from tracking.models import ShieldDrop

pytestmark = pytest.mark.django_db


def test_a_known_site_is_found_with_its_settings(site, loaded_directory):
    known = loaded_directory.site(site.public_id)
    assert (known.pk, known.time_zone) == (site.pk, site.time_zone)


def test_an_unknown_site_is_none(loaded_directory):
    assert loaded_directory.site("NOSUCH01") is None


def test_a_site_made_after_loading_is_known_after_the_next_refresh(loaded_directory):
    later = SiteFactory()
    assert loaded_directory.site(later.public_id) is None
    loaded_directory.refresh()
    assert loaded_directory.site(later.public_id) is not None


def test_reading_sites_and_salts_asks_the_database_nothing(site, loaded_directory):
    today = dt.datetime.now(dt.UTC).date()
    with CaptureQueriesContext(connection) as queries:
        loaded_directory.site(site.public_id)
        loaded_directory.salt(today)
    assert len(queries) == 0


def test_tomorrows_salt_is_made_a_day_ahead(loaded_directory):
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    assert loaded_directory.salt(tomorrow)


def test_a_directory_never_loaded_is_unavailable(settings):
    settings.COLLECTOR_SEND_TIMEOUT_S = 0.01
    with pytest.raises(DirectoryUnavailable):
        Directory(refresh_s=60, background=False).site("ABCD1234")


@pytest.mark.parametrize(
    "hostnames, hostname, allowed",
    [
        ((), "anything.example", True),
        (("example.com",), "EXAMPLE.com", True),
        (("example.com",), "shop.example.com", False),
        (("*.example.com",), "shop.example.com", True),
        (("*.example.com",), "example.com", True),
        (("*.example.com",), "badexample.com", False),
    ],
)
def test_allowed_hostnames(hostnames, hostname, allowed):
    site = KnownSite(pk=1, public_id="ABCD1234", hostnames=hostnames, time_zone="UTC")
    assert site.allows_hostname(hostname) is allowed


def test_a_sites_shields_and_engaged_bounce_are_in_the_copy(site, loaded_directory):
    site.blocked_addresses, site.blocked_countries, site.engaged_bounce = (
        "203.0.113.0/24",
        "RU",
        True,
    )
    site.save()
    loaded_directory.refresh()
    known = loaded_directory.site(site.public_id)
    assert known.shields.blocks_address("203.0.113.9") and "RU" in known.shields.countries
    assert known.engaged_bounce is True


def test_each_round_of_the_thread_saves_the_shields_counts_of_this_process(site, loaded_directory):
    drops.count_drop(site_id=site.pk, time_zone="UTC", reason="country", now=1_780_000_000.0)
    loaded_directory.tick()
    saved = ShieldDrop.objects.filter(site_id=site.pk).values_list("reason", "hits")
    assert list(saved) == [("country", 1)]


def test_a_failed_save_keeps_the_counts_for_the_next_round(site, loaded_directory, monkeypatch):
    drops.count_drop(site_id=site.pk, time_zone="UTC", reason="path", now=1_780_000_000.0)
    monkeypatch.setattr(drops, "UPSERT_DROPS", "INSERT INTO no_such_table VALUES (%s, %s, %s, %s)")
    loaded_directory.tick()  # logged, not raised
    monkeypatch.undo()
    loaded_directory.tick()
    saved = ShieldDrop.objects.filter(site_id=site.pk).values_list("reason", "hits")
    assert list(saved) == [("path", 1)]
