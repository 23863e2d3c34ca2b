"""No IP address is kept anywhere: not in a table, a queue message or a log line.

The collector turns the address into a visitor hash and a country in memory
and drops it. This test sends hits (accepted, dropped and rejected ones, and
a request gunicorn cannot even parse) from distinctive documentation
addresses, then searches for those addresses, in text, packed and integer
form, in every table of the test database, every message that went through
SQS and every log file the stack wrote. The test's own socket address,
127.0.0.1, may appear in the product's logs only as a listening address
(host:port of a server the stack started), never as a client's address.
"""

import base64
import binascii
import contextlib
import ipaddress
import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request

from django.db import connection

from accounts.services.api_keys import create_api_key
from harness.collector_client import BROWSER_UA, CollectorClient, pageview
from tests.e2e.conftest import pageview_count
from tests.support.processes import wait_until

# Documentation ranges (RFC 5737, RFC 3849): nothing else on the machine uses them.
CLIENT_IPS = [
    "198.51.100.7",
    "198.51.100.142",
    "198.51.100.251",
    "2001:db8::7",
    "2001:db8:85a3::8a2e:370:7334",
]
# A proxy chain: only the first entry is the client; the rest must not be kept either.
CHAIN = "198.51.100.23, 192.0.2.50"
# Visitors a server forwards in X-Visitor-IP (tracking/senders.py), with a writing key or a bad one.
FORWARDED_IPS = ["198.51.100.99", "2001:db8::99"]
ALL_IPS = [*CLIENT_IPS, "198.51.100.23", "192.0.2.50", *FORWARDED_IPS]
BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def _forms(ip: str) -> tuple[list[str], list[bytes], list[int]]:
    """Text, binary and integer spellings of one address."""
    address = ipaddress.ip_address(ip)
    text = {address.compressed, address.exploded, address.packed.hex()}
    if address.version == 4:
        text.add(f"::ffff:{address}")
    binary = [address.packed, *(t.encode() for t in text)]
    return sorted(text), binary, [int(address)]


def _leaks_in_text(text: str) -> list[str]:
    lowered = text.lower()
    return [form for ip in ALL_IPS for form in _forms(ip)[0] if form.lower() in lowered]


