"""Writing an event's properties: one row per property, in the batch's transaction.

The collector checked them (tracking.hits.parse_props: at most 30, keys of
1-64 characters, values cut to 256, email-like values dropped). They are
written with the event's fact, for hits not yet written only, so a message
delivered twice writes them once, like the facts. Rollups do not hold them:
the events panel's breakdown by property and the property filters read
these rows (reports/stats/properties.py), joined to the facts by hit id.
"""

from tracking.counting import CountedHit
from tracking.models import EventProperty
from tracking.multirow import Literal, multirow_statements

COLUMNS = (
    "site_id", "hit_id", "ts", "local_date", "visitor", "event_name", "prop_key", "prop_value",
    "value",
)  # fmt: skip
INSERT_PROPERTIES = (
    f"INSERT INTO {EventProperty._meta.db_table} ({', '.join(COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
)


def property_params(hit: CountedHit) -> list[tuple]:
    """The rows of one event's properties (none for other hits)."""
    if hit.type != "event":
        return []
    ts = hit.ts.replace(tzinfo=None)
    return [
        (hit.site, hit.id, ts, hit.local_date, hit.visitor, hit.event_name, key, value, hit.value)
        for key, value in hit.props
    ]


def property_statements(new_hits: list[CountedHit], *, literal: Literal) -> list[str]:
    """The multi-row INSERTs of the properties of the batch's new events (none without)."""
    rows = [row for hit in new_hits for row in property_params(hit)]
    return multirow_statements(INSERT_PROPERTIES, rows, literal=literal)
