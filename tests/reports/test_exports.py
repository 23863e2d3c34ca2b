"""CSV exports: raw numbers, and cells that a spreadsheet would run are neutralised."""

import csv
import io

import pytest

from reports.exports import neutralise, table_records, to_csv
from reports.panels import TABLES
from reports.stats import BreakdownRow, Totals


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell",
    [" =1", "   +1+1", " -2+3", " @SUM(A1)", "\n=1", "\r\n-1", "\t\t=1", "\v=1", "\f+1",
     "\u00a0=1", "\u2003@SUM(A1)", "\u3000-1", "\u200b=1", "\ufeff=1", " \u00a0\t=1"],
)  # fmt: skip
def test_cells_a_spreadsheet_would_run_after_leading_whitespace_get_a_leading_quote(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["/pricing", "Google", "a=b", "", 12, -3, 0.5, " /pricing", " "])
def test_other_cells_are_unchanged(cell):
    assert neutralise(cell) == cell


def test_the_csv_holds_raw_numbers_under_unit_headers():
    rows = [BreakdownRow("Signup", Totals(unique_completions=2, completions=3, value=1250))]
    records = list(table_records(TABLES["events"], rows, range_visitors=8))
    assert records == [
        ["Event", "Unique", "Completions", "Value", "Conversion (%)"],
        ["Signup", 2, 3, 12.5, 25.0],
    ]


def test_to_csv_neutralises_values_and_quotes_as_rfc_4180():
    text = to_csv([["Page", "Visitors"], ['=cmd|"/c calc"!A1', 3]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["Page", "Visitors"],
        ['\'=cmd|"/c calc"!A1', "3"],
    ]
    assert text.endswith("\r\n")
