from common.http import client_ip
from tracking.identity import country_of, visitor_hash


def test_the_socket_address_is_used_without_a_proxy_header():
    meta = {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    assert client_ip(meta, "") == "192.0.2.1"


def test_only_the_entry_our_proxy_appended_is_trusted():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9"}
    assert client_ip(meta, "X-Forwarded-For") == "198.51.100.9"


def test_visitor_hash_changes_with_the_salt_the_address_and_the_browser():
    base = {"salt": "s1", "site_id": "SITE", "ip": "192.0.2.1", "user_agent": "UA"}
    h = visitor_hash(**base)
    assert len(h) == 32 and "192.0.2.1" not in h
    for key, other in (("salt", "s2"), ("ip", "192.0.2.2"), ("user_agent", "UA2"),
                       ("site_id", "OTHER")):  # fmt: skip
        assert visitor_hash(**{**base, key: other}) != h


def test_country_of_public_and_private_addresses():
    assert country_of("8.8.8.8") == "US"
    assert country_of("10.1.2.3") == ""
    assert country_of("not an ip") == ""
