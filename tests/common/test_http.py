"""The client's address behind proxies: the trusted hop count, ports, IPv4-mapped IPv6.

docs/settings.md (CLIENT_IP_HEADER, CLIENT_IP_TRUSTED_HOPS) describes the same rule.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from analytics_site.env import env_int
from common.http import client_ip, normalize_ip, request_client_ip
from tracking.identity import country_of, visitor_hash

XFF = "X-Forwarded-For"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8.8.8.8", "8.8.8.8"),
        (" 8.8.8.8 ", "8.8.8.8"),
        ("8.8.8.8:5555", "8.8.8.8"),
        ("[2a00::1]:443", "2a00::1"),
        ("[2a00::1]", "2a00::1"),
        ("2A00:0000::0001", "2a00::1"),
        ("::ffff:81.2.69.142", "81.2.69.142"),
        ("[::ffff:81.2.69.142]:80", "81.2.69.142"),
        ("fe80::1%eth0", "fe80::1"),
        ('"[2001:db8::7]:4711"', "2001:db8::7"),  # RFC 7239 style quoting
        ("unknown", None),
        ("", None),
        ("[2a00::1", None),
        ("999.1.1.1", None),
    ],
)
def test_addresses_are_normalised(raw, expected):
    assert normalize_ip(raw) == expected


def test_one_visitor_is_one_hash_and_one_country_however_the_address_is_written():
    forms = ["81.2.69.142", "81.2.69.142:5555", "::ffff:81.2.69.142", "[::ffff:81.2.69.142]:443"]
    ips = {client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": f}, "X-Real-IP") for f in forms}
    assert ips == {"81.2.69.142"}
    hashes = {visitor_hash(salt="s", site_id="S", ip=ip, user_agent="UA") for ip in ips}
    assert len(hashes) == 1
    assert country_of(ips.pop()) == "GB"


def test_one_trusted_hop_takes_the_right_most_entry():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9"}
    assert client_ip(meta, XFF, 1) == "198.51.100.9"


def test_behind_a_cdn_and_a_load_balancer_two_hops_find_the_visitor_not_the_cdn_edge():
    # The client forged 6.6.6.6; the CDN appended the client, the load balancer the CDN edge.
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 81.2.69.142, 203.0.113.50"}
    assert client_ip(meta, XFF, 2) == "81.2.69.142"
    visitors = {
        client_ip({**meta, "HTTP_X_FORWARDED_FOR": f"{visitor}, 203.0.113.50"}, XFF, 2)
        for visitor in ("81.2.69.142", "8.8.8.8", "2a00::1")
    }
    assert len(visitors) == 3  # one CDN edge, three visitors


def test_a_header_with_fewer_entries_than_trusted_hops_is_ignored():
    meta = {"REMOTE_ADDR": "192.0.2.5", "HTTP_X_FORWARDED_FOR": "81.2.69.142"}
    assert client_ip(meta, XFF, 2) == "192.0.2.5"


def test_an_entry_that_is_no_address_falls_back_to_the_socket():
    meta = {"REMOTE_ADDR": "::ffff:192.0.2.5", "HTTP_X_FORWARDED_FOR": "unknown"}
    assert client_ip(meta, XFF, 1) == "192.0.2.5"


def test_no_header_configured_uses_the_normalised_socket_address():
    meta = {"REMOTE_ADDR": "::ffff:192.0.2.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    assert client_ip(meta, "") == "192.0.2.1"
    assert client_ip({}, "") == ""


def test_request_client_ip_reads_both_settings(settings):
    settings.CLIENT_IP_HEADER = XFF
    settings.CLIENT_IP_TRUSTED_HOPS = 2
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="8.8.8.8:1234, 203.0.113.50")
    assert request_client_ip(request) == "8.8.8.8"


def test_trusted_hops_below_one_stop_the_start(monkeypatch):
    monkeypatch.setenv("CLIENT_IP_TRUSTED_HOPS", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("CLIENT_IP_TRUSTED_HOPS", 1, minimum=1)
