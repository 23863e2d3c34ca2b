import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from playwright.sync_api import Browser

from tests.support.browser import launch_chromium
from tests.support.factories import SiteFactory, UserFactory
from tests.support.processes import Stack


def pytest_collection_modifyitems(items) -> None:
    """Every test in this folder is end-to-end (`-m "not e2e"` leaves them all out).

    A `pytestmark` in a conftest marks nothing: pytest reads it from test modules only.
    """
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def browser(monkeypatch) -> Iterator[Browser]:
    """Debian's Chromium, for tests that drive Django's live server in this process."""
    # Playwright's sync API keeps an event loop in this thread; the ORM calls
    # made between its steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def plain_static_names(settings):
    """The live server serves static files from their sources, by their plain names.

    Modules that drive the live server ask for it with
    `pytest.mark.usefixtures("plain_static_names")`.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


@pytest.fixture
def e2e_site(transactional_db):
    """A committed site that the separate web and worker processes can see."""
    owner = UserFactory(email="e2e-owner@example.com")
    return SiteFactory(owner=owner, public_id="E2ESITE1", hostnames="shop.example.com")


@pytest.fixture
def make_stack(transactional_db, tmp_path):
    """Build stacks (SQS server + gunicorn + worker) on the test database; stopped afterwards.

    The database cache is no model's table, so the flush between tests leaves it:
    an earlier test's worker may have claimed this quarter-hour's report planning
    or the rollup lease there, and this test's worker would skip them. Cleared first.
    """
    cache.clear()
    stacks: list[Stack] = []

    def make(**settings: str) -> Stack:
        stack = Stack(db_name=connection.settings_dict["NAME"], log_dir=tmp_path, **settings)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()


def post_hit(
    base_url: str, payload: dict, *, ip: str = "203.0.113.7", ua: str = BROWSER_UA
) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310  (the test stack, on loopback)
        base_url + "/api/event",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "text/plain", "User-Agent": ua, "X-Forwarded-For": ip},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def pageview_count(site_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(pageviews), 0) FROM tracking_fact WHERE site_id = %s", [site_id]
        )
        return int(cursor.fetchone()[0])
