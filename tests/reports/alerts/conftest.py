import datetime as dt

import pytest

from accounts.models import Site

CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def site(site):
    """The shared site, made before the periods these tests report on (none is before it)."""
    Site.objects.filter(pk=site.pk).update(created=CREATED)
    site.refresh_from_db()
    return site
