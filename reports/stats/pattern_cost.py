"""Refusing `matches` patterns whose cost can explode, before any query runs.

MariaDB's PCRE2 backtracks: on a pattern like `(a|aa)+$` the work grows
exponentially with the length of the value, the engine gives up at its match
limit (error 1139), and anyone holding a share link could make every page
with such a filter fail. Deciding the real cost of a pattern is hard; this
check is cheap and refuses the shapes behind exponential backtracking:

- a repeated group (`+`, `*`, `{2,}`, `{3}` ...) holding a variable
  quantifier (`(a+)+`, `(a*)*`, `(.*)*`, `(a?){9}`) or alternatives
  (`(a|aa)+`); alternatives of single characters are a character class
  (`(a|b)+` is `[ab]+`) and pass;
- back-references (`\\1`, `(?P=name)`, `(?(1)...)`), which no automaton can run;
- lookarounds (`(?=`, `(?!`, `(?<=`, `(?<!`), which rerun a pattern at every
  position and can hide the shapes above.

Polynomial blow-ups (`.*.*.*x`) are not refused: the query layer's pages catch
the database's error and say the pattern is too costly (reports/patterns.py).

The pattern is read with Python's own regex parser (already used by
reports/stats/filters.py to compile it), whose tree folds `(a|b)` into a class.
"""

import re
import re._constants as sre
import re._parser as sre_parse

REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
LOOKAROUNDS = (sre.ASSERT, sre.ASSERT_NOT)
BACKREFERENCES = (sre.GROUPREF, sre.GROUPREF_EXISTS, sre.GROUPREF_IGNORE)
TOO_COSTLY = "the pattern is too costly for the database"
NESTED = f"{TOO_COSTLY}: a repeated group holds another quantifier, as in (a+)+"
ALTERNATIVES = f"{TOO_COSTLY}: a repeated group holds alternatives, as in (a|aa)+"
BACKREFERENCE = f"{TOO_COSTLY}: back-references such as \\1 are not supported"
LOOKAROUND = f"{TOO_COSTLY}: lookarounds such as (?=...) or (?!...) are not supported"


def costly_reason(pattern: str) -> str | None:
    """Why `pattern` may take the database's regex engine forever, or None.

    A pattern Python cannot parse gives None: compiling it reports the error.
    """
    try:
        tree = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    return _walk(tree, repeated=False)


def _walk(items: sre_parse.SubPattern | list, *, repeated: bool) -> str | None:
    """The first costly shape in `items`; `repeated` when they sit in a repeated group."""
    for op, av in items:
        reason = None
        if op in BACKREFERENCES:
            return BACKREFERENCE
        if op in LOOKAROUNDS:
            return LOOKAROUND
        if op in REPEATS:
            low, high, body = av
            if repeated and low != high:
                return NESTED
            reason = _walk(body, repeated=repeated or high > 1)
        elif op == sre.BRANCH:
            if repeated:
                return ALTERNATIVES
            reason = next((r for b in av[1] if (r := _walk(b, repeated=False))), None)
        elif op == sre.SUBPATTERN:
            reason = _walk(av[-1], repeated=repeated)
        elif op == sre.ATOMIC_GROUP:
            reason = _walk(av, repeated=repeated)
        if reason:
            return reason
    return None
