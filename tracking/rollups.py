"""Keeping the rollup tables in step with the facts.

A batch's fact rows are summed per (site, day, dimension, value) and per
(site, hour) in memory, then written as one multi-row
`INSERT ... ON DUPLICATE KEY UPDATE n = n + VALUES(n)` each, sorted by key so
concurrent batches take row locks in the same order, in the batch's
transaction. Weekly and monthly rows are not written hit by hit: each of
them would be shared by fewer hits than the daily total and cost as much to
upsert (for 1,000 small sites, ~50 rows per hit instead of ~18). The batch
marks the weeks and months it touched instead (`PendingRollup`), and one
writer recomputes them from the daily rows (`derive_period`, run by
tracking.rollup_deriver); readers take marked periods from the daily rows.
"""

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

from tracking.counting import Row
from tracking.dimensions import (
    COUNTERS,
    DIMENSIONS,
    Dimension,
    fact_condition,
    fact_sql,
    row_values,
)
from tracking.models import (
    Counters,
    DailyRollup,
    Fact,
    HourlyTotal,
    MonthlyRollup,
    PendingRollup,
    WeeklyRollup,
)
from tracking.multirow import Literal, inline, multirow_statements, multirow_texts
from tracking.sampling import in_buckets

_ADD = ", ".join(f"{c} = {c} + VALUES({c})" for c in COUNTERS)


def _upsert(table: type[Counters], *key: str) -> str:
    """Add a row's counters to the row with the same key, creating it if missing."""
    columns = (*key, *COUNTERS)
    return (
        f"INSERT INTO {table._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) ON DUPLICATE KEY UPDATE {_ADD}"
    )


UPSERT_DAILY = _upsert(DailyRollup, "site_id", "dimension", "day", "dim_value")
UPSERT_WEEKLY = _upsert(WeeklyRollup, "site_id", "dimension", "week", "dim_value")
UPSERT_MONTHLY = _upsert(MonthlyRollup, "site_id", "dimension", "month", "dim_value")
UPSERT_HOURLY = _upsert(HourlyTotal, "site_id", "hour")
MAX_VALUE_LENGTH = 760


MARK_PERIODS = (
    f"INSERT INTO {PendingRollup._meta.db_table} (site_id, grain, period, token) "  # noqa: S608
    "VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE token = VALUES(token)"
)


# A row's counters packed in one int, COUNTER_BITS a counter, so that adding a
# fact row to a rollup row is one addition rather than one per counter. Signed
# counters need no offset: a negative one borrows from the next, and `unpacked`
# gives it back exactly while every sum stays within +-2**(COUNTER_BITS - 1).
COUNTER_BITS = 64
_SHIFTS = {name: i * COUNTER_BITS for i, name in enumerate(COUNTERS)}
_MASK, _HALF = (1 << COUNTER_BITS) - 1, 1 << (COUNTER_BITS - 1)


def packed(counters: dict[str, int]) -> int:
    return sum(delta << _SHIFTS[name] for name, delta in counters.items())


def unpacked(value: int) -> list[int]:
    """The counters of a `packed` int, in COUNTERS order."""
    out = []
    for _ in COUNTERS:
        counter = value & _MASK
        if counter >= _HALF:
            counter -= 1 << COUNTER_BITS
        out.append(counter)
        value = (value - counter) >> COUNTER_BITS
    return out


def _packed_sums(site_rows: Iterable[tuple[int, Row]]) -> tuple[dict[tuple, int], dict[tuple, int]]:
    """The daily rollup rows and hourly totals `site_rows` add to, summed in memory, each
    {key: packed counters}. Keys whose counters sum to zero are kept."""
    daily: dict[tuple, int] = {}
    hourly: dict[tuple, int] = {}
    total = int(Dimension.TOTAL)
    for site_id, row in site_rows:
        deltas = packed(row.counters)
        if not deltas:
            continue
        day = row.local_date
        hour = (site_id, row.ts.replace(minute=0, second=0, microsecond=0, tzinfo=None))
        hourly[hour] = hourly.get(hour, 0) + deltas
        key = (site_id, total, day, "")
        daily[key] = daily.get(key, 0) + deltas
        for number, value in row_values(row):
            key = (site_id, number, day, value[:MAX_VALUE_LENGTH])
            daily[key] = daily.get(key, 0) + deltas
    return daily, hourly


def sum_day_rollups(site_rows: Iterable[tuple[int, Row]]) -> dict[str, dict[tuple, list[int]]]:
    """The daily rollup rows and hourly totals `site_rows` add to, summed in memory:
    {upsert statement: {key: counters}}. Keys whose counters sum to zero are kept."""
    daily, hourly = _packed_sums(site_rows)
    return {
        UPSERT_DAILY: {key: unpacked(sums) for key, sums in daily.items()},
        UPSERT_HOURLY: {key: unpacked(sums) for key, sums in hourly.items()},
    }


