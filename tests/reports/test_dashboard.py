"""Metric cards: the change against the previous period, and whether it is good news."""

from reports.dashboard import METRICS, card
from reports.stats import Totals

BY_KEY = {m.key: m for m in METRICS}


def test_a_count_changes_in_percent_of_the_previous_period():
    c = card(BY_KEY["visitors"], Totals(visitors=150), Totals(visitors=100, visits=100))
    assert (c.display, c.change, c.trend) == ("150", "+50%", "good")


def test_a_rate_changes_in_percentage_points():
    c = card(BY_KEY["bounce_rate"], Totals(visits=10, bounces=6), Totals(visits=10, bounces=4))
    assert (c.display, c.change) == ("60%", "+20 pts")


def test_a_higher_bounce_rate_is_bad_news():
    c = card(BY_KEY["bounce_rate"], Totals(visits=10, bounces=6), Totals(visits=10, bounces=4))
    assert c.trend == "bad"


def test_something_from_nothing_is_new():
    c = card(BY_KEY["completions"], Totals(completions=3), Totals(pageviews=5, visits=2))
    assert (c.change, c.trend) == ("new", "good")


def test_nothing_in_both_periods_shows_no_change():
    c = card(BY_KEY["pageviews"], Totals(), Totals())
    assert (c.display, c.change, c.trend) == ("0", "", "flat")


def test_big_numbers_are_compact_with_the_exact_figure_kept():
    c = card(BY_KEY["pageviews"], Totals(pageviews=123_456), Totals(pageviews=123_456))
    assert (c.display, c.exact, c.change) == ("123k", "123,456", "0%")


def test_after_an_empty_period_every_figure_is_new_and_neutral():
    c = card(BY_KEY["bounce_rate"], Totals(visits=10, bounces=4), Totals())
    assert (c.change, c.trend) == ("new", "flat")


def test_a_small_rate_change_keeps_a_decimal():
    c = card(
        BY_KEY["bounce_rate"], Totals(visits=1000, bounces=26), Totals(visits=1000, bounces=25)
    )
    assert c.change == "+0.1 pts"


def test_an_estimated_change_is_marked_and_not_coloured():
    c = card(BY_KEY["visitors"], Totals(visitors=150), Totals(visitors=100, visits=100),
             estimated=True)  # fmt: skip
    assert (c.change, c.trend) == ("≈+50%", "flat")
