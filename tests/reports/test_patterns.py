"""Regular-expression filters are checked against the database's own engine."""

from reports.filters import Filter
from reports.patterns import pattern_problem


def test_other_operators_are_not_checked(db):
    assert pattern_problem(Filter("pathname", "is", r"\N{LATIN SMALL LETTER A}")) is None


def test_a_pattern_both_engines_accept_passes(db):
    assert pattern_problem(Filter("pathname", "matches", r"^/blog/\d+$")) is None


def test_a_pattern_only_python_accepts_is_refused_with_the_reason(db):
    problem = pattern_problem(Filter("pathname", "matches", r"\N{LATIN SMALL LETTER A}"))
    assert problem and "was ignored" in problem and "PCRE" in problem