def sum_rollups(site_rows: Iterable[tuple[int, Row]]) -> dict[str, dict[tuple, list[int]]]:
    """Every rollup row `site_rows` add to, weekly and monthly ones summed from the daily:
    what a set-based rebuild of the same facts must give (tests/tracking/test_rollups.py,
    bench/dashboard_sites.py's check of seeded sites)."""
    sums = sum_day_rollups(site_rows)
    weekly: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    monthly: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    for (site_id, dimension, day, value), totals in sums[UPSERT_DAILY].items():
        _add(weekly[(site_id, dimension, week_of(day), value)], totals)
        _add(monthly[(site_id, dimension, day.replace(day=1), value)], totals)
    return {**sums, UPSERT_WEEKLY: weekly, UPSERT_MONTHLY: monthly}


def rollup_statements(site_rows: Iterable[tuple[int, Row]], *, literal: Literal) -> list[str]:
    """The upserts adding a batch's fact rows to the daily rollups and hourly totals, in
    key order, and marking the weeks and months they fall in (see the module's docstring).

    Rows are written as text here rather than by `multirow_statements`: a batch over
    many sites has ~8 rollup rows a hit, most of them of one hit and so with one of a
    few sets of counters, each rendered once."""
    daily, hourly = _packed_sums(site_rows)
    render = _RowText(literal)
    statements = multirow_texts(
        UPSERT_DAILY,
        [render.daily(key, sums) for key, sums in sorted(daily.items()) if sums],
    )
    statements += multirow_texts(
        UPSERT_HOURLY,
        [render.hourly(key, sums) for key, sums in sorted(hourly.items()) if sums],
    )
    # A fresh token per batch: the deriver clears a mark only if no batch set it since.
    token = secrets.randbits(63)
    days = {(site_id, day) for site_id, _, day, _ in daily}
    periods = {(site_id, "week", week_of(day)) for site_id, day in days}
    periods |= {(site_id, "month", day.replace(day=1)) for site_id, day in days}
    marks = [(*period, token) for period in sorted(periods)]
    return statements + multirow_statements(MARK_PERIODS, marks, literal=literal)


class _RowText:
    """A rollup row's VALUES text: each day, hour, value and set of counters escaped once."""

    def __init__(self, literal: Literal) -> None:
        self.literal = literal
        self._texts: dict[object, str] = {}
        self._counters: dict[int, str] = {}

    def daily(self, key: tuple, sums: int) -> str:
        site_id, dimension, day, value = key
        return f"({site_id},{dimension},{self._text(day)},{self._text(value)},{self._sums(sums)})"

    def hourly(self, key: tuple, sums: int) -> str:
        site_id, hour = key
        return f"({site_id},{self._text(hour)},{self._sums(sums)})"

    def _text(self, value: object) -> str:
        text = self._texts.get(value)
        if text is None:
            text = self._texts[value] = inline(value, literal=self.literal)
        return text

    def _sums(self, sums: int) -> str:
        text = self._counters.get(sums)
        if text is None:
            text = self._counters[sums] = ",".join(map(str, unpacked(sums)))
        return text


def week_of(day: dt.date) -> dt.date:
    """The Monday starting the day's week."""
    return day - dt.timedelta(days=day.weekday())


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _add(into: list[int], deltas: list[int]) -> None:
    for i, delta in enumerate(deltas):
        into[i] += delta


# Days rebuilt per transaction: each statement groups a month of facts, read through
# the key, rather than all of a large site's facts at once.
REBUILD_SLICE_DAYS = 31


