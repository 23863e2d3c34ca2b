"""Checking `matches` filters against the database's own regular expressions.

Filter() compiles a pattern with Python's `re`, but the facts are filtered
by MariaDB's PCRE2, which refuses some patterns Python accepts (`\\N{name}`,
`\\u`, ...). Asking the database first turns such a pattern into a message
for the user instead of a failed page.
"""

from django.db import DatabaseError, connection

from reports.filters import Filter


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
