"""Filters' SQL: `not_matches` is the negation of `matches`, with the same pattern checks."""

import pytest

from reports.stats import Filter, InvalidFilter
from reports.stats.filters import filter_sql


def test_not_matches_negates_the_regular_expression():
    assert filter_sql((Filter("pathname", "not_matches", "^/p"),)) == (
        " AND pathname NOT REGEXP %s", ["^/p"])  # fmt: skip


@pytest.mark.parametrize("pattern", ["(", "^/(a|aa)+$"])
def test_not_matches_refuses_what_matches_refuses(pattern):
    with pytest.raises(InvalidFilter):
        Filter("pathname", "not_matches", pattern)
