"""The emails of an alert episode: it started (a spike, a silence) or tracking is back."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse

from accounts.emails import absolute_url
from reports import selectors
from reports.email.message import build_message
from reports.email.recipients import Recipient
from reports.models import AlertEpisode, EmailDelivery

Kind = AlertEpisode.Kind


def _local(moment: dt.datetime, time_zone: str) -> str:
    local = moment.astimezone(ZoneInfo(time_zone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({time_zone})"


def alert_text(episode: AlertEpisode, event: str) -> tuple[str, str]:
    """(headline, body) of an episode's email; `event` is "start" or "back"."""
    site = episode.site
    if episode.kind == Kind.SPIKE:
        return (
            f"Traffic spike on {site.name}: {episode.detail} current visitors",
            f"{episode.detail} visitors were on {site.name} in the last 5 minutes at "
            f"{_local(episode.started, site.time_zone)}, above your alert threshold.",
        )
    if event == "back":
        return (
            f"Tracking is back on {site.name}",
            f"Pageviews of {site.name} are arriving again ({_local(episode.ended, site.time_zone)}"
            f"), after a silence that began at {_local(episode.started, site.time_zone)}.",
        )
    return (
        f"Tracking may have stopped on {site.name}",
        f"No pageviews of {site.name} since the hour from {episode.detail}, although it had "
        "pageviews at this time of day on most of the previous 7 days. Check that the "
        "tracking snippet is still on your pages.",
    )


def alert_message(delivery: EmailDelivery, recipient: Recipient, *, unsubscribe_url: str):
    """The email of a delivery keyed "alert:<episode id>:<start|back>"."""
    _, episode_id, event = delivery.key.split(":")
    episode = selectors.episode(pk=int(episode_id))
    headline, body = alert_text(episode, event)
    site = episode.site
    return build_message(
        to=recipient.email,
        subject=headline,
        template="alert",
        context={
            "headline": headline,
            "body": body,
            "site": site,
            "dashboard_url": absolute_url(reverse("reports:dashboard", args=[site.public_id])),
            "settings_url": absolute_url(reverse("reports:emails", args=[site.public_id])),
        },
        unsubscribe_url=unsubscribe_url,
    )
