"""The counting rules, hit by hit, without a database."""

import dataclasses
import datetime as dt

from tracking.counting import SESSION_IDLE_S, CountedHit, count_hit

T0 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def hit(seconds: float, type: str = "pageview", path: str = "/", **extra) -> CountedHit:
    at = T0 + dt.timedelta(seconds=seconds)
    return CountedHit(
        id=f"h{seconds}{type}", site=1, visitor="v", type=type, ts=at, local_date=at.date(),
        hostname="example.com", pathname=path, session_dims={"source": "Google"},
        client_dims={"country": "DE"}, **extra,
    )  # fmt: skip


def run(*hits: CountedHit) -> tuple[dict[str, int], dict]:
    """Counter sums over every row written for the hits, and the final state."""
    state: dict = {}
    sums: dict[str, int] = {}
    for h in hits:
        rows, state = count_hit(h, state)
        for row in rows:
            for name, delta in row.counters.items():
                sums[name] = sums.get(name, 0) + delta
    return {k: v for k, v in sums.items() if v}, state


def test_a_single_pageview_is_a_visit_a_visitor_a_bounce_and_an_exit():
    sums, _ = run(hit(0))
    assert sums == {"pageviews": 1, "visits": 1, "uniques": 1, "page_uniques": 1,
                    "bounces": 1, "exits": 1}  # fmt: skip


def test_a_second_pageview_undoes_the_bounce_and_times_the_first_page():
    sums, _ = run(hit(0), hit(90, path="/b"))
    assert sums["visits"] == 1 and sums["pageviews"] == 2
    assert "bounces" not in sums
    assert sums["duration"] == 90
    assert sums["exits"] == 1


def test_a_gap_of_thirty_minutes_starts_a_new_visit_of_the_same_visitor():
    sums, _ = run(hit(0), hit(SESSION_IDLE_S, path="/b"))
    assert (sums["visits"], sums["uniques"], sums["bounces"]) == (2, 1, 2)


def test_a_gap_just_under_thirty_minutes_continues_the_visit():
    sums, _ = run(hit(0), hit(SESSION_IDLE_S - 1, path="/b"))
    assert sums["visits"] == 1


def test_an_event_undoes_the_bounce_and_counts_a_unique_completion_once():
    sums, _ = run(
        hit(0), hit(5, "event", event_name="Signup", value=900),
        hit(9, "event", event_name="Signup", value=900),
    )  # fmt: skip
    assert "bounces" not in sums
    assert (sums["completions"], sums["unique_completions"], sums["value"]) == (2, 1, 1800)


def test_engaged_time_gives_a_single_page_visit_a_duration():
    sums, _ = run(hit(0), hit(40, "engagement", engaged_s=35))
    assert sums["duration"] == 35 and sums["bounces"] == 1


def test_engaged_time_only_raises_the_time_already_counted():
    sums, _ = run(hit(0), hit(60, "engagement", engaged_s=50), hit(70, "engagement", engaged_s=20))
    assert sums["duration"] == 50


def test_engaged_time_longer_than_the_gap_raises_the_page_time():
    sums, _ = run(hit(0), hit(100, "engagement", engaged_s=100), hit(130, path="/b"))
    assert sums["duration"] == 130


def test_page_time_is_capped_at_thirty_minutes():
    sums, _ = run(hit(0), hit(5000, "engagement", engaged_s=5000))
    assert "duration" not in sums  # the visit had ended: no live session to credit


def test_a_late_pageview_from_earlier_in_the_visit_does_not_move_the_exit():
    sums, state = run(hit(100, path="/b"), hit(50, path="/a"))
    assert sums["exits"] == 1 and sums["visits"] == 1
    assert state["session"]["last"]["pathname"] == "/b"


def test_a_page_seen_twice_the_same_day_is_one_page_visitor():
    sums, _ = run(hit(0), hit(10, path="/b"), hit(20))
    assert sums["page_uniques"] == 2


def test_counting_does_not_change_the_state_passed_in():
    _, first = run(hit(0))
    snapshot = repr(first)
    count_hit(hit(10, path="/b"), first)
    assert repr(first) == snapshot


# --- engaged bounce (a per-site option; ENGAGED_BOUNCE_SECONDS) ---------------------


def engaged(seconds: float, engaged_s: int, threshold: int = 10, **extra) -> CountedHit:
    return hit(seconds, "engagement", engaged_s=engaged_s, engaged_bounce_s=threshold, **extra)


def test_with_engaged_bounce_off_an_engaged_single_page_visit_still_bounces():
    sums, _ = run(hit(0), engaged(30, 45, threshold=0))
    assert (sums["bounces"], sums["duration"]) == (1, 45)


def test_with_engaged_bounce_on_a_single_page_visit_engaged_that_long_is_no_bounce():
    sums, _ = run(hit(0), engaged(30, 10))
    assert "bounces" not in sums and sums["duration"] == 10 and sums["visits"] == 1


def test_with_engaged_bounce_on_a_visit_engaged_for_less_still_bounces():
    sums, _ = run(hit(0), engaged(30, 9))
    assert sums["bounces"] == 1


def test_the_bounce_is_undone_once_however_many_engagements_follow():
    sums, _ = run(hit(0), engaged(10, 12), engaged(20, 20), engaged(30, 25))
    assert "bounces" not in sums and sums["duration"] == 25


