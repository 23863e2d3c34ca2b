"""Checking `matches` filters against the database's own regular expressions.

Filter() compiles a pattern with Python's `re`, but the facts are filtered
by MariaDB's PCRE2, which refuses some patterns Python accepts (`\\N{name}`,
`\\u`, ...). Asking the database first turns such a pattern into a message
for the user instead of a failed page. Filter() also refuses, up front, the
shapes that backtrack without end (reports/pattern_cost.py); a pattern that
still proves too costly on the site's values is dropped when the page is
built (`without_costly_patterns`), again with a message instead of a 500.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from django.db import DatabaseError, connection

from reports.filters import Filter
from reports.viewstate import ViewState

T = TypeVar("T")


def pattern_problem(f: Filter) -> str | None:
    """Why the database cannot use this filter's pattern, or None."""
    if f.op != "matches":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT '' REGEXP %s", [f.value])
    except DatabaseError as exc:
        reason = exc.args[-1] if exc.args else "invalid pattern"
        return f"The pattern {f.value[:80]!r} was ignored: {reason}."
    return None


# MariaDB reports every failure of its regex engine as 1139 (ER_REGEXP_ERROR:
# "Regex error 'match limit exceeded'", "... recursion limit ..."); MySQL 8's
# ICU engine has a code per failure (ER_REGEXP_*, 3685-3700: time out, stack
# overflow ...). A SELECT only warns; a CREATE TABLE ... SELECT under the
# strict SQL mode, as reports/matching.py runs, fails with it.
REGEXP_ERRORS = frozenset({1139, *range(3685, 3701)})


def is_regexp_error(exc: DatabaseError) -> bool:
    """True when the database gave up on a regular expression (not any other failure)."""
    return bool(exc.args) and exc.args[0] in REGEXP_ERRORS


def too_costly(filters: tuple[Filter, ...]) -> str:
    """The page's message once the database gave up on the view's `matches` filters."""
    shown = ", ".join(repr(f.value[:80]) for f in filters if f.op == "matches")
    return (
        f"The pattern {shown} was ignored: it is too costly for the database to match"
        " against this site's values. Try a simpler one (fewer .* or repeated groups)."
    )


def without_costly_patterns(
    build: Callable[[ViewState], T], state: ViewState, errors: list[str]
) -> tuple[T, ViewState]:
    """`build(state)`, or, when the database gives up on its patterns, `build` without them.

    The error does not say which pattern it gave up on, so every `matches`
    filter is dropped and `errors` says so: the page still shows, with the
    other filters, like for any bad filter. Other database errors propagate.
    """
    try:
        return build(state), state
    except DatabaseError as exc:
        if not is_regexp_error(exc) or not any(f.op == "matches" for f in state.filters):
            raise
    errors.append(too_costly(state.filters))
    state = replace(state, filters=tuple(f for f in state.filters if f.op != "matches"))
    return build(state), state
