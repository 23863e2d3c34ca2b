"""Every role against every action, plus members of other accounts and anonymous visitors.

Expected answers: the action happens (ok), 403 (a member whose role does not
allow it), 404 (not a member: the account might as well not exist), or a
redirect to the login page (anonymous).
"""

import pytest
from django.urls import reverse

from accounts.models import ApiKey, Invitation, Site
from tests.support.personas import Personas

pytestmark = pytest.mark.django_db

ACTORS = list(Personas.NAMES)
OK, DENIED, HIDDEN, LOGIN, REFUSED = "ok", 403, 404, "login", 400

EXPECTED = {
    #                 owner  admin   viewer  outsider anonymous
    "view_site":      [OK,   OK,     OK,     HIDDEN,  LOGIN],
    "edit_site":      [OK,   OK,     DENIED, HIDDEN,  LOGIN],
    "share_settings": [OK,   OK,     DENIED, HIDDEN,  LOGIN],
    "invite":         [OK,   OK,     DENIED, HIDDEN,  LOGIN],
    "billing":        [OK,   DENIED, DENIED, HIDDEN,  LOGIN],
    "delete_account": [OK,   DENIED, DENIED, HIDDEN,  LOGIN],
    "read_api_key":   [OK,   OK,     OK,     REFUSED, LOGIN],
    "write_api_key":  [OK,   OK,     REFUSED, REFUSED, LOGIN],
}  # fmt: skip
CASES = [
    (action, actor, row[i]) for action, row in EXPECTED.items() for i, actor in enumerate(ACTORS)
]


def perform(client, action: str, site: Site):
    account = site.account
    if action == "view_site":
        return client.get(reverse("reports:dashboard", args=[site.public_id]))
    if action == "edit_site":
        return client.post(reverse("accounts:site_settings", args=[site.public_id]), {
            "name": "Renamed", "hostnames": "example.com", "time_zone": "UTC",
            "query_params": "", "retention_months": "0"})  # fmt: skip
    if action == "share_settings":
        return client.post(reverse("reports:sharing", args=[site.public_id]), {"action": "enable"})
    if action == "invite":
        return client.post(reverse("accounts:team", args=[account.pk]),
                           {"email": "new@example.com", "role": "viewer"})  # fmt: skip
    if action == "billing":
        return client.get(reverse("billing:billing", args=[account.pk]))
    if action == "delete_account":
        return client.post(
            reverse("accounts:delete_account", args=[account.pk]), {"confirm": account.name}
        )
    write = action == "write_api_key"
    data = {"name": "k", "scope": f"site:{site.pk}", **({"can_write": "on"} if write else {})}
    return client.post(reverse("accounts:api_keys"), data)


def happened(action: str, site: Site) -> bool:
    if action == "edit_site":
        return Site.objects.filter(pk=site.pk, name="Renamed").exists()
    if action == "share_settings":
        return Site.objects.filter(pk=site.pk, share_enabled=True).exists()
    if action == "invite":
        return Invitation.objects.filter(account=site.account).exists()
    if action == "delete_account":
        return not Site.objects.filter(pk=site.pk).exists()
    if action in ("read_api_key", "write_api_key"):
        return ApiKey.objects.filter(site=site, can_write=action == "write_api_key").exists()
    return True


@pytest.mark.parametrize("action, actor, expected", CASES)
def test_permission_matrix(client, personas, action, actor, expected):
    site = personas.site
    if personas.user(actor) is not None:
        client.force_login(personas.user(actor))
    response = perform(client, action, site)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif expected == OK:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == expected
    assert happened(action, site) == (expected == OK) or action in ("view_site", "billing")
