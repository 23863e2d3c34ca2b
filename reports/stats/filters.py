"""Dashboard filters: parsing them from a URL and turning them into SQL.

A filter is `dimension`, `op` and `value`; several combine with AND. In
URLs they read `f=pathname:is:/pricing` (repeatable), so a copied link
reproduces the view.
"""

import re
from dataclasses import dataclass

from reports.stats.db import regexp_refusal
from reports.stats.pattern_cost import costly_reason
from tracking.dimensions import BY_NAME, DIMENSIONS, fact_sql

OPS = ("is", "is_not", "contains", "not_contains", "matches", "not_matches")
# Operators whose value is a regular expression (checked, and dropped when too costly).
PATTERN_OPS = ("matches", "not_matches")
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
        if self.dimension not in BY_NAME:
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
    def is_pattern(self) -> bool:
        return self.op in PATTERN_OPS

    @property
    def scope(self) -> str:
        return DIMENSIONS[BY_NAME[self.dimension]].scope


def filter_sql(filters: tuple[Filter, ...]) -> tuple[str, list]:
    """` AND ...` conditions over the facts table, with their parameters."""
    clauses, params = [], []
    for f in filters:
        expression = fact_sql(BY_NAME[f.dimension])
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