def _leaks_in_value(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        hits = [ip for ip in ALL_IPS if any(form in raw for form in _forms(ip)[1])]
        return hits + _leaks_in_text(raw.decode("utf-8", "replace"))
    if isinstance(value, int) and not isinstance(value, bool):
        return [ip for ip in ALL_IPS if value in _forms(ip)[2]]
    return _leaks_in_text(str(value))


def _server_hit(stack, site, key: str, visitor_ip: str) -> int:
    """A pageview sent by a server for its visitor; the answer's status."""
    request = urllib.request.Request(  # noqa: S310  (the test stack, on loopback)
        stack.base_url + "/api/event",
        data=json.dumps(pageview(site.public_id, "/server-side")).encode(),
        headers={
            "Content-Type": "application/json", "User-Agent": "python-requests/2.32.3",
            "Authorization": f"Bearer {key}", "X-Visitor-IP": visitor_ip,
            "X-Visitor-User-Agent": BROWSER_UA, "X-Forwarded-For": CLIENT_IPS[0],
        },
        method="POST",
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _send_traffic(stack, site, key: str) -> int:
    """Send every kind of request from the distinctive addresses; return pageviews accepted."""
    client = CollectorClient(stack.base_url)
    accepted_pageviews = 0
    try:
        for n, ip in enumerate(CLIENT_IPS):
            status, _ = client.post(pageview(site.public_id, f"/page/{n}"), ip=ip)
            assert status == 202
            accepted_pageviews += 1
        status, _ = client.post(pageview(site.public_id, "/via-proxies"), ip=CHAIN)
        assert status == 202
        accepted_pageviews += 1
        event = {"site": site.public_id, "url": "https://shop.example.com/buy", "name": "buy"}
        assert client.post(event, ip=CLIENT_IPS[0])[0] == 202
        # Dropped (a bot) and rejected (unknown site, not JSON) hits.
        bot = client.post(pageview(site.public_id, "/bot"), ip=CLIENT_IPS[1], ua=BOT_UA)
        assert bot[0] == 202 and b"dropped" in bot[1]
        assert client.post(pageview("NOSUCHSITE", "/"), ip=CLIENT_IPS[2])[0] == 404
        assert client.post({"site": site.public_id}, ip=CLIENT_IPS[3])[0] == 400
    finally:
        client.close()
    assert _server_hit(stack, site, key, FORWARDED_IPS[0]) == 202
    accepted_pageviews += 1
    assert _server_hit(stack, site, "ak_00000000_not-a-live-key", FORWARDED_IPS[1]) == 401
    # An image-beacon hit, sent as a GET.
    query = urllib.parse.urlencode(
        {"site": site.public_id, "url": "https://shop.example.com/pixel"}
    )
    assert _raw_request(
        stack.web_port,
        f"GET /api/event?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"X-Forwarded-For: {CLIENT_IPS[4]}\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
        "Connection: close\r\n\r\n",
    ).startswith(b"HTTP/1.1 200")
    accepted_pageviews += 1
    # A request gunicorn cannot parse: it answers 400 itself and may log about it.
    assert _raw_request(
        stack.web_port,
        "POST /api/event HTTP/1.1\r\nHost: 127.0.0.1\r\nThis header has no colon\r\n\r\n",
    ).startswith(b"HTTP/1.1 400")
    return accepted_pageviews


def _raw_request(port: int, request: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request.encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _take_and_return_messages(stack) -> list[str]:
    """Read every queued message, then send the same bodies back for the worker."""
    client, url, bodies, handles = stack.sqs.client(), stack.queue_url(), [], []
    while got := client.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600
    ).get("Messages", []):
        bodies += [m["Body"] for m in got]
        handles += [m["ReceiptHandle"] for m in got]
    for handle in handles:
        client.delete_message(QueueUrl=url, ReceiptHandle=handle)
    for body in bodies:
        client.send_message(QueueUrl=url, MessageBody=body)
    return bodies


def _leaks_in_message(body: str) -> list[str]:
    leaks = _leaks_in_text(body)
    with contextlib.suppress(binascii.Error):
        leaks += _leaks_in_value(base64.b64decode(body, validate=True))
    return leaks


def _leaks_in_database() -> dict[str, list[str]]:
    schema = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION",
            [schema],
        )
        columns: dict[str, list[str]] = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, []).append(column)
        leaks: dict[str, list[str]] = {}
        for table, names in columns.items():
            quoted = ", ".join(connection.ops.quote_name(name) for name in names)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for name, value in zip(names, row, strict=True):
                    if found := _leaks_in_value(value):
                        leaks.setdefault(f"{table}.{name}", []).extend(found)
    assert "tracking_fact" in columns, "the scan should see the facts table"
    return leaks


def _loopback_as_client(text: str, listening_ports: set[int]) -> list[str]:
    """Lines naming 127.0.0.1 other than as host:port of a server the stack started."""
    found = []
    for line in text.splitlines():
        for match in re.finditer(r"127\.0\.0\.1(?::(\d+))?", line):
            port = match.group(1)
            if port is None or int(port) not in listening_ports:
                found.append(line)
    return found


def test_no_ip_address_reaches_a_table_a_queue_message_or_a_log_line(make_stack, e2e_site):
    owner = e2e_site.account.memberships.get().user
    _, key = create_api_key(user=owner, account=e2e_site.account, name="server", can_write=True)
    stack = make_stack()
    stack.start_web()
    expected_pageviews = _send_traffic(stack, e2e_site, key)

    bodies = _take_and_return_messages(stack)
    assert bodies, "the accepted hits should be in the queue"
    message_leaks = [leak for body in bodies for leak in _leaks_in_message(body)]

    stack.start_worker()
    wait_until(
        lambda: pageview_count(e2e_site.pk) >= expected_pageviews,
        timeout=90,
        message="the hits to be written",
    )
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")
    assert pageview_count(e2e_site.pk) == expected_pageviews
    assert stack.queue_depth(dead_letter=True) == 0
    stack.stop()  # flush and close every log

    assert message_leaks == []
    assert _leaks_in_database() == {}
    logs = sorted(stack.log_dir.glob("*.log"))
    assert {p.name.split("-")[0] for p in logs} >= {"web", "worker", "sqs"}
    assert {p.name: _leaks_in_text(p.read_text(errors="replace")) for p in logs} == {
        p.name: [] for p in logs
    }
    # The SQS server stands in for AWS (its own access log names its clients);
    # every other log is the product's.
    listening = {stack.web_port, stack.sqs.port, int(stack.env.get("DB_PORT", "3306"))}
    product_logs = [p for p in logs if not p.name.startswith("sqs-")]
    assert {
        p.name: _loopback_as_client(p.read_text(errors="replace"), listening) for p in product_logs
    } == {p.name: [] for p in product_logs}
