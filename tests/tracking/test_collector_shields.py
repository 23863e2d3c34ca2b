"""The collector's shields: hits from blocked addresses, countries and paths are dropped.

Checked in memory from the site directory while the client's address is still
known, answered 202 (the tracker has nothing to retry), never queued, and
counted per site, day and reason without a query per hit.
"""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import metrics
from tests.tracking.test_collector import post
from tracking.drops import drops_by_day, flush_drops
from tracking.models import ShieldDrop

PAGE = "https://example.com/pricing"
GB_ADDRESS, US_ADDRESS = "81.2.69.142", "8.8.8.8"


@pytest.fixture
def shield(site, loaded_directory):
    """Set the site's shields and reload the collector's copy of the sites; counts start at 0."""

    def set_shields(**fields):
        for name, value in fields.items():
            setattr(site, name, value)
        site.save()
        loaded_directory.refresh()
        flush_drops()  # start from no pending counts

    yield set_shields
    flush_drops()  # leave none for later tests (written in this test's transaction)


def _send(client, site, address, url=PAGE, **headers):
    return post(client, {"site": site.public_id, "url": url}, REMOTE_ADDR=address, **headers)


def test_a_hit_from_a_blocked_address_is_answered_202_and_not_queued(
    collector, site, shield, queue
):
    shield(blocked_addresses="198.51.100.7")
    response = _send(collector, site, "198.51.100.7")
    assert (response.status_code, response.json()) == (202, {"status": "dropped: blocked address"})
    assert queue.take_hits() == []


@pytest.mark.parametrize(
    ("address", "queued"),
    [
        ("198.51.100.0", False),
        ("198.51.100.255", False),
        ("198.51.101.0", True),
        ("2001:db8:0:ffff::1", False),
        ("2001:db8:1::1", True),
        ("::ffff:198.51.100.9", False),  # an IPv4-mapped address is its IPv4 address
    ],
)
def test_cidr_ranges_block_their_first_and_last_address_and_nothing_beside(
    collector, site, shield, queue, address, queued
):
    shield(blocked_addresses="198.51.100.0/24\n2001:db8::/48")
    _send(collector, site, address)
    assert len(queue.take_hits()) == int(queued)


def test_behind_the_trusted_proxy_the_forwarded_client_address_is_checked(
    collector, site, shield, queue, settings
):
    settings.CLIENT_IP_HEADER, settings.CLIENT_IP_TRUSTED_HOPS = "X-Forwarded-For", 1
    shield(blocked_addresses="198.51.100.7")
    _send(collector, site, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    _send(collector, site, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert len(queue.take_hits()) == 1


def test_an_address_forged_left_of_the_trusted_proxies_entry_does_not_decide(
    collector, site, shield, queue, settings
):
    settings.CLIENT_IP_HEADER, settings.CLIENT_IP_TRUSTED_HOPS = "X-Forwarded-For", 1
    shield(blocked_addresses="198.51.100.7")
    # The client wrote the first entry itself; the proxy appended the real one.
    _send(collector, site, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    assert len(queue.take_hits()) == 1


def test_blocking_the_proxys_own_address_does_not_block_the_visitors_behind_it(
    collector, site, shield, queue, settings
):
    settings.CLIENT_IP_HEADER, settings.CLIENT_IP_TRUSTED_HOPS = "X-Forwarded-For", 1
    shield(blocked_addresses="10.0.0.1")
    _send(collector, site, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert len(queue.take_hits()) == 1


def test_a_hit_from_a_blocked_country_is_dropped(collector, site, shield, queue):
    shield(blocked_countries="GB")
    assert _send(collector, site, GB_ADDRESS).json() == {"status": "dropped: blocked country"}
    _send(collector, site, US_ADDRESS)
    assert [hit["country"] for hit in queue.take_hits()] == ["US"]


def test_a_hit_on_a_blocked_path_is_dropped_whatever_its_query_string(
    collector, site, shield, queue
):
    shield(blocked_paths="/admin/*\n*/preview")
    for url in ("https://example.com/admin/users?x=1", "https://example.com/b/preview",
                "https://example.com/administration"):  # fmt: skip
        _send(collector, site, US_ADDRESS, url=url)
    assert [hit["url"] for hit in queue.take_hits()] == ["https://example.com/administration"]


def test_shields_of_one_site_do_not_drop_another_sites_hits(collector, site, shield, queue):
    from tests.support.factories import SiteFactory

    other = SiteFactory(owner=None, hostnames="example.com")
    shield(blocked_addresses="198.51.100.7")
    _send(collector, other, "198.51.100.7")
    assert len(queue.take_hits()) == 1


def test_dropped_hits_are_counted_by_reason_without_a_query_per_hit(collector, site, shield):
    shield(blocked_addresses="198.51.100.7", blocked_countries="GB")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            _send(collector, site, "198.51.100.7")
        _send(collector, site, GB_ADDRESS)
    assert len(queries) == 0
    assert flush_drops() == 2
    assert sorted(ShieldDrop.objects.filter(site_id=site.pk).values_list("reason", "hits")) == [
        ("address", 3),
        ("country", 1),
    ]


def test_flushing_again_adds_to_the_days_counts(collector, site, shield):
    shield(blocked_countries="GB")
    _send(collector, site, GB_ADDRESS)
    flush_drops()
    _send(collector, site, GB_ADDRESS)
    flush_drops()
    [day] = drops_by_day(site_id=site.pk, first_day=ShieldDrop.objects.get(site_id=site.pk).day)
    assert day["reasons"] == {"country": 2}


def test_no_blocked_visitors_address_is_stored_or_counted_with_its_address(collector, site, shield):
    shield(blocked_addresses="198.51.100.0/24")
    _send(collector, site, "198.51.100.42")
    flush_drops()
    stored = repr(list(ShieldDrop.objects.values()))
    assert "198.51.100.42" not in stored and "address" in stored


def test_the_queue_never_carries_the_address_of_an_allowed_hit_either(
    collector, site, shield, queue
):
    shield(blocked_addresses="198.51.100.7")
    _send(collector, site, "203.0.113.9")
    [body] = queue.take_bodies()
    assert "203.0.113.9" not in base64.b64decode(body).decode()


def test_the_rejected_hits_metric_counts_shield_drops_under_their_own_reason(
    collector, site, shield
):
    shield(blocked_countries="GB")
    before = metrics.HITS_REJECTED.labels("shield")._value.get()
    _send(collector, site, GB_ADDRESS)
    assert metrics.HITS_REJECTED.labels("shield")._value.get() == before + 1