def rebuild_rollups(*, site_id: int) -> None:
    """Recompute a site's rollups from its facts, set-based.

    For bulk loads (demo data, benchmark seeding) and repairs: facts are the
    truth, rollups a derived copy. The daily and hourly ones are rebuilt a
    slice of days at a time (`rebuild_day_rollups`, one transaction each), then
    the weekly and monthly ones from them; a reader meanwhile may see the site's
    rollups partly rebuilt.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(LEAST(local_date, DATE(ts))), MAX(GREATEST(local_date, DATE(ts))) "  # noqa: S608
            f"FROM {Fact._meta.db_table} WHERE site_id = %s",
            [site_id],
        )
        first, last = cursor.fetchone()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (DailyRollup, HourlyTotal):
            cursor.execute(f"DELETE FROM {table._meta.db_table} WHERE site_id = %s", [site_id])  # noqa: S608
    day = first
    while day and day <= last:
        end = min(day + dt.timedelta(days=REBUILD_SLICE_DAYS), last + dt.timedelta(days=1))
        rebuild_day_rollups(site_id=site_id, first_day=day, end_day=end)
        day = end
    rebuild_derived_rollups(site_id=site_id)


def rebuild_day_rollups(*, site_id: int, first_day: dt.date, end_day: dt.date) -> None:
    """Recompute the daily rollups of local days [first_day, end_day) and the hourly totals
    of UTC hours in those days from the facts, set-based, in one transaction.

    Facts are read through the key (site_id, sample, ts), one range per sample
    bucket: a local day lies within a day of the same UTC day in every zone.
    Weekly and monthly rollups are left alone (`rebuild_derived_rollups`).
    """
    sums = ", ".join(f"SUM({c})" for c in COUNTERS)
    nonzero = " OR ".join(f"SUM({c}) <> 0" for c in COUNTERS)
    facts = (
        f"FROM {Fact._meta.db_table} WHERE site_id = %s AND {in_buckets()} AND ts >= %s AND ts < %s"
    )
    near = [first_day - dt.timedelta(days=1), end_day + dt.timedelta(days=1)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {DailyRollup._meta.db_table} "  # noqa: S608
            "WHERE site_id = %s AND day >= %s AND day < %s",
            [site_id, first_day, end_day],
        )
        for dimension in [Dimension.TOTAL, *DIMENSIONS]:
            value = f"LEFT({fact_sql(dimension)}, {MAX_VALUE_LENGTH})"
            where = fact_condition(dimension)
            cursor.execute(
                f"INSERT INTO {DailyRollup._meta.db_table} "  # noqa: S608
                f"(site_id, dimension, day, dim_value, {', '.join(COUNTERS)}) "
                f"SELECT site_id, %s, local_date, {value}, {sums} {facts} "
                f"AND local_date >= %s AND local_date < %s {where} "
                f"GROUP BY site_id, local_date, {value} HAVING {nonzero}",
                [int(dimension), site_id, *near, first_day, end_day],
            )
        cursor.execute(
            f"DELETE FROM {HourlyTotal._meta.db_table} "  # noqa: S608
            "WHERE site_id = %s AND hour >= %s AND hour < %s",
            [site_id, first_day, end_day],
        )
        hour = "DATE_FORMAT(ts, '%%Y-%%m-%%d %%H:00:00')"
        cursor.execute(
            f"INSERT INTO {HourlyTotal._meta.db_table} (site_id, hour, {', '.join(COUNTERS)}) "  # noqa: S608
            f"SELECT site_id, {hour}, {sums} {facts} GROUP BY site_id, {hour} HAVING {nonzero}",
            [site_id, first_day, end_day],
        )


# Each derived level: its table, the start of a day's period, the next period's start.
DERIVED = {
    "week": (WeeklyRollup._meta.db_table, week_of, lambda d: d + dt.timedelta(days=7)),
    "month": (MonthlyRollup._meta.db_table, lambda d: d.replace(day=1), next_month),
}
_DERIVED_DIMENSIONS = ", ".join(str(int(d)) for d in [Dimension.TOTAL, *DIMENSIONS])


def derive_period(cursor, *, site_id: int, level: str, period: dt.date) -> None:
    """Recompute the site's weekly or monthly rows (`level`) of one period from its daily
    rows, set-based: the caller's transaction holds the delete and the insert together."""
    table, _, following = DERIVED[level]
    sums = ", ".join(f"SUM({c})" for c in COUNTERS)
    cursor.execute(
        f"DELETE FROM {table} WHERE site_id = %s AND {level} = %s",  # noqa: S608
        [site_id, period],
    )
    # `dimension IN (...)` lets the key (site_id, dimension, day, ...) be read
    # as one range per dimension rather than all of the site's rows.
    cursor.execute(
        f"INSERT INTO {table} "  # noqa: S608
        f"(site_id, dimension, {level}, dim_value, {', '.join(COUNTERS)}) "
        f"SELECT site_id, dimension, %s, dim_value, {sums} FROM {DailyRollup._meta.db_table} "
        f"WHERE site_id = %s AND dimension IN ({_DERIVED_DIMENSIONS}) "
        f"AND day >= %s AND day < %s "
        f"GROUP BY site_id, dimension, dim_value "
        f"HAVING {' OR '.join(f'SUM({c}) <> 0' for c in COUNTERS)}",
        [period, site_id, period, following(period)],
    )


def rebuild_derived_rollups(*, site_id: int) -> None:
    """Recompute all of a site's weekly and monthly rollups from its daily ones, period by
    period (`derive_period`, so each GROUP BY stays small), in one transaction.

    For bulk loads and repairs; marks of the site's periods are left to the
    deriver, which only recomputes them once more.
    """
    daily = DailyRollup._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(day), MAX(day) FROM {daily} "  # noqa: S608
            f"WHERE site_id = %s AND dimension IN ({_DERIVED_DIMENSIONS})",
            [site_id],
        )
        first, last = cursor.fetchone()
        for level, (table, start_of, following) in DERIVED.items():
            cursor.execute(f"DELETE FROM {table} WHERE site_id = %s", [site_id])  # noqa: S608
            period = start_of(first) if first else None
            while period and period <= last:
                derive_period(cursor, site_id=site_id, level=level, period=period)
                period = following(period)
