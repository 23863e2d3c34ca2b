"""No object of another account can be reached by changing an id in a URL or a form.

The user here owns account A; every id below belongs to account B.
"""

import pytest
from django.urls import reverse

from accounts.models import Account, ApiKey, Invitation, Membership, Site
from accounts.services.api_keys import create_api_key
from tests.support.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(personas):
    """The outsider's account B with its site, a viewer, an invitation and its owner's API key."""
    site = personas.outsider_site
    account = site.account
    viewer = member_of(account, Membership.Role.VIEWER, email="b-viewer@example.com")
    invitation = Invitation.objects.create(
        account=account, email="x@example.com", token_hash="0" * 64, expires="2999-01-01T00:00Z"
    )
    key, _ = create_api_key(user=personas.outsider, account=account, name="b")
    return {
        "account": account,
        "site": site,
        "membership": viewer.memberships.get(),
        "invitation": invitation,
        "key": key,
    }


@pytest.fixture
def me(client, personas):
    client.force_login(personas.owner)
    return personas.site.account


def urls(mine: Account, theirs: dict) -> list[tuple[str, str]]:
    b, s = theirs["account"].pk, theirs["site"].public_id
    m, i = theirs["membership"].pk, theirs["invitation"].pk
    return [
        ("get", reverse("accounts:team", args=[b])),
        ("post", reverse("accounts:team", args=[b])),
        ("post", reverse("accounts:member", args=[b, m])),
        ("post", reverse("accounts:member", args=[mine.pk, m])),  # my account, their member
        ("post", reverse("accounts:revoke_invitation", args=[b, i])),
        ("post", reverse("accounts:revoke_invitation", args=[mine.pk, i])),
        ("post", reverse("accounts:leave", args=[b])),
        ("get", reverse("accounts:delete_account", args=[b])),
        ("post", reverse("accounts:delete_account", args=[b])),
        ("get", reverse("accounts:new_site", args=[b])),
        ("post", reverse("accounts:new_site", args=[b])),
        ("get", reverse("accounts:site_settings", args=[s])),
        ("post", reverse("accounts:site_settings", args=[s])),
        ("post", reverse("accounts:site_delete", args=[s])),
        ("get", reverse("billing:billing", args=[b])),
        ("post", reverse("billing:choose_plan", args=[b])),
        ("post", reverse("billing:billing_portal", args=[b])),
        ("get", reverse("billing:invoices", args=[b])),
    ]


def test_every_url_with_another_accounts_id_is_not_found(client, me, theirs):
    for method, url in urls(me, theirs):
        data = {"action": "remove", "confirm": "Theirs", "name": "x", "role": "admin",
                "email": "y@example.com", "plan": "10m", "interval": "month"}  # fmt: skip
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, (method, url, response.status_code)
    assert Account.objects.filter(pk=theirs["account"].pk).exists()
    assert Site.objects.filter(pk=theirs["site"].pk, name="Theirs").exists()
    assert Membership.objects.filter(pk=theirs["membership"].pk, role="viewer").exists()
    assert Invitation.objects.filter(pk=theirs["invitation"].pk).exists()


def test_an_api_key_form_naming_another_accounts_site_makes_no_key(client, me, theirs):
    for scope in (f"site:{theirs['site'].pk}", f"account:{theirs['account'].pk}"):
        response = client.post(reverse("accounts:api_keys"), {"name": "k", "scope": scope})
        assert response.status_code == 400
    assert not ApiKey.objects.exclude(pk=theirs["key"].pk).exists()


def test_revoking_another_users_key_by_id_does_nothing(client, me, theirs):
    client.post(reverse("accounts:revoke_key", args=[theirs["key"].pk]))
    assert ApiKey.objects.get(pk=theirs["key"].pk).revoked is None


def test_a_role_form_cannot_make_an_owner(client, me, owner):
    member = member_of(me, Membership.Role.VIEWER)
    client.post(reverse("accounts:member", args=[me.pk, member.memberships.get().pk]),
                {"action": "role", "role": "owner"})  # fmt: skip
    assert Membership.objects.get(user=member).role == "viewer"
