"""Dimensions the query layer reads out of a stored one: a referrer's path.

The rollups keep a referrer as one value, host and path (tracking/dimensions.py),
so grouping by the path alone needs no rollup of its own: hosts hold no `/`,
so the path is what follows the host, from the first `/`. The facts keep the
path in its own column. Both expressions give the same value for every row
(an empty one when the hit had no referrer), so rollup and fact reads agree.
"""

from tracking.dimensions import BY_NAME, Dimension, fact_sql

REFERRER_PATH = "referrer_path"
# Derived name -> the stored dimension its value is read from.
DERIVED: dict[str, Dimension] = {REFERRER_PATH: Dimension.REFERRER}
_FACT_SQL = {REFERRER_PATH: "IF(referrer_host = '', '', referrer_path)"}
# A path is at most 500 characters: a key that short is grouped in memory.
_ROLLUP_SQL = {
    REFERRER_PATH: "CAST(IF(LOCATE('/', dim_value) > 0, SUBSTRING(dim_value, "
    "LOCATE('/', dim_value)), '') AS CHAR(500)) COLLATE utf8mb4_bin"
}


def is_dimension(name: str) -> bool:
    """A dimension the query layer groups and filters by: stored or derived."""
    return name in BY_NAME or name in DERIVED


def stored_dimension(name: str) -> Dimension:
    """The dimension whose rows hold `name`'s values."""
    return DERIVED.get(name) or BY_NAME[name]


def fact_expression(name: str) -> str:
    """The SQL expression over the facts that yields the dimension's value."""
    return _FACT_SQL.get(name) or fact_sql(BY_NAME[name])


def derived_rollup_value(name: str) -> str | None:
    """The expression over a rollup's dim_value for a derived dimension, None for a stored one."""
    return _ROLLUP_SQL.get(name)
