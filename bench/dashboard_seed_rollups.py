"""Daily rollups and hourly totals for the dashboard benchmark, summed while facts are made.

tracking.rollups.rebuild_rollups computes these with one GROUP BY per
dimension over all of a site's facts: 5 s for the 38,000 fact rows of the
check site, so most of an hour at 10M pageviews. Here they are added up in
the processes that make the rows (`RollupSums`) and loaded like the facts;
`verify_rollups` checks on a small site that both agree. The rollups derived
from the daily ones (monthly) are built set-based by
tracking.rollups.rebuild_derived_rollups (`derive_rollups`).
"""

import datetime as dt
import time
from collections.abc import Callable, Hashable

from tracking.dimensions import COUNTERS, DIMENSIONS, Dimension
from tracking.fact_writes import FACT_COLUMNS
from tracking.rollups import MAX_VALUE_LENGTH

# Where each column sits in a fact row (tracking.fact_writes.fact_params, FACT_COLUMNS order).
_P = {name: i for i, name in enumerate(FACT_COLUMNS)}
_COUNTER_AT = _P[COUNTERS[0]]
_TS, _DATE, _EVENT = _P["ts"], _P["local_date"], _P["event_name"]
# Per row: the dimensions of the page; per visit (summed first, spread out
# at the end): the dimensions of the session and the client.
_PAGE_DIMS = [(int(Dimension.HOSTNAME), _P["hostname"]), (int(Dimension.PATHNAME), _P["pathname"])]
_VISIT_COLUMNS = (
    "referrer_host", "referrer_path", "source", "channel", "utm_source", "utm_medium",
    "utm_campaign", "utm_content", "utm_term", "country", "browser", "os", "device",
)  # fmt: skip
_VISIT_AT = [_P[c] for c in _VISIT_COLUMNS]
_VISIT_DIMS = [
    (int(dim), _VISIT_COLUMNS.index(info.column))
    for dim, info in DIMENSIONS.items()
    if info.column in _VISIT_COLUMNS
]
_TOTAL, _REFERRER, _EVENT_DIM = int(Dimension.TOTAL), int(Dimension.REFERRER), int(Dimension.EVENT)
assert {d for d, _ in _PAGE_DIMS + _VISIT_DIMS} | {_REFERRER, _EVENT_DIM} == set(
    map(int, DIMENSIONS)
), "a dimension the seeding does not sum"


def _plus(into: dict, key: Hashable, nonzero: list[tuple[int, int]]) -> None:
    sums = into.get(key)
    if sums is None:
        sums = into[key] = [0] * len(COUNTERS)
    for i, v in nonzero:
        sums[i] += v


class RollupSums:
    """Daily rollup and hourly total sums, keyed by the date they belong to.

    Keyed by date because a chunk of days may add to dates its neighbours add
    to as well (visits past midnight, local dates): those dates are split off
    and merged in the parent before they are loaded.
    """

    def __init__(self) -> None:
        # date -> {(dimension, value): [counters]}, and date -> {hour: [counters]}
        self.daily: dict[dt.date, dict[tuple[int, str], list[int]]] = {}
        self.hourly: dict[dt.date, dict[dt.datetime, list[int]]] = {}
        # date -> {session and client values: [counters]}, until `spread`
        self.visits: dict[dt.date, dict[tuple, list[int]]] = {}

    def add(self, params: tuple) -> None:
        nonzero = [(i, v) for i, v in enumerate(params[_COUNTER_AT:]) if v]
        if not nonzero:
            return
        hour = params[_TS].replace(minute=0, second=0, microsecond=0)
        _plus(self.hourly.setdefault(hour.date(), {}), hour, nonzero)
        day = params[_DATE]
        sums = self.daily.get(day)
        if sums is None:
            sums = self.daily[day] = {}
            self.visits[day] = {}
        _plus(sums, (_TOTAL, ""), nonzero)
        for dim, at in _PAGE_DIMS:
            _plus(sums, (dim, params[at][:MAX_VALUE_LENGTH]), nonzero)
        if params[_EVENT]:
            _plus(sums, (_EVENT_DIM, params[_EVENT][:MAX_VALUE_LENGTH]), nonzero)
        _plus(self.visits[day], tuple([params[i] for i in _VISIT_AT]), nonzero)

    def spread(self) -> None:
        """Add the per-visit sums to each session and client dimension."""
        for day, visits in self.visits.items():
            sums = self.daily[day]
            for values, counters in visits.items():
                nonzero = [(i, v) for i, v in enumerate(counters) if v]
                for dim, at in _VISIT_DIMS:
                    _plus(sums, (dim, values[at][:MAX_VALUE_LENGTH]), nonzero)
                host, path = values[0], values[1]
                referrer = (host + path)[:MAX_VALUE_LENGTH] if host else ""
                _plus(sums, (_REFERRER, referrer), nonzero)
        self.visits = {}

    def merge(self, other: "RollupSums") -> None:
        """Add `other`'s daily and hourly sums to these (dates two chunks share)."""
        for mine, theirs in ((self.daily, other.daily), (self.hourly, other.hourly)):
            for day, sums in theirs.items():
                into = mine.setdefault(day, {})
                for key, values in sums.items():
                    if key in into:
                        into[key] = [a + b for a, b in zip(into[key], values, strict=True)]
                    else:
                        into[key] = values

    def split(self, keep: Callable[[dt.date], bool]) -> "RollupSums":
        """Move the dates `keep` rejects into a new RollupSums, returned."""
        moved = RollupSums()
        for mine, theirs in ((self.daily, moved.daily), (self.hourly, moved.hourly)):
            for day in [d for d in mine if not keep(d)]:
                theirs[day] = mine.pop(day)
        return moved

    def write(self, site_id: int, daily_path: str, hourly_path: str) -> int:
        """Write TSV files for LOAD DATA; keys whose sums are all zero are left out."""
        rows = 0
        with open(daily_path, "w", encoding="utf-8", newline="\n") as out:
            for day in sorted(self.daily):
                for (dim, value), sums in sorted(self.daily[day].items()):
                    if any(sums):
                        out.write(f"{site_id}\t{dim}\t{day}\t{tsv_field(value)}\t")
                        out.write("\t".join(map(str, sums)) + "\n")
                        rows += 1
        with open(hourly_path, "w", encoding="utf-8", newline="\n") as out:
            for day in sorted(self.hourly):
                for hour, sums in sorted(self.hourly[day].items()):
                    if any(sums):
                        out.write(f"{site_id}\t{hour}\t" + "\t".join(map(str, sums)) + "\n")
        return rows