def test_an_engaged_visit_that_then_views_a_second_page_is_undone_only_once():
    sums, _ = run(hit(0), engaged(15, 15), hit(40, path="/b"))
    assert "bounces" not in sums and sums["visits"] == 1


def test_engagement_reported_below_the_time_already_counted_still_undoes_the_bounce():
    # An earlier report of 12 s came while the option was off; this one, with it on, says 11.
    sums, _ = run(hit(0), engaged(10, 12, threshold=0), engaged(20, 11))
    assert "bounces" not in sums and sums["duration"] == 12


def test_the_undone_bounce_lands_on_the_entry_pages_row():
    state: dict = {}
    _, state = count_hit(hit(0, path="/landing"), state)
    rows, _ = count_hit(engaged(20, 30, path="/landing"), state)
    [row] = rows
    assert (row.pathname, row.counters) == ("/landing", {"duration": 30, "bounces": -1})


def test_the_first_scroll_reported_counts_the_page_view_and_its_depth():
    sums, _ = run(hit(0), hit(5, "engagement", engaged_s=5, scroll=40))
    assert (sums["scroll_depth"], sums["scroll_views"]) == (40, 1)


def test_a_deeper_scroll_later_raises_the_depth_without_a_second_view():
    sums, _ = run(
        hit(0), hit(5, "engagement", engaged_s=5, scroll=40),
        hit(9, "engagement", engaged_s=9, scroll=90),
    )  # fmt: skip
    assert (sums["scroll_depth"], sums["scroll_views"]) == (90, 1)


def test_a_shallower_scroll_later_changes_nothing():
    sums, _ = run(
        hit(0), hit(5, "engagement", engaged_s=5, scroll=90),
        hit(9, "engagement", engaged_s=5, scroll=30),
    )  # fmt: skip
    assert (sums["scroll_depth"], sums["scroll_views"], sums["duration"]) == (90, 1, 5)


def test_a_scroll_reported_without_new_time_still_counts():
    sums, _ = run(
        hit(0), hit(5, "engagement", engaged_s=5),
        hit(6, "engagement", engaged_s=5, scroll=70),
    )  # fmt: skip
    assert (sums["duration"], sums["scroll_depth"], sums["scroll_views"]) == (5, 70, 1)


def test_each_page_view_reports_its_own_scroll_depth():
    sums, _ = run(
        hit(0), hit(5, "engagement", engaged_s=5, scroll=100),
        hit(10, path="/b"), hit(15, "engagement", path="/b", engaged_s=5, scroll=20),
    )  # fmt: skip
    assert (sums["scroll_depth"], sums["scroll_views"]) == (120, 2)


def test_an_engagement_without_a_scroll_counts_no_scroll():
    sums, _ = run(hit(0), hit(5, "engagement", engaged_s=5))
    assert "scroll_views" not in sums


def on_day(h: CountedHit, local_date: dt.date) -> CountedHit:
    """`h` as the site's time zone dates it (the local day need not be the UTC one)."""
    return dataclasses.replace(h, local_date=local_date)


DAY1, DAY2 = T0.date(), T0.date() + dt.timedelta(days=1)


def test_a_late_hit_of_the_previous_local_day_counts_no_second_visitor_on_either_day():
    sums, _ = run(
        on_day(hit(0, path="/a"), DAY1), on_day(hit(60, path="/b"), DAY2),
        on_day(hit(30, path="/a"), DAY1), on_day(hit(90, path="/b"), DAY2),
    )  # fmt: skip
    assert (sums["uniques"], sums["page_uniques"]) == (2, 2)


def test_a_late_first_hit_of_the_previous_local_day_counts_that_days_visitor_once():
    sums, _ = run(
        on_day(hit(60, path="/b"), DAY2), on_day(hit(0, path="/a"), DAY1),
        on_day(hit(90, path="/b"), DAY2),
    )  # fmt: skip
    assert (sums["uniques"], sums["page_uniques"]) == (2, 2)


def test_a_late_event_of_the_previous_local_day_is_not_a_second_unique_completion():
    signup = {"type": "event", "event_name": "Signup"}
    sums, _ = run(
        on_day(hit(0, **signup), DAY1), on_day(hit(60, **signup), DAY2),
        on_day(hit(30, **signup), DAY1), on_day(hit(90, **signup), DAY2),
    )  # fmt: skip
    assert sums["unique_completions"] == 2


def test_two_late_hits_of_a_previous_local_day_first_seen_late_count_one_visitor():
    sums, _ = run(
        on_day(hit(60, path="/b"), DAY2), on_day(hit(0, path="/a"), DAY1),
        on_day(hit(10, path="/a"), DAY1),
    )  # fmt: skip
    assert (sums["uniques"], sums["page_uniques"]) == (2, 2)


def test_the_state_keeps_the_later_local_day_in_front_after_a_late_hit():
    _, state = run(on_day(hit(60, path="/b"), DAY2), on_day(hit(0, path="/a"), DAY1))
    assert (state["day"], state["pages"]) == (DAY2.isoformat(), ["/b"])
    assert (state["earlier"]["day"], state["earlier"]["pages"]) == (DAY1.isoformat(), ["/a"])
