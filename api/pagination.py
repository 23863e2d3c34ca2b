"""Fathom's cursor pagination: `limit` (1-100), `starting_after` / `ending_before` an id.

The answer is `{"object": "list", "url": ..., "has_more": ..., "data": [...]}`,
in ascending order of the list's key. `starting_after=X` gives the items
after X; `ending_before=X` the last `limit` items before X, `has_more`
then saying whether there are more before them.
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

from rest_framework.request import Request

from api.errors import BadParameter
from api.params import int_in

T = TypeVar("T")
MAX_PAGE = 100
DEFAULT_PAGE = 10


def paginate(request: Request, items: Sequence[T], *, id_of: Callable[[T], str]) -> dict:
    """One page of `items` (already in ascending order), with its envelope; data unshaped."""
    params = request.query_params
    limit = int_in(params, "limit", 1, MAX_PAGE, default=DEFAULT_PAGE)
    after, before = params.get("starting_after", ""), params.get("ending_before", "")
    if after and before:
        raise BadParameter("ending_before", "use either starting_after or ending_before")
    ids = [id_of(item) for item in items]
    if after or before:
        name, cursor = ("starting_after", after) if after else ("ending_before", before)
        if cursor not in ids:
            raise BadParameter(name, f"no item with id {cursor[:50]!r} in this list")
        at = ids.index(cursor)
        if after:
            page, has_more = items[at + 1 : at + 1 + limit], len(items) > at + 1 + limit
        else:
            page, has_more = items[max(0, at - limit) : at], at - limit > 0
    else:
        page, has_more = items[:limit], len(items) > limit
    return {"object": "list", "url": request.path, "has_more": has_more, "data": list(page)}
