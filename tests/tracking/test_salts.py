import datetime as dt

from tracking.models import Salt
from tracking.salts import ensure_salts

TODAY = dt.date(2026, 6, 1)


def test_salts_exist_for_today_and_tomorrow(db):
    salts = ensure_salts(today=TODAY)
    assert set(salts) == {TODAY, TODAY + dt.timedelta(days=1)}
    assert salts[TODAY] != salts[TODAY + dt.timedelta(days=1)]


def test_salts_are_stable_within_a_day(db):
    assert ensure_salts(today=TODAY)[TODAY] == ensure_salts(today=TODAY)[TODAY]


def test_salts_older_than_yesterday_are_deleted(db):
    ensure_salts(today=TODAY - dt.timedelta(days=3))
    ensure_salts(today=TODAY)
    assert min(Salt.objects.values_list("day", flat=True)) >= TODAY - dt.timedelta(days=1)
