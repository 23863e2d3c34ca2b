"""The traffic alert check: spikes, silences and their end, for every site, cheaply.

Run every few minutes by one worker at a time (analytics_site/daily_jobs.py).
It reads only what reports.stats answers from visitor state and the hourly
site totals (never the facts), in a fixed number of queries per chunk of
sites, whatever the traffic:

- **Spike**: current visitors (the last 5 minutes) above the site's
  `spike_visitors` threshold. Ends when they are back at or under it.
- **Tracking stopped**: no pageviews in the last N whole UTC hours and the
  current one (N = `stopped_hours`, 6 unless changed), on a site that had
  pageviews in the same window on at least MIN_USUAL_DAYS of the previous
  HISTORY_DAYS days, so a site quiet every night is left alone. The window
  is in UTC hours (the hourly totals are), so across a DST change "the same
  hour" is one local hour off for a day.
- **Back again**: pageviews in that window again end the silence, and the
  recipients are told.
- When more than half of the sites with traffic now or usually at this time
  (and at least OUR_OUTAGE_SITES) fall silent in the same check, it is our own
  ingestion that stopped (the queue, the workers): no tracking-stopped alert
  is sent, a warning is logged. Sites without any traffic do not count.

Each episode is a row (AlertEpisode) opened once: an open one is unique per
site and kind (`open_key`), so the email of its start (and of its end, for
a silence) is planned once per episode, not at every check.
"""

import datetime as dt
import logging
from collections import Counter

from accounts.selectors import active_sites
from reports import selectors
from reports.email.delivery import plan
from reports.email.recipients import recipients_by_site
from reports.models import AlertEpisode, AlertSettings
from reports.services import close_episode, open_episode
from reports.stats import last_pageview_hours, live_visitors_by_site, pageview_hours

logger = logging.getLogger(__name__)
Kind = AlertEpisode.Kind
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
HISTORY_DAYS = 7
MIN_USUAL_DAYS = 5
# More than this share of the sites with traffic (now or usually at this hour), and at
# least this many, falling silent in one check is our ingestion stopping, not theirs.
OUR_OUTAGE_SHARE = 0.5
OUR_OUTAGE_SITES = 20
DEFAULT = AlertSettings(stopped_enabled=True, stopped_hours=6)


def _spikes(sites, chosen, opened, now, events) -> None:
    watched = [s for s in sites if chosen.get(s.pk, DEFAULT).spike_visitors is not None]
    live = live_visitors_by_site(site_ids=[s.pk for s in watched], now=now)
    for site in watched:
        current, limit = live.get(site.pk, 0), chosen[site.pk].spike_visitors
        episode = opened.get((site.pk, Kind.SPIKE))
        if episode is None and current > limit:
            new = open_episode(site_id=site.pk, kind=Kind.SPIKE, now=now, detail=str(current))
            if new:
                events.append((new, "start"))
        elif episode is not None and current <= limit:
            close_episode(episode=episode, now=now)


def _window(hours: int, now: dt.datetime) -> dt.datetime:
    """The first UTC hour of the last `hours` whole hours and the current one."""
    return now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0) - hours * HOUR


def _usually_busy(hours: set[dt.datetime], start: dt.datetime, now: dt.datetime) -> bool:
    """Pageviews in the window [start, now] on at least MIN_USUAL_DAYS of the days before."""
    end = _window(0, now)
    busy = 0
    for days in range(1, HISTORY_DAYS + 1):
        first, last = start - days * DAY, end - days * DAY
        busy += any(first <= h <= last for h in hours)
    return busy >= MIN_USUAL_DAYS


def _silences(sites, chosen, opened, now, events) -> None:
    watched = [s for s in sites if chosen.get(s.pk, DEFAULT).stopped_enabled]
    if not watched:
        return
    hours = {s.pk: max(1, chosen.get(s.pk, DEFAULT).stopped_hours) for s in watched}
    longest = max(hours.values())
    last = last_pageview_hours(site_ids=[s.pk for s in watched], since=_window(longest, now))
    quiet, busy_now = [], 0
    for site in watched:
        start = _window(hours[site.pk], now)
        silent = site.pk not in last or last[site.pk] < start
        busy_now += not silent
        episode = opened.get((site.pk, Kind.STOPPED))
        if episode is not None and not silent and close_episode(episode=episode, now=now):
            events.append((episode, "back"))
        elif episode is None and silent:
            quiet.append(site)
    if not quiet:
        return
    history = pageview_hours(
        site_ids=[s.pk for s in quiet],
        since=_window(longest, now) - HISTORY_DAYS * DAY,
        until=_window(0, now) + HOUR,  # today's too: the last pageview, for the email
    )
    stopped = [s for s in quiet if _usually_busy(history.get(s.pk, set()),
                                                  _window(hours[s.pk], now), now)]  # fmt: skip
    usual = len(stopped) + busy_now  # sites with traffic now or usually at this time
    if len(stopped) >= OUR_OUTAGE_SITES and len(stopped) > OUR_OUTAGE_SHARE * usual:
        # So many sites at once: our own ingestion stopped, not their tracking.
        logger.warning("%d of %d sites silent at once: no tracking-stopped alerts sent; "
                       "check the queue and the workers", len(stopped), usual)  # fmt: skip
        return
    for site in stopped:
        seen = history.get(site.pk, set())
        known = [h for h in (last.get(site.pk), *seen) if h is not None]
        detail = f"{max(known):%Y-%m-%d %H}:00 UTC" if known else "more than a week"
        new = open_episode(site_id=site.pk, kind=Kind.STOPPED, now=now, detail=detail)
        if new:
            events.append((new, "start"))


def check_alerts(*, now: dt.datetime) -> dict[str, int]:
    """One check of every site's alerts at `now`; how many episodes started and ended."""
    sites = active_sites()
    chosen = selectors.alert_settings()
    opened = selectors.open_episodes()
    events: list[tuple[AlertEpisode, str]] = []
    _spikes(sites, chosen, opened, now, events)
    _silences(sites, chosen, opened, now, events)
    by_site = {s.pk: s for s in sites}
    recipients = recipients_by_site({by_site[e.site_id] for e, _ in events}, "alerts")
    plan([(e.site_id, f"alert:{e.pk}:{event}", recipients[e.site_id]) for e, event in events],
         now=now)  # fmt: skip
    return dict(Counter(f"{e.kind}_{event}" for e, event in events))