def tsv_field(value: object) -> str:
    """`value` as one field of a file for LOAD DATA (backslash, tab and newline escaped)."""
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def has_derived_rollups() -> bool:
    """Whether the schema has rollups summed from the daily ones (monthly)."""
    from tracking import rollups

    return hasattr(rollups, "rebuild_derived_rollups")


def derive_rollups(site_id: int) -> bool:
    """Build the rollups summed from the daily ones, if the schema has any."""
    from tracking import rollups

    if not has_derived_rollups():
        return False
    rollups.rebuild_derived_rollups(site_id=site_id)
    return True


def verify_rollups(site_id: int) -> dict:
    """Rebuild the site's rollups with tracking.rollups.rebuild_rollups and compare.

    Returns the rows only one side has, per table (both zero when they agree).
    """
    from django.db import connection

    from tracking import models
    from tracking.models import DailyRollup, HourlyTotal
    from tracking.rollups import rebuild_rollups

    tables = {
        DailyRollup._meta.db_table: "site_id, dimension, day, dim_value",
        HourlyTotal._meta.db_table: "site_id, hour",
    }
    monthly = getattr(models, "MonthlyRollup", None)
    if monthly is not None:
        tables[monthly._meta.db_table] = "site_id, dimension, month, dim_value"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TEMPORARY TABLE IF EXISTS seeded_{table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE seeded_{table} AS "  # noqa: S608
                f"SELECT * FROM {table} WHERE site_id = %s",
                [site_id],
            )
    started = time.perf_counter()
    rebuild_rollups(site_id=site_id)
    rebuild_s = time.perf_counter() - started
    result: dict = {"rebuild_seconds": round(rebuild_s, 1)}
    with connection.cursor() as cursor:
        for table, key in tables.items():
            columns = f"{key}, {', '.join(COUNTERS)}"
            mine = f"SELECT {columns} FROM seeded_{table}"  # noqa: S608
            theirs = f"SELECT {columns} FROM {table} WHERE site_id = {int(site_id)}"  # noqa: S608
            counts = []
            for a, b in ((mine, theirs), (theirs, mine)):
                cursor.execute(f"SELECT COUNT(*) FROM ({a} EXCEPT {b}) AS d")  # noqa: S608
                counts.append(cursor.fetchone()[0])
            cursor.execute(f"SELECT COUNT(*) FROM seeded_{table}")  # noqa: S608
            result[table] = {"rows": cursor.fetchone()[0], "only_seeded": counts[0],
                             "only_rebuilt": counts[1]}  # fmt: skip
            cursor.execute(f"DROP TEMPORARY TABLE seeded_{table}")
    result["match"] = all(
        v["only_seeded"] == 0 == v["only_rebuilt"] for k, v in result.items() if k in tables
    )
    return result
