"""The parameters of `GET /api/v1/aggregations`, read as Fathom's API names them.

Parsing is separate from answering (api/aggregations.py) so that every
refusal is a `BadParameter` naming the parameter, raised before any query.
Names map onto the query layer's: Fathom's `operating_system` is our `os`,
`is like` our `contains`, and so on (docs/api.md has the tables).
"""

import datetime as dt
import json
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass

from api.errors import BadParameter
from api.fields import (
    EVENT_PROPERTY_PREFIX,
    FIELDS,
    check_aggregates,
    is_property,
    parse_fields,
)
from reports.stats import MAX_FILTERS, Filter, InvalidFilter, pattern_problem

FILTER_PROPERTIES: dict[str, str] = {**FIELDS, "event": "event"}
OPERATORS: dict[str, str] = {
    "is": "is",
    "is not": "is_not",
    "is like": "contains",
    "is not like": "not_contains",
    "matching": "matches",
    "not matching": "not_matches",
}
AGGREGATES: dict[str, tuple[str, ...]] = {
    "pageview": ("visits", "uniques", "pageviews", "avg_duration", "bounce_rate"),
    "event": ("conversions", "unique_conversions", "value"),
}
DATE_GROUPINGS = ("hour", "day", "week", "month", "year")
MAX_LIMIT = 1000
MAX_HOUR_DAYS = 31
MAX_RANGE_DAYS = 366 * 20
# Days a range may start and end on: room for the previous period and the
# widest zone offsets before and after, within what dates can hold.
EARLIEST_DAY, LATEST_DAY = dt.date(1970, 1, 1), dt.date(9998, 12, 31)


@dataclass(frozen=True, slots=True)
class Aggregation:
    entity: str
    aggregates: tuple[str, ...]
    first_day: dt.date
    last_day: dt.date
    filters: tuple[Filter, ...] = ()
    date_grouping: str = ""
    fields: tuple[str, ...] = ()  # api/fields.py's names, or one `prop.<key>`
    event_name: str = ""  # with entity=event
    sort: tuple[str, bool] | None = None  # (what, descending)
    limit: int = MAX_LIMIT
    exact: bool = False
    zone: str = ""  # the time zone asked for, when not the site's own

    @property
    def field(self) -> str:
        """The one field grouped by, or "" (none, or several)."""
        return self.fields[0] if len(self.fields) == 1 else ""


def choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...], *, default=None) -> str:
    value = params.get(name, "")
    if not value:
        if default is None:
            raise BadParameter(name, f"is required (one of {', '.join(allowed)})")
        return default
    if value not in allowed:
        raise BadParameter(name, f"unknown value {value[:50]!r}; use one of {', '.join(allowed)}")
    return value


def int_in(params: Mapping[str, str], name: str, low: int, high: int, *, default: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"must be a whole number, got {raw[:50]!r}") from None
    if not low <= value <= high:
        raise BadParameter(name, f"must be between {low} and {high}, got {value}")
    return value


def boolean(params: Mapping[str, str], name: str) -> bool:
    raw = params.get(name, "").lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise BadParameter(name, f"must be true or false, got {raw[:50]!r}")


def parse_aggregation(
    params: Mapping[str, str], *, time_zone: str, today: dt.date, first_day: dt.date | None
) -> Aggregation:
    """The request's question, or BadParameter. Dates default to all of the site's data.

    Dates are days of the zone asked for (the site's by default); in another
    zone, today is that zone's and the site's first day of data starts a day
    earlier, so the default range still holds every hit.
    """
    entity = choice(params, "entity", tuple(AGGREGATES))
    aggregates = _aggregates(params, entity)
    zone = _time_zone(params, time_zone)
    if zone:
        today = dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()
        first_day = first_day and first_day - dt.timedelta(days=1)
    start = _day(params, "date_from", end=False) or first_day or today
    end = _day(params, "date_to", end=True) or today
    if end < start:
        raise BadParameter("date_to", f"is before date_from ({end} < {start})")
    if (end - start).days > MAX_RANGE_DAYS:
        raise BadParameter("date_from", f"the range may span at most {MAX_RANGE_DAYS} days")
    grouping = choice(params, "date_grouping", DATE_GROUPINGS, default="")
    if grouping == "hour" and (end - start).days >= MAX_HOUR_DAYS:
        raise BadParameter("date_grouping", f"hour needs a range of at most {MAX_HOUR_DAYS} days")
    fields = parse_fields(params, entity)
    check_aggregates(fields, aggregates)
    if grouping == "hour" and fields:
        raise BadParameter("field_grouping", "cannot be combined with date_grouping=hour")
    properties = [f for f in fields if is_property(f)]
    if grouping and properties:
        raise BadParameter("field_grouping", "an event property cannot be combined with dates")
    if zone and properties:
        raise BadParameter("timezone", "an event property is grouped in the site's time zone only")
    filters = _filters(params.get("filters", ""))
    name = ""
    if entity == "event":
        name = params.get("entity_name", "")
        if not name:
            raise BadParameter("entity_name", "is required when entity is event")
        filters = (*filters, _filter("entity_name", "event", "is", name))
    return Aggregation(
        entity=entity, aggregates=aggregates, first_day=start, last_day=end, filters=filters,
        date_grouping=grouping, fields=fields, event_name=name,
        sort=_sort(params, aggregates, grouping, fields),
        limit=int_in(params, "limit", 1, MAX_LIMIT, default=MAX_LIMIT),
        exact=boolean(params, "exact"), zone=zone,
    )  # fmt: skip


