"""Regular-expression filters are checked against the database's own engine,
and shapes that make it backtrack without end are refused before any query."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import OperationalError
from django.http import QueryDict

from reports.patterns import without_costly_patterns
from reports.stats import Filter, InvalidFilter, pattern_problem
from reports.viewstate import ViewState, parse_view


def test_other_operators_are_not_checked(db):
    assert pattern_problem(Filter("pathname", "is", r"\N{LATIN SMALL LETTER A}")) is None


def test_a_pattern_both_engines_accept_passes(db):
    assert pattern_problem(Filter("pathname", "matches", r"^/blog/\d+$")) is None


def test_a_pattern_only_python_accepts_is_refused_with_the_reason(db):
    problem = pattern_problem(Filter("pathname", "matches", r"\N{LATIN SMALL LETTER A}"))
    assert problem and "was ignored" in problem and "PCRE" in problem


@pytest.mark.parametrize(
    "pattern",
    ["(a+)+", "(a*)*", "(.*)*", r"^(\w+\s?)*$", "(a?){9}", "(a{1,9}){2,}", "(?>a+)+", "(x+x+)+y"],
)
def test_a_quantifier_inside_a_repeated_group_is_refused_up_front(pattern):
    with pytest.raises(InvalidFilter, match="too costly.*another quantifier"):
        Filter("pathname", "matches", pattern)


@pytest.mark.parametrize("pattern", ["^/(a|aa)+$", "(a|a?)+", "(.|\n)*", "(foo|bar){2}"])
def test_alternatives_inside_a_repeated_group_are_refused_up_front(pattern):
    with pytest.raises(InvalidFilter, match="too costly.*alternatives"):
        Filter("pathname", "matches", pattern)


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?P<x>a)(?P=x)", "(a)?(?(1)b|c)"])
def test_back_references_are_refused_up_front(pattern):
    with pytest.raises(InvalidFilter, match="too costly.*back-references"):
        Filter("pathname", "matches", pattern)


@pytest.mark.parametrize("pattern", ["^/(?=a)", "^/(?!admin)", "(?<=/)x", "(?<!/)x"])
def test_lookarounds_are_refused_up_front(pattern):
    with pytest.raises(InvalidFilter, match="too costly.*lookarounds"):
        Filter("pathname", "matches", pattern)


@pytest.mark.parametrize(
    "pattern",
    [r"^/blog/\d+$", "^/(docs|pricing)$", "^/(en|de)/.*$", "(ab)+", "(a|b)+", "(ab|ac)+",
     "(a{3})+", "[a-z]+(/[a-z]+)?", "(a|b)?", "a++", "(?i)^/blog"],
)  # fmt: skip
def test_patterns_without_those_shapes_pass(pattern):
    assert Filter("pathname", "matches", pattern).value == pattern


def test_a_costly_pattern_is_reported_where_a_bad_filter_is():
    _, errors = parse_view(
        QueryDict("f=pathname:matches:^/(a|aa)%2B$"),
        today=dt.date(2026, 1, 14),
        first_data_day=None,
    )
    assert errors and "was ignored" in errors[0] and "too costly" in errors[0]


def view_with(*filters: Filter) -> ViewState:
    return replace(parse_view(QueryDict(), today=dt.date(2026, 1, 14), first_data_day=None)[0],
                   filters=filters)  # fmt: skip


def test_the_patterns_the_database_gave_up_on_are_dropped_with_a_message():
    state = view_with(Filter("country", "is", "US"), Filter("pathname", "matches", "^/.*.*.*x"))

    def build(state: ViewState) -> tuple[Filter, ...]:
        if any(f.op == "matches" for f in state.filters):
            raise OperationalError(1139, "Regex error 'match limit exceeded'")
        return state.filters

    errors: list[str] = []
    built, state = without_costly_patterns(build, state, errors)
    assert built == state.filters == (Filter("country", "is", "US"),)
    assert len(errors) == 1 and "too costly" in errors[0] and "^/.*.*.*x" in errors[0]


def test_other_database_errors_are_not_taken_for_a_costly_pattern():
    state = view_with(Filter("pathname", "matches", "^/.*.*.*x"))

    def build(state: ViewState) -> None:
        raise OperationalError(2013, "Lost connection to server during query")

    with pytest.raises(OperationalError):
        without_costly_patterns(build, state, [])
