"""Multi-row INSERT statements with their values inlined, built faster than the driver does.

mysqlclient's executemany sends the same multi-row statement, but escapes
every value through several Python calls; the worker spent a third of its
time there. Here only the value types of facts, visitor state, rollups and marks are
handled (int, str, date, datetime, None), each distinct value of a batch is
escaped once (a batch repeats its pages, browsers, countries and days on
every row), and strings go through the driver's own `literal`, for the
connection's charset.
"""

import datetime as dt
from collections.abc import Callable

# The driver's escaping of a string for the connection's charset, quotes included.
Literal = Callable[[str], bytes]

# Bytes of one multi-row statement: far below max_allowed_packet (16 MB by default).
MAX_STATEMENT_BYTES = 1 << 20


def multirow_statements(sql: str, rows: list[tuple], *, literal: Literal) -> list[str]:
    """`sql` (one row of %s placeholders) as multi-row statements holding `rows`."""
    memo: dict[object, str] = {}

    def escaped(value: object) -> str:
        text = memo[value] = inline(value, literal=literal)
        return text

    # Ints inline (most values are counters): no call for them.
    texts = ["(" + ",".join([str(v) if type(v) is int else memo.get(v) or escaped(v)
                             for v in row]) + ")" for row in rows]  # fmt: skip
    return multirow_texts(sql, texts)


def multirow_texts(sql: str, texts: list[str]) -> list[str]:
    """`sql` (one row of %s placeholders) as multi-row statements of rows already
    written as VALUES text, "(1,'a',...)", each escaped by `inline`."""
    head, _, rest = sql.partition(" VALUES (")
    tail = rest.partition(")")[2]
    statements, values, size = [], [], 0
    for text in texts:
        if values and size + len(text) > MAX_STATEMENT_BYTES:
            statements.append(f"{head} VALUES {','.join(values)}{tail}")
            values, size = [], 0
        values.append(text)
        size += len(text) + 1
    if values:
        statements.append(f"{head} VALUES {','.join(values)}{tail}")
    return statements


def inline(value: object, *, literal: Literal) -> str:
    """One value as SQL text: the statements run together take no parameters."""
    if type(value) is int:
        return str(value)
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return literal(value).decode()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise TypeError("datetimes are written naive, in UTC")
        return f"'{value:%Y-%m-%d %H:%M:%S.%f}'"
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    raise TypeError(f"no multi-row value is a {type(value).__name__}")