def _aggregates(params: Mapping[str, str], entity: str) -> tuple[str, ...]:
    allowed = AGGREGATES[entity]
    names = tuple(dict.fromkeys(a.strip() for a in params.get("aggregates", "").split(",")))
    names = tuple(n for n in names if n)
    if not names:
        raise BadParameter("aggregates", f"is required (any of {', '.join(allowed)})")
    for name in names:
        if name not in allowed:
            raise BadParameter(
                "aggregates",
                f"unknown aggregate {name[:50]!r} for entity {entity}; use {', '.join(allowed)}",
            )
    return names


# Files of the zone database that name no place: the server's own zone, a placeholder.
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def _time_zone(params: Mapping[str, str], time_zone: str) -> str:
    """The zone asked for when it is not the site's own (then answered from the facts), or ""."""
    asked = params.get("timezone", "")
    if not asked or asked == time_zone:
        return ""
    if asked in NOT_ZONES or asked not in zoneinfo.available_timezones():
        raise BadParameter("timezone", f"unknown time zone {asked[:50]!r}; use an IANA name")
    return asked


def _day(params: Mapping[str, str], name: str, *, end: bool) -> dt.date | None:
    """A local day: `YYYY-MM-DD`, or with the time a whole day starts (or ends) at."""
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError:
        raise BadParameter(
            name, f"is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS): {raw[:50]!r}"
        ) from None
    if moment.tzinfo is not None:
        raise BadParameter(name, "is read in the time zone asked for: leave the offset out")
    allowed = (dt.time(0, 0), dt.time(23, 59, 59)) if end else (dt.time(0, 0),)
    if len(raw) > 10 and moment.time() not in allowed:
        shown = " or ".join(t.isoformat() for t in allowed)
        raise BadParameter(name, f"figures are kept by whole days: use the time {shown}")
    if not EARLIEST_DAY <= moment.date() <= LATEST_DAY:
        raise BadParameter(name, f"must be between {EARLIEST_DAY} and {LATEST_DAY}")
    return moment.date()


def _filter(parameter: str, dimension: str, op: str, value: str) -> Filter:
    try:
        f = Filter(dimension, op, value)
    except InvalidFilter as exc:
        raise BadParameter(parameter, str(exc)) from None
    problem = pattern_problem(f)
    if problem:
        raise BadParameter(parameter, problem)
    return f


def _filters(raw: str) -> tuple[Filter, ...]:
    if not raw:
        return ()
    try:
        items = json.loads(raw)
    except ValueError:
        raise BadParameter("filters", "is not JSON") from None
    if not isinstance(items, list):
        raise BadParameter("filters", "must be a JSON array of {property, operator, value}")
    if len(items) > MAX_FILTERS:
        raise BadParameter("filters", f"at most {MAX_FILTERS} filters")
    found = []
    for i, item in enumerate(items):
        where = f"filters[{i}]"
        if not isinstance(item, dict) or set(item) != {"property", "operator", "value"}:
            raise BadParameter(where, "must be an object with property, operator and value")
        prop, op, value = item["property"], item["operator"], item["value"]
        if isinstance(prop, str) and prop.startswith(EVENT_PROPERTY_PREFIX):
            dimension = prop  # an event's property (docs/events.md), checked by Filter
        elif prop in FILTER_PROPERTIES:
            dimension = FILTER_PROPERTIES[prop]
        else:
            raise BadParameter(f"{where}.property", f"unknown property {str(prop)[:50]!r}")
        if op not in OPERATORS:
            raise BadParameter(
                f"{where}.operator",
                f"unknown operator {str(op)[:50]!r}; use {', '.join(OPERATORS)}",
            )
        if not isinstance(value, str):
            raise BadParameter(f"{where}.value", "must be a string")
        found.append(_filter(f"{where}.value", dimension, OPERATORS[op], value))
    return tuple(found)


def _sort(
    params: Mapping[str, str], aggregates: tuple[str, ...], grouping: str, fields: tuple[str, ...]
) -> tuple[str, bool] | None:
    raw = params.get("sort_by", "")
    if not raw:
        return None
    what, _, direction = raw.partition(":")
    allowed = [*aggregates, *fields, *(["timestamp"] if grouping else [])]
    if what not in allowed:
        raise BadParameter(
            "sort_by", f"cannot sort by {what[:50]!r}; use one of {', '.join(allowed)}"
        )
    if direction not in ("", "asc", "desc"):
        raise BadParameter("sort_by", f"direction must be asc or desc, got {direction[:20]!r}")
    return what, direction == "desc" or (direction == "" and what in aggregates)
