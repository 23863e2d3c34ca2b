"""Traffic alerts: a spike, a silence on a usually busy site, and its end; once per episode."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harness.hits import queued_hit
from reports.alerts.checks import check_alerts
from reports.email.delivery import send_due
from reports.models import AlertEpisode, AlertSettings, EmailDelivery
from reports.stats import FACTS
from tracking.ingest import ingest_batch

NOW = dt.datetime(2026, 11, 30, 17, 10, tzinfo=dt.UTC)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


def pageviews(site, times) -> None:
    ingest_batch([
        queued_hit(site, at=t, url="https://example.com/", ip=f"198.51.100.{i % 200 + 1}")
        for i, t in enumerate(sorted(times))
    ])  # fmt: skip


def busy_days(site, days: int, hours: range, *, before: dt.datetime = NOW) -> None:
    """Pageviews at each of `hours` (UTC) of the `days` days before `before`'s day."""
    midnight = before.replace(hour=0, minute=0, second=0, microsecond=0)
    pageviews(site, [midnight - d * DAY + h * HOUR + dt.timedelta(minutes=20)
                     for d in range(1, days + 1) for h in hours])  # fmt: skip


def sent_subjects(now: dt.datetime) -> list[str]:
    send_due(now=now)
    return [m.subject for m in mail.outbox]


@pytest.fixture
def usually_busy(site):
    """Pageviews from 08:00 to 20:00 UTC every day of the last week; today's last at 10:20."""
    busy_days(site, 7, range(8, 21))
    pageviews(site, [NOW.replace(hour=10, minute=20)])
    return site


def test_tracking_stopped_fires_after_n_hours_without_pageviews(usually_busy):
    assert check_alerts(now=NOW - HOUR) == {}  # 10:xx is still within the last 6 hours at 16:10
    assert check_alerts(now=NOW) == {"stopped_start": 1}
    episode = AlertEpisode.objects.get()
    assert (episode.kind, episode.started, episode.detail) == (
        "stopped",
        NOW,
        "2026-11-30 10:00 UTC",
    )
    assert sent_subjects(NOW) == [f"Tracking may have stopped on {usually_busy.name}"]


def test_the_owner_chooses_how_many_hours_of_silence(usually_busy):
    AlertSettings.objects.create(site=usually_busy, stopped_hours=8)
    assert check_alerts(now=NOW) == {}
    assert check_alerts(now=NOW + 2 * HOUR) == {"stopped_start": 1}


def test_a_silence_alerts_once_however_often_the_check_runs(usually_busy):
    for minutes in range(0, 120, 5):
        check_alerts(now=NOW + dt.timedelta(minutes=minutes))
    assert AlertEpisode.objects.count() == 1
    assert EmailDelivery.objects.count() == 1


def test_back_again_follows_when_pageviews_return(usually_busy):
    check_alerts(now=NOW)
    pageviews(usually_busy, [NOW + dt.timedelta(minutes=50)])
    assert check_alerts(now=NOW + HOUR) == {"stopped_back": 1}
    episode = AlertEpisode.objects.get()
    assert episode.ended == NOW + HOUR and episode.open_key is None
    assert sent_subjects(NOW + HOUR) == [
        f"Tracking may have stopped on {usually_busy.name}",
        f"Tracking is back on {usually_busy.name}",
    ]
    assert check_alerts(now=NOW + 2 * HOUR) == {}


def test_a_site_quiet_every_night_gets_no_alert_at_night(site):
    busy_days(site, 7, range(8, 18), before=NOW + DAY)  # daytime only, today included
    night = (NOW + DAY).replace(hour=3, minute=10)  # 10 hours after today's last pageview
    assert check_alerts(now=night) == {}
    assert not AlertEpisode.objects.exists()


def test_a_site_busy_on_only_four_of_the_last_seven_days_gets_no_alert(site):
    busy_days(site, 4, range(8, 21))
    assert check_alerts(now=NOW) == {}


def test_a_site_with_the_alert_turned_off_gets_none(usually_busy):
    AlertSettings.objects.create(site=usually_busy, stopped_enabled=False)
    assert check_alerts(now=NOW) == {}


def test_the_check_reads_no_facts(usually_busy):
    AlertSettings.objects.create(site=usually_busy, spike_visitors=1)
    with CaptureQueriesContext(connection) as queries:
        check_alerts(now=NOW)
    assert queries.captured_queries
    assert not [q["sql"] for q in queries.captured_queries if FACTS in q["sql"]]


@pytest.fixture
def spike_watched(site):
    AlertSettings.objects.create(site=site, spike_visitors=2)
    return site


def test_a_spike_fires_once_while_it_lasts(spike_watched):
    pageviews(spike_watched, [NOW - dt.timedelta(minutes=m) for m in (1, 2, 3)])
    assert check_alerts(now=NOW) == {"spike_start": 1}
    assert check_alerts(now=NOW + dt.timedelta(minutes=2)) == {}
    assert AlertEpisode.objects.get().detail == "3"
    assert sent_subjects(NOW) == [f"Traffic spike on {spike_watched.name}: 3 current visitors"]


def test_visitors_at_the_threshold_are_not_a_spike(spike_watched):
    pageviews(spike_watched, [NOW - dt.timedelta(minutes=m) for m in (1, 2)])
    assert check_alerts(now=NOW) == {}


def test_a_new_spike_after_the_last_ended_is_a_new_episode(spike_watched):
    pageviews(spike_watched, [NOW - dt.timedelta(minutes=m) for m in (1, 2, 3)])
    check_alerts(now=NOW)
    check_alerts(now=NOW + dt.timedelta(minutes=10))  # they left: the episode ends, no email
    assert AlertEpisode.objects.get().ended == NOW + dt.timedelta(minutes=10)
    later = NOW + HOUR
    pageviews(spike_watched, [later - dt.timedelta(minutes=m) for m in (1, 2, 3, 4)])
    assert check_alerts(now=later) == {"spike_start": 1}
    assert AlertEpisode.objects.count() == 2 and EmailDelivery.objects.count() == 2


def test_alerts_go_to_members_who_chose_them(personas, spike_watched):
    from reports.models import ReportPreference

    ReportPreference.objects.create(site=personas.site, user=personas.viewer, alerts=True)
    pageviews(spike_watched, [NOW - dt.timedelta(minutes=m) for m in (1, 2, 3)])
    check_alerts(now=NOW)
    assert sorted(EmailDelivery.objects.values_list("recipient", flat=True)) == [
        "owner@example.com", "viewer@example.com",
    ]  # fmt: skip


def test_most_sites_falling_silent_at_once_is_our_outage_and_alerts_nobody(
    usually_busy, monkeypatch, caplog
):
    from tests.support.factories import SiteFactory

    monkeypatch.setattr("reports.alerts.checks.OUR_OUTAGE_SITES", 2)
    second = SiteFactory(owner=None)
    busy_days(second, 7, range(8, 21))
    SiteFactory(owner=None)  # a site without any traffic does not count either way
    assert check_alerts(now=NOW) == {}
    assert not AlertEpisode.objects.exists()
    assert "2 of 2 sites silent at once" in caplog.text


def test_a_few_silent_sites_among_busy_ones_are_alerted(usually_busy, monkeypatch):
    from tests.support.factories import SiteFactory

    monkeypatch.setattr("reports.alerts.checks.OUR_OUTAGE_SITES", 1)
    for _ in range(2):
        busy = SiteFactory(owner=None)
        pageviews(busy, [NOW - dt.timedelta(minutes=20)])
    assert check_alerts(now=NOW) == {"stopped_start": 1}
