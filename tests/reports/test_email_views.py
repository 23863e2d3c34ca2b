"""The emails page, and the unsubscribe and confirmation links that work without a login."""

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from reports.email.recipients import UNSUBSCRIBE_SALT, Recipient, confirm_url, unsubscribe_url
from reports.models import AlertEpisode, AlertSettings, ExtraRecipient, ReportPreference


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def owner_link(personas) -> str:
    return path_of(
        unsubscribe_url(personas.site.pk, Recipient("owner@example.com", personas.owner.pk))
    )


def test_one_click_unsubscribe_works_logged_out_without_a_csrf_token(client, personas, owner_link):
    client.logout()
    strict = client.__class__(enforce_csrf_checks=True)
    response = strict.post(owner_link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"Unsubscribed" in response.content
    pref = ReportPreference.objects.get(site=personas.site, user=personas.owner)
    assert (pref.weekly, pref.monthly, pref.alerts) == (False, False, False)


def test_opening_the_link_asks_first_and_changes_nothing(client, personas, owner_link):
    response = client.get(owner_link)
    assert response.status_code == 200 and b"Stop these emails?" in response.content
    assert not ReportPreference.objects.exists()


def test_an_unsubscribe_link_works_once(client, personas, owner_link):
    assert client.post(owner_link).status_code == 200
    ReportPreference.objects.filter(user=personas.owner).update(weekly=True)  # subscribed again
    again = client.post(owner_link)
    assert again.status_code == 410 and b"already used" in again.content
    assert ReportPreference.objects.get(user=personas.owner).weekly


def test_a_link_edited_to_name_another_recipient_is_refused(client, personas, owner_link):
    token = owner_link.rstrip("/").rsplit("/", 1)[1]
    value, signature = token.rsplit(":", 1)
    payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    forged_value = signing.dumps({**payload, "u": personas.admin.pk}, salt=UNSUBSCRIBE_SALT)
    forged = forged_value.rsplit(":", 1)[0] + ":" + signature  # their payload, our signature
    response = client.post(reverse("reports:unsubscribe", args=[forged]))
    assert response.status_code == 400 and b"not valid" in response.content
    unsigned = signing.dumps(payload, salt="some other purpose")
    assert client.post(reverse("reports:unsubscribe", args=[unsigned])).status_code == 400
    assert not ReportPreference.objects.exists()


def test_an_extra_recipients_link_removes_only_them(client, site):
    extra = ExtraRecipient.objects.create(
        site=site, email="a@example.net", confirmed=dt.datetime.now(dt.UTC)
    )
    other = ExtraRecipient.objects.create(
        site=site, email="b@example.net", confirmed=dt.datetime.now(dt.UTC)
    )
    link = path_of(unsubscribe_url(site.pk, Recipient(extra.email, extra_id=extra.pk)))
    assert client.post(link).status_code == 200
    assert list(ExtraRecipient.objects.values_list("pk", flat=True)) == [other.pk]
    assert client.post(link).status_code == 410


def test_every_member_chooses_their_own_reports(client, personas):
    client.force_login(personas.viewer)
    url = reverse("reports:emails", args=[personas.site.public_id])
    assert client.post(url, {"action": "preference", "monthly": "on"}).status_code == 302
    pref = ReportPreference.objects.get(user=personas.viewer)
    assert (pref.weekly, pref.monthly, pref.alerts) == (False, True, False)


@pytest.mark.parametrize("action", ["alerts", "add_recipient", "remove_recipient"])
def test_a_viewer_cannot_change_alerts_or_recipients(client, personas, action):
    client.force_login(personas.viewer)
    url = reverse("reports:emails", args=[personas.site.public_id])
    response = client.post(url, {"action": action, "email": "x@example.net", "weekly": "on",
                                 "stopped_hours": "6", "recipient": "1"})  # fmt: skip
    assert response.status_code == 403
    assert not ExtraRecipient.objects.exists() and not AlertSettings.objects.exists()


def test_another_accounts_emails_page_is_a_404(client, personas):
    client.force_login(personas.outsider)
    url = reverse("reports:emails", args=[personas.site.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "preference", "weekly": "on"}).status_code == 404


def test_an_admin_sets_the_alert_thresholds(client, personas):
    client.force_login(personas.admin)
    url = reverse("reports:emails", args=[personas.site.public_id])
    client.post(url, {"action": "alerts", "spike_visitors": "250", "stopped_enabled": "on",
                      "stopped_hours": "12"})  # fmt: skip
    chosen = AlertSettings.objects.get(site=personas.site)
    assert (chosen.spike_visitors, chosen.stopped_enabled, chosen.stopped_hours) == (250, True, 12)


def test_bad_alert_settings_are_a_400_naming_the_field(client, personas):
    client.force_login(personas.owner)
    url = reverse("reports:emails", args=[personas.site.public_id])
    response = client.post(url, {"action": "alerts", "stopped_hours": "0"})
    assert response.status_code == 400
    assert b"greater than or equal to 1" in response.content


def test_an_added_recipient_gets_only_a_confirmation_link(client, personas):
    client.force_login(personas.admin)
    url = reverse("reports:emails", args=[personas.site.public_id])
    client.post(url, {"action": "add_recipient", "email": "board@example.net", "weekly": "on"})
    [message] = mail.outbox
    assert message.to == ["board@example.net"] and "Confirm" in message.subject
    assert ExtraRecipient.objects.get().confirmed is None
    link = re.search(r"https?://\S+/email/confirm/\S+/", message.body).group(0)
    client.logout()
    assert client.get(path_of(link)).status_code == 200
    assert ExtraRecipient.objects.get().confirmed is None  # a GET (link scanners) changes nothing
    assert client.post(path_of(link)).status_code == 200
    assert ExtraRecipient.objects.get().confirmed is not None
    assert client.post(path_of(link)).status_code == 410


def test_a_site_takes_at_most_ten_extra_recipients(client, personas):
    for n in range(10):
        ExtraRecipient.objects.create(site=personas.site, email=f"r{n}@example.net")
    client.force_login(personas.owner)
    url = reverse("reports:emails", args=[personas.site.public_id])
    response = client.post(
        url, {"action": "add_recipient", "email": "r10@example.net", "weekly": "on"}
    )
    assert response.status_code == 400 and b"at most 10 extra recipients" in response.content
    assert ExtraRecipient.objects.count() == 10 and not mail.outbox


def test_a_forged_confirmation_link_is_refused(client, site):
    extra = ExtraRecipient.objects.create(site=site, email="a@example.net")
    link = path_of(confirm_url(extra))
    assert client.post(link[:-3] + "xx/").status_code == 400
    assert ExtraRecipient.objects.get().confirmed is None


def test_the_page_lists_the_alerts_of_the_site(client, personas):
    AlertEpisode.objects.create(site=personas.site, kind="stopped", detail="2026-11-30 10:00 UTC",
                                started=dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC))  # fmt: skip
    client.force_login(personas.owner)
    page = client.get(reverse("reports:emails", args=[personas.site.public_id]))
    assert b"Tracking stopped" in page.content and b"2026-11-30 17:00 UTC" in page.content


def test_the_site_settings_link_to_the_emails_page(client, personas):
    client.force_login(personas.owner)
    page = client.get(reverse("accounts:site_settings", args=[personas.site.public_id]))
    assert reverse("reports:emails", args=[personas.site.public_id]).encode() in page.content


def test_removing_a_recipient_named_by_digits_outside_ascii_is_an_unknown_action(client, personas):
    client.force_login(personas.owner)
    url = reverse("reports:emails", args=[personas.site.public_id])
    response = client.post(url, {"action": "remove_recipient", "recipient": "\u00b9"})
    assert response.status_code == 400 and b"Unknown action." in response.content
