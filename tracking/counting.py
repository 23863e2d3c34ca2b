"""The counting rules: from one hit and the visitor's state to signed fact rows.

Pure functions, no database: `ingest` loads the state, calls `count_hit`
for each hit in time order, and writes what it returns. docs/metrics.md
states the rules in prose; tests/tracking/test_counting.py pins them down.

Every metric is a SUM over rows, so a later hit that changes what an earlier
one meant (a second page view means the visit did not bounce) adds a
correction row with the difference, on the dimensions of the row it corrects.
"""

import datetime as dt
from dataclasses import dataclass, field

SESSION_IDLE_S = 30 * 60
# Time on a page is capped: a tab left open overnight is not attention.
MAX_PAGE_SECONDS = SESSION_IDLE_S
# How many distinct pages and events per visitor and day are remembered for
# per-page and per-event unique counts.
MAX_REMEMBERED = 500

SESSION_KEYS = (
    "referrer_host", "referrer_path", "source", "channel",
    "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CountedHit:
    """A hit after enrichment: everything counting needs, nothing it does not."""

    id: str
    site: int
    visitor: str
    type: str  # pageview | event | engagement
    ts: dt.datetime  # UTC
    local_date: dt.date
    hostname: str
    pathname: str
    session_dims: dict[str, str]  # SESSION_KEYS, from this hit's referrer and URL
    client_dims: dict[str, str]  # country, browser, os, device
    event_name: str = ""
    value: int = 0
    engaged_s: int = 0
    engaged_bounce_s: int = 0  # 0: engagement never undoes a bounce (the site's option is off)
    props: tuple[tuple[str, str], ...] = ()  # an event's properties (tracking.event_properties)
    scroll: int | None = None  # engagement: the deepest scroll of the page, percent


@dataclass(slots=True)
class Row:
    """One fact row: dimensions plus signed counters (zero unless set)."""

    hit_id: str
    seq: int
    kind: int
    ts: dt.datetime
    local_date: dt.date
    hostname: str
    pathname: str
    session_dims: dict[str, str]
    client_dims: dict[str, str]
    event_name: str = ""
    counters: dict[str, int] = field(default_factory=dict)
    visitor: str = ""


PAGEVIEW, EVENT, ENGAGEMENT, CORRECTION = 1, 2, 3, 4  # tracking.models.FactKind


def count_hit(hit: CountedHit, state: dict) -> tuple[list[Row], dict]:
    """Rows to write for `hit`, and the visitor's new state (the input is not changed)."""
    state, kept_day = _on_day(dict(state), hit.local_date.isoformat())
    session = _live_session(state, hit.ts)
    if hit.type == "pageview":
        rows, state = _pageview(hit, state, session)
    elif hit.type == "event":
        rows, state = _event(hit, state, session)
    else:
        rows, state = _engagement(hit, state, session)
    state["last_seen"] = max(state.get("last_seen", 0.0), hit.ts.timestamp())
    return rows, _back_to_day(state, kept_day)


DAY_KEYS = ("day", "counted", "pages", "events")


def _on_day(state: dict, day: str) -> tuple[dict, dict | None]:
    """`state` with the day's record (what the visitor counted that local day) in front.

    One visitor hash lives one UTC day, which spans two local days of the site, and
    hits arrive out of order: a late hit of the earlier local day must find that
    day's record, not reset today's (which would count today's visitor again).
    Returns the record it set aside for `_back_to_day`, or None.
    """
    current = state.get("day", "")
    if day == current:
        return state, None
    record = {key: state[key] for key in DAY_KEYS if key in state}
    if day > current:
        if current:
            state["earlier"] = record
        state.update(day=day, counted=False, pages=[], events=[])
        return state, None
    earlier = state.get("earlier") or {}
    if earlier.get("day") == day:
        state.update(earlier)
    else:  # the first hit of that day, or a day older than both
        state.update(day=day, counted=False, pages=[], events=[])
    return state, record


def _back_to_day(state: dict, kept_day: dict | None) -> dict:
    """Put the latest day's record back in front after a late hit of an earlier day."""
    if kept_day is None:
        return state
    late = {key: state[key] for key in DAY_KEYS}
    if (state.get("earlier") or {}).get("day", "") <= late["day"]:
        state["earlier"] = late
    state.update(kept_day)
    return state


def _live_session(state: dict, ts: dt.datetime) -> dict | None:
    session = state.get("session")
    if not session:
        return None
    if abs(ts.timestamp() - state.get("last_seen", 0.0)) >= SESSION_IDLE_S:
        return None
    return session


def _remember(state: dict, key: str, item: str) -> bool:
    """Add `item` to today's list under `key`; True when it was new."""
    seen = state[key]
    if item in seen:
        return False
    if len(seen) < MAX_REMEMBERED:
        state[key] = [*seen, item]
    return True


def _pageview(hit: CountedHit, state: dict, session: dict | None) -> tuple[list[Row], dict]:
    counters = {"pageviews": 1}
    if not state["counted"]:
        counters["uniques"] = 1
        state["counted"] = True
    if _remember(state, "pages", hit.pathname):
        counters["page_uniques"] = 1
    rows: list[Row] = []

    if session is None:
        counters.update(visits=1, bounces=1, exits=1)
        session = {"dims": hit.session_dims, "pageviews": 0, "bounced": True}
        is_latest = True
    else:
        session = dict(session)
        last = session["last"]
        is_latest = hit.ts.timestamp() >= last["ts"]
        correction: dict[str, int] = {}
        if session["bounced"]:
            correction["bounces"] = -1
            session["bounced"] = False
        if is_latest:
            counters["exits"] = 1
            correction["exits"] = -1
            gap = min(int(hit.ts.timestamp() - last["ts"]), MAX_PAGE_SECONDS)
            if gap > last["counted"]:
                correction["duration"] = gap - last["counted"]
        if correction:
            rows.append(_correction_row(hit, session, correction))

    session["pageviews"] += 1
    page_row = Row(
        hit_id=hit.id, visitor=hit.visitor, seq=0, kind=PAGEVIEW, ts=hit.ts,
        local_date=hit.local_date,
        hostname=hit.hostname, pathname=hit.pathname, session_dims=session["dims"],
        client_dims=hit.client_dims, counters=counters,
    )  # fmt: skip
    if is_latest:
        session["last"] = {
            "hostname": hit.hostname, "pathname": hit.pathname, "ts": hit.ts.timestamp(),
            "local_date": hit.local_date.isoformat(), "counted": 0,
        }  # fmt: skip
    state["session"] = session
    return [page_row, *rows], state


def _event(hit: CountedHit, state: dict, session: dict | None) -> tuple[list[Row], dict]:
    counters = {"completions": 1, "value": hit.value}
    if _remember(state, "events", hit.event_name):
        counters["unique_completions"] = 1
    dims = session["dims"] if session else hit.session_dims
    rows = [
        Row(
            hit_id=hit.id, visitor=hit.visitor, seq=0, kind=EVENT, ts=hit.ts,
            local_date=hit.local_date,
            hostname=hit.hostname, pathname=hit.pathname, session_dims=dims,
            client_dims=hit.client_dims, event_name=hit.event_name, counters=counters,
        )
    ]  # fmt: skip
    if session and session["bounced"]:
        # An interaction means the visit was not a bounce.
        session = {**session, "bounced": False}
        rows.append(_correction_row(hit, session, {"bounces": -1}))
        state["session"] = session
    return rows, state


def _engagement(hit: CountedHit, state: dict, session: dict | None) -> tuple[list[Row], dict]:
    """Visible time and scroll depth reported by the page: each raises the last page's, never
    lowers it; the first scroll reported also counts the page view among those that report.

    With engaged bounce on (`hit.engaged_bounce_s`), a visit still on its one
    page view that was engaged that long is no longer a bounce.
    """
    if session is None or session["last"]["pathname"] != hit.pathname:
        return [], state
    last = dict(session["last"])
    counters: dict[str, int] = {}
    engaged = min(hit.engaged_s, MAX_PAGE_SECONDS)
    if engaged > last["counted"]:
        counters["duration"] = engaged - last["counted"]
        last["counted"] = engaged
    if hit.scroll is not None:
        seen = last.get("scroll")
        if seen is None:
            counters.update(scroll_depth=hit.scroll, scroll_views=1)
        elif hit.scroll > seen:
            counters["scroll_depth"] = hit.scroll - seen
        last["scroll"] = max(hit.scroll, seen or 0)
    engaged_visit = hit.engaged_bounce_s > 0 and engaged >= hit.engaged_bounce_s
    if session["bounced"] and engaged_visit:
        counters["bounces"] = -1
    if not counters:
        return [], state
    row = _correction_row(hit, session, counters, seq=0)
    row.kind = ENGAGEMENT
    state["session"] = {
        **session,
        "bounced": session["bounced"] and not engaged_visit,
        "last": last,
    }
    return [row], state


def _correction_row(hit: CountedHit, session: dict, counters: dict, *, seq: int = 1) -> Row:
    """A row on the dimensions of the session's last page view."""
    last = session["last"]
    return Row(
        hit_id=hit.id, visitor=hit.visitor, seq=seq, kind=CORRECTION,
        ts=dt.datetime.fromtimestamp(last["ts"], dt.UTC),
        local_date=dt.date.fromisoformat(last["local_date"]),
        hostname=last["hostname"], pathname=last["pathname"], session_dims=session["dims"],
        client_dims=hit.client_dims, counters=counters,
    )  # fmt: skip
