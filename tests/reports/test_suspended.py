"""A suspended account's hits are still collected, but its dashboards show a notice."""

import pytest
from django.urls import reverse

from accounts.models import Account


@pytest.fixture
def suspended_site(site):
    Account.objects.filter(pk=site.account_id).update(suspended=True)
    return site


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("reports:dashboard", {}),
        ("reports:table", {"table": "pages"}),
        ("reports:export", {"table": "pages"}),
        ("reports:live", {}),
    ],
)
def test_every_dashboard_url_of_a_suspended_account_is_refused(
    client, owner, suspended_site, name, kwargs
):
    client.force_login(owner)
    response = client.get(reverse(name, kwargs={"public_id": suspended_site.public_id, **kwargs}))
    assert response.status_code == 403


def test_the_dashboard_of_a_suspended_account_explains_why(client, owner, suspended_site):
    client.force_login(owner)
    body = client.get(reverse("reports:dashboard", args=[suspended_site.public_id])).content
    assert b"suspended" in body.lower()
