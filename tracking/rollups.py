"""Keeping the rollup tables in step with the facts, in the same transaction.

A batch's fact rows are first summed per (site, day, dimension, value), per
(site, week or month, dimension, value) and per (site, hour) in memory, then written
as one multi-row `INSERT ... ON DUPLICATE KEY UPDATE n = n + VALUES(n)` each,
sorted by key so concurrent batches take row locks in the same order.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from tracking.counting import Row
from tracking.dimensions import COUNTERS, DIMENSIONS, Dimension, fact_condition, fact_sql, row_value
from tracking.models import Counters, DailyRollup, Fact, HourlyTotal, MonthlyRollup, WeeklyRollup
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


def sum_rollups(site_rows: Iterable[tuple[int, Row]]) -> dict[str, dict[tuple, list[int]]]:
    """The rollup rows `site_rows` add to, summed in memory: {upsert statement: {key: counters}}.

    What the worker adds per batch (`write_rollups`), and what a set-based
    rebuild of the same facts must give (tests/tracking/test_rollups.py,
    bench/dashboard_sites.py's check of seeded sites). Keys whose counters sum
    to zero are kept here and left out when written.
    """
    daily: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    hourly: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    for site_id, row in site_rows:
        deltas = [row.counters.get(c, 0) for c in COUNTERS]
        if not any(deltas):
            continue
        _add(hourly[(site_id, row.ts.replace(minute=0, second=0, microsecond=0, tzinfo=None))],
             deltas)  # fmt: skip
        _add(daily[(site_id, int(Dimension.TOTAL), row.local_date, "")], deltas)
        for dimension in DIMENSIONS:
            value = row_value(row, dimension)
            if value is not None:
                key = (site_id, int(dimension), row.local_date, value[:MAX_VALUE_LENGTH])
                _add(daily[key], deltas)
    weekly: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    monthly: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    for (site_id, dimension, day, value), totals in daily.items():
        _add(weekly[(site_id, dimension, week_of(day), value)], totals)
        _add(monthly[(site_id, dimension, day.replace(day=1), value)], totals)
    return {UPSERT_DAILY: daily, UPSERT_WEEKLY: weekly, UPSERT_MONTHLY: monthly,
            UPSERT_HOURLY: hourly}  # fmt: skip


def write_rollups(site_rows: Iterable[tuple[int, Row]]) -> None:
    """Add a batch's fact rows to every rollup table, in key order (see the module's docstring)."""
    with connection.cursor() as cursor:
        for sql, sums in sum_rollups(site_rows).items():
            rows = [(*key, *totals) for key, totals in sorted(sums.items()) if any(totals)]
            for statement in upsert_statements(sql, rows, literal=connection.connection.literal):
                cursor.execute(statement)


# Bytes of one multi-row statement: far below max_allowed_packet (16 MB by default).
MAX_STATEMENT_BYTES = 1 << 20


def upsert_statements(sql: str, rows: list[tuple], *, literal: Callable[[str], bytes]) -> list[str]:
    """`sql` (one row of %s placeholders) as multi-row statements holding `rows`, values inlined.

    What mysqlclient's executemany sends, built for the only value types a
    rollup key or counter has (int, date, datetime, str), at a fraction of
    its cost per value (the worker spent a third of its time there); strings
    are escaped by the driver's own `literal`, for the connection's charset.
    """
    head, _, rest = sql.partition(" VALUES (")
    tail = rest.partition(")")[2]
    statements, values, size = [], [], 0
    for row in rows:
        value = "(" + ",".join(_literal(v, literal) for v in row) + ")"
        if values and size + len(value) > MAX_STATEMENT_BYTES:
            statements.append(f"{head} VALUES {','.join(values)}{tail}")
            values, size = [], 0
        values.append(value)
        size += len(value) + 1
    if values:
        statements.append(f"{head} VALUES {','.join(values)}{tail}")
    return statements


def _literal(value: object, literal: Callable[[str], bytes]) -> str:
    if type(value) is int:
        return str(value)
    if isinstance(value, str):
        return literal(value).decode()
    if isinstance(value, dt.datetime):
        return f"'{value:%Y-%m-%d %H:%M:%S}'"
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    raise TypeError(f"no rollup value is a {type(value).__name__}")


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


def rebuild_derived_rollups(*, site_id: int) -> None:
    """Recompute the rollups summed from the daily ones (weekly, monthly), set-based.

    Period by period, so each GROUP BY stays small; one transaction.
    """
    sums = ", ".join(f"SUM({c})" for c in COUNTERS)
    dimensions = ", ".join(str(int(d)) for d in [Dimension.TOTAL, *DIMENSIONS])
    daily = DailyRollup._meta.db_table
    levels = (
        (WeeklyRollup._meta.db_table, "week", week_of, lambda d: d + dt.timedelta(days=7)),
        (MonthlyRollup._meta.db_table, "month", lambda d: d.replace(day=1), next_month),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(day), MAX(day) FROM {daily} "  # noqa: S608
            f"WHERE site_id = %s AND dimension IN ({dimensions})",
            [site_id],
        )
        first, last = cursor.fetchone()
        for table, column, start_of, following in levels:
            cursor.execute(f"DELETE FROM {table} WHERE site_id = %s", [site_id])  # noqa: S608
            period = start_of(first) if first else None
            while period and period <= last:
                after = following(period)
                # `dimension IN (...)` lets the key (site_id, dimension, day, ...) be read
                # as one range per dimension rather than all of the site's rows.
                cursor.execute(
                    f"INSERT INTO {table} "  # noqa: S608
                    f"(site_id, dimension, {column}, dim_value, {', '.join(COUNTERS)}) "
                    f"SELECT site_id, dimension, %s, dim_value, {sums} FROM {daily} "
                    f"WHERE site_id = %s AND dimension IN ({dimensions}) "
                    f"AND day >= %s AND day < %s "
                    f"GROUP BY site_id, dimension, dim_value "
                    f"HAVING {' OR '.join(f'SUM({c}) <> 0' for c in COUNTERS)}",
                    [period, site_id, period, after],
                )
                period = after
