"""Calendar arithmetic: months added to a date clamp to the end of short months."""

import datetime as dt

import pytest

from common.dates import add_months

D = dt.date


@pytest.mark.parametrize(
    "anchor, months, expected",
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 1, 31), 2, D(2025, 3, 31)),  # the anchor day comes back
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
    ],
)
def test_adding_months_clamps_to_the_end_of_short_months(anchor, months, expected):
    assert add_months(anchor, months) == expected
