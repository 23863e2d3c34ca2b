"""Pages under `matches` filters the database gives up on: a message, never a 500.

Filter() refuses, up front, the shapes that backtrack without end
(reports/stats/pattern_cost.py), and the query layer asks the database
whether it accepts a pattern at all (reports.stats.pattern_problem). A
pattern that still proves too costly on the site's values makes the
database fail at query time (reports.stats.is_regexp_error tells that
failure apart); the page is then built without it
(`without_costly_patterns`), again with a message instead of a 500.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from django.db import DatabaseError

from reports.stats import Filter, is_regexp_error
from reports.viewstate import ViewState

T = TypeVar("T")


def too_costly(filters: tuple[Filter, ...]) -> str:
    """The page's message once the database gave up on the view's `matches` filters."""
    shown = ", ".join(repr(f.value[:80]) for f in filters if f.is_pattern)
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
        if not is_regexp_error(exc) or not any(f.is_pattern for f in state.filters):
            raise
    errors.append(too_costly(state.filters))
    state = replace(state, filters=tuple(f for f in state.filters if not f.is_pattern))
    return build(state), state
