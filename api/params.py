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
from reports.stats import MAX_FILTERS, Filter, InvalidFilter, pattern_problem

# Fathom's field names -> the query layer's dimensions (grouping and filters).
FIELDS: dict[str, str] = {
    "hostname": "hostname",
    "pathname": "pathname",
    "referrer": "referrer",
    "referrer_hostname": "referrer_host",
    "referrer_source": "source",
    "channel": "channel",
    "browser": "browser",
    "operating_system": "os",
    "device_type": "device",
    "country_code": "country",
    "utm_source": "utm_source",
    "utm_medium": "utm_medium",
    "utm_campaign": "utm_campaign",
    "utm_content": "utm_content",
    "utm_term": "utm_term",
}
FILTER_PROPERTIES: dict[str, str] = {**FIELDS, "event": "event"}
# `prop.<key>` filters by an event property, as the dashboard's filters do.
EVENT_PROPERTY_PREFIX = "prop."
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


@dataclass(frozen=True, slots=True)
class Aggregation:
    entity: str
    aggregates: tuple[str, ...]
    first_day: dt.date
    last_day: dt.date
    filters: tuple[Filter, ...] = ()
    date_grouping: str = ""
    field: str = ""  # a key of FIELDS, or `prop.<key>` (an event property)
    event_name: str = ""  # with entity=event
    sort: tuple[str, bool] | None = None  # (what, descending)
    limit: int = MAX_LIMIT
    exact: bool = False


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
    """The request's question, or BadParameter. Dates default to all of the site's data."""
    entity = choice(params, "entity", tuple(AGGREGATES))
    aggregates = _aggregates(params, entity)
    _check_time_zone(params, time_zone)
    start = _day(params, "date_from", end=False) or first_day or today
    end = _day(params, "date_to", end=True) or today
    if end < start:
        raise BadParameter("date_to", f"is before date_from ({end} < {start})")
    if (end - start).days > MAX_RANGE_DAYS:
        raise BadParameter("date_from", f"the range may span at most {MAX_RANGE_DAYS} days")
    grouping = choice(params, "date_grouping", DATE_GROUPINGS, default="")
    if grouping == "hour" and (end - start).days >= MAX_HOUR_DAYS:
        raise BadParameter("date_grouping", f"hour needs a range of at most {MAX_HOUR_DAYS} days")
    field = _field(params, entity)
    if grouping == "hour" and field:
        raise BadParameter("field_grouping", "cannot be combined with date_grouping=hour")
    if grouping and is_property(field):
        raise BadParameter("field_grouping", "an event property cannot be combined with dates")
    filters = _filters(params.get("filters", ""))
    name = ""
    if entity == "event":
        name = params.get("entity_name", "")
        if not name:
            raise BadParameter("entity_name", "is required when entity is event")
        filters = (*filters, _filter("entity_name", "event", "is", name))
    return Aggregation(
        entity=entity, aggregates=aggregates, first_day=start, last_day=end, filters=filters,
        date_grouping=grouping, field=field, event_name=name,
        sort=_sort(params, aggregates, grouping, field),
        limit=int_in(params, "limit", 1, MAX_LIMIT, default=MAX_LIMIT),
        exact=boolean(params, "exact"),
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


def _check_time_zone(params: Mapping[str, str], time_zone: str) -> None:
    """Figures are kept by the site's local day: other zones cannot be answered exactly."""
    asked = params.get("timezone", "")
    if not asked or asked == time_zone:
        return
    if asked not in zoneinfo.available_timezones():
        raise BadParameter("timezone", f"unknown time zone {asked[:50]!r}")
    raise BadParameter(
        "timezone",
        f"figures are kept by the site's time zone ({time_zone}); ask in it or leave it out",
    )


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
        raise BadParameter(name, "is read in the site's time zone: leave the offset out")
    allowed = (dt.time(0, 0), dt.time(23, 59, 59)) if end else (dt.time(0, 0),)
    if len(raw) > 10 and moment.time() not in allowed:
        shown = " or ".join(t.isoformat() for t in allowed)
        raise BadParameter(name, f"figures are kept by whole days: use the time {shown}")
    return moment.date()


def is_property(field: str) -> bool:
    """A grouping by one property of the asked event (docs/events.md)."""
    return field.startswith(EVENT_PROPERTY_PREFIX)


def _field(params: Mapping[str, str], entity: str) -> str:
    names = [n.strip() for n in params.get("field_grouping", "").split(",") if n.strip()]
    if len(names) > 1:
        raise BadParameter("field_grouping", "group by one field at a time")
    if names and is_property(names[0]):
        key = names[0].removeprefix(EVENT_PROPERTY_PREFIX)
        if entity != "event":
            raise BadParameter("field_grouping", "an event property groups events: entity=event")
        if not key or len(key) > 64 or ":" in key:
            raise BadParameter("field_grouping", "a property is prop.<key>, a key of 1-64 chars")
        return names[0]
    if names and names[0] not in FIELDS:
        raise BadParameter(
            "field_grouping", f"unknown field {names[0][:50]!r}; use one of {', '.join(FIELDS)}"
        )
    return names[0] if names else ""


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
    params: Mapping[str, str], aggregates: tuple[str, ...], grouping: str, field: str
) -> tuple[str, bool] | None:
    raw = params.get("sort_by", "")
    if not raw:
        return None
    what, _, direction = raw.partition(":")
    allowed = [*aggregates, *([field] if field else []), *(["timestamp"] if grouping else [])]
    if what not in allowed:
        raise BadParameter(
            "sort_by", f"cannot sort by {what[:50]!r}; use one of {', '.join(allowed)}"
        )
    if direction not in ("", "asc", "desc"):
        raise BadParameter("sort_by", f"direction must be asc or desc, got {direction[:20]!r}")
    return what, direction == "desc" or (direction == "" and what in aggregates)
