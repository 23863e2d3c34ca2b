"""Dashboard filters: parsing them from a URL and turning them into SQL.

A filter is `dimension`, `op` and `value`; several combine with AND. In
URLs they read `f=pathname:is:/pricing` (repeatable), so a copied link
reproduces the view.

An event property is a dimension too, named `prop.<key>`
(`f=prop.plan:is:pro`): it keeps the rows of the events carrying that key
with a matching value (is, is not, contains), read from the event property
rows (tracking.models.EventProperty) of the same site and time range.
"""

import re
from dataclasses import dataclass

from reports.stats.db import regexp_refusal
from reports.stats.derived import fact_expression, is_dimension, stored_dimension
from reports.stats.pattern_cost import costly_reason
from reports.stats.sql import PROPERTIES
from tracking.dimensions import DIMENSIONS
from tracking.models import FactKind
from tracking.queued_hit import MAX_PROP_KEY_LENGTH

OPS = ("is", "is_not", "contains", "not_contains", "matches", "not_matches")
# Operators whose value is a regular expression (checked, and dropped when too costly).
PATTERN_OPS = ("matches", "not_matches")
PROPERTY_PREFIX = "prop."
PROPERTY_OPS = ("is", "is_not", "contains")
MAX_FILTERS = 10
MAX_VALUE_LENGTH = 500


class InvalidFilter(ValueError):
    """A filter that cannot be applied; the message says why."""


@dataclass(frozen=True, slots=True)
class Filter:
    dimension: str
    op: str
    value: str

    def __post_init__(self) -> None:
        if self.is_property:
            key = self.property_key
            if not key or len(key) > MAX_PROP_KEY_LENGTH or ":" in key:
                raise InvalidFilter("a property filter names a key of 1 to 64 characters")
            if self.op not in PROPERTY_OPS:
                raise InvalidFilter("a property filter is one of is, is not, contains")
        elif not is_dimension(self.dimension):
            raise InvalidFilter(f"unknown dimension {self.dimension!r}")
        if self.op not in OPS:
            raise InvalidFilter(f"unknown operator {self.op!r}")
        if len(self.value) > MAX_VALUE_LENGTH:
            raise InvalidFilter("filter value too long")
        if self.is_pattern:
            try:
                re.compile(self.value)
            except re.error as exc:
                raise InvalidFilter(f"invalid pattern: {exc}") from None
            costly = costly_reason(self.value)
            if costly:
                raise InvalidFilter(costly)

    @classmethod
    def parse(cls, raw: str) -> "Filter":
        """`dimension:op:value`; the value may itself contain colons."""
        parts = raw.split(":", 2)
        if len(parts) != 3:
            raise InvalidFilter("a filter reads dimension:op:value")
        return cls(*parts)

    def to_param(self) -> str:
        return f"{self.dimension}:{self.op}:{self.value}"

    @property
    def is_property(self) -> bool:
        return self.dimension.startswith(PROPERTY_PREFIX)

    @property
    def property_key(self) -> str:
        return self.dimension.removeprefix(PROPERTY_PREFIX)

    @property
    def is_pattern(self) -> bool:
        return self.op in PATTERN_OPS

    @property
    def scope(self) -> str:
        return "event" if self.is_property else DIMENSIONS[stored_dimension(self.dimension)].scope


def _property_sql(f: Filter, site_id: int, ts_from, ts_to) -> tuple[str, list]:
    """Event rows whose event carries the filter's key with a matching value."""
    op = {"is": "= %s", "is_not": "<> %s", "contains": "COLLATE utf8mb4_general_ci LIKE %s"}[f.op]
    value = f.value if f.op != "contains" else "%" + re.sub(r"([\\%_])", r"\\\1", f.value) + "%"
    return (
        f"kind = {int(FactKind.EVENT)} AND hit_id IN (SELECT hit_id FROM {PROPERTIES} "  # noqa: S608
        "WHERE site_id = %s AND ts >= %s AND ts < %s AND prop_key = %s "
        f"AND prop_value {op})",
        [site_id, ts_from, ts_to, f.property_key, value],
    )


def filter_sql(
    filters: tuple[Filter, ...], *, site_id: int = 0, ts_from=None, ts_to=None
) -> tuple[str, list]:
    """` AND ...` conditions over the facts table, with their parameters.

    Property filters read the event property rows of `site_id` between
    `ts_from` and `ts_to` (UTC), the range the facts are read in.
    """
    clauses, params = [], []
    for f in filters:
        if f.is_property:
            clause, more = _property_sql(f, site_id, ts_from, ts_to)
            clauses.append(clause)
            params.extend(more)
            continue
        expression = fact_expression(f.dimension)
        if f.op in ("is", "is_not"):
            clauses.append(f"{expression} {'=' if f.op == 'is' else '<>'} %s")
            params.append(f.value)
        elif f.op in ("contains", "not_contains"):
            # Case-insensitive, whatever the column's own collation.
            negate = "NOT " if f.op == "not_contains" else ""
            clauses.append(f"{expression} COLLATE utf8mb4_general_ci {negate}LIKE %s")
            params.append("%" + re.sub(r"([\\%_])", r"\\\1", f.value) + "%")
        else:
            clauses.append(f"{expression} {'NOT ' if f.op == 'not_matches' else ''}REGEXP %s")
            params.append(f.value)
    return "".join(f" AND {c}" for c in clauses), params


def pattern_problem(f: Filter) -> str | None:
    """Why the database cannot use this filter's pattern, or None.

    Filter() compiles a pattern with Python's `re`, but the facts are filtered
    by MariaDB's PCRE2, which refuses some patterns Python accepts: asking the
    database first turns such a pattern into a message instead of a failed page.
    """
    if not f.is_pattern:
        return None
    reason = regexp_refusal(f.value)
    return None if reason is None else f"The pattern {f.value[:80]!r} was ignored: {reason}."


def visitors_counter(filters: tuple[Filter, ...]) -> str:
    """Which counter counts visitors (see docs/metrics.md).

    Without filters, the rollups' `uniques` (the visitor's first hit of the
    day). With filters, the query layer counts distinct visitor hashes per day
    among the matching rows, and returns that figure in the `uniques` slot.
    """
    return "uniques"
