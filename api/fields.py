"""`field_grouping`: Fathom's field names, what each groups by, and which fields combine.

Most fields are one dimension of the query layer. Two are pathnames counted
where visits start and end (the counting model puts a visit's `visits` and
`bounces` on its entry hit and moves its `exits` to its last page), the
figures of the dashboard's entry and exit tables:

- `entry_pathname`: `visits` are the visits that started on the page,
  `bounce_rate` the share of those that bounced;
- `exit_pathname`: `visits` are the visits that ended on the page,
  `bounce_rate` the share of those that were a single page view (a bounced
  visit enters and leaves on its one page).

A visit's other figures (its page views, its visitor, its duration) are
kept on the pages they happened on, not on its entry or exit, so those
aggregates are refused rather than answered with the page's own figures.
"""

from collections.abc import Mapping

from api.errors import BadParameter

# Fathom's field names -> the query layer's dimensions (grouping and filters).
FIELDS: dict[str, str] = {
    "hostname": "hostname",
    "pathname": "pathname",
    "referrer": "referrer",
    "referrer_hostname": "referrer_host",
    "referrer_pathname": "referrer_path",
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
# Pathnames of the page a visit entered or left on -> the counter its `visits` are.
PAGE_ENDS: dict[str, str] = {"entry_pathname": "visits", "exit_pathname": "exits"}
PAGE_END_AGGREGATES = ("visits", "bounce_rate")
GROUPABLE = (*FIELDS, *PAGE_ENDS)
# `prop.<key>` groups an event's values of one property (docs/events.md).
EVENT_PROPERTY_PREFIX = "prop."


def dimension(field: str) -> str:
    """The query layer's dimension a field groups by."""
    return "pathname" if field in PAGE_ENDS else FIELDS[field]


def visits_counter(fields: tuple[str, ...]) -> str:
    """The counter a row's `visits` (and the base of its bounce rate) are: entries,
    exits or visits."""
    return next((PAGE_ENDS[f] for f in fields if f in PAGE_ENDS), "visits")


def is_property(field: str) -> bool:
    """A grouping by one property of the asked event (docs/events.md)."""
    return field.startswith(EVENT_PROPERTY_PREFIX)


def parse_fields(params: Mapping[str, str], entity: str) -> tuple[str, ...]:
    """The comma-separated fields asked for, checked one by one and together."""
    names = tuple(dict.fromkeys(n.strip() for n in params.get("field_grouping", "").split(",")))
    names = tuple(n for n in names if n)
    for name in names:
        if is_property(name):
            _check_property(name, entity, alone=len(names) == 1)
        elif name not in GROUPABLE:
            raise BadParameter(
                "field_grouping", f"unknown field {name[:50]!r}; use one of {', '.join(GROUPABLE)}"
            )
        elif name in PAGE_ENDS and entity != "pageview":
            raise BadParameter("field_grouping", f"{name} groups pageviews: entity=pageview")
    ends = [n for n in names if n in PAGE_ENDS]
    if len(ends) > 1:
        raise BadParameter(
            "field_grouping",
            "entry_pathname and exit_pathname cannot be combined: a visit's entry and exit "
            "are different page views, and no row holds both",
        )
    if ends and "pathname" in names:
        raise BadParameter(
            "field_grouping",
            f"{ends[0]} and pathname cannot be combined: {ends[0]} is already the pathname",
        )
    return names


def _check_property(name: str, entity: str, *, alone: bool) -> None:
    key = name.removeprefix(EVENT_PROPERTY_PREFIX)
    if entity != "event":
        raise BadParameter("field_grouping", "an event property groups events: entity=event")
    if not key or len(key) > 64 or ":" in key:
        raise BadParameter("field_grouping", "a property is prop.<key>, a key of 1-64 chars")
    if not alone:
        raise BadParameter(
            "field_grouping",
            f"{name[:70]} cannot be combined with other fields: properties are kept per event, "
            "apart from the fields of its hit",
        )


def check_aggregates(fields: tuple[str, ...], aggregates: tuple[str, ...]) -> None:
    """Entry and exit pages answer only the figures they have (see the module's docstring)."""
    ends = [f for f in fields if f in PAGE_ENDS]
    wrong = [a for a in aggregates if a not in PAGE_END_AGGREGATES]
    if ends and wrong:
        raise BadParameter(
            "aggregates",
            f"{', '.join(wrong)} cannot be grouped by {ends[0]}: a visit's page views, "
            "visitor and duration are kept on the pages they happened on, not on the page it "
            f"{'entered' if ends[0] == 'entry_pathname' else 'left'} by; "
            f"ask {' or '.join(PAGE_END_AGGREGATES)}",
        )
