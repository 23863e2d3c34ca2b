"""How numbers read on cards and in tables."""

import pytest

from reports import formatting


@pytest.mark.parametrize(
    "n, text", [(0, "0"), (999, "999"), (9_999, "9,999"), (12_345, "12.3k"), (120_000, "120k"),
                (1_500_000, "1.5M"), (2_000_000_000, "2B")],
)  # fmt: skip
def test_compact_numbers(n, text):
    assert formatting.compact(n) == text


@pytest.mark.parametrize(
    "seconds, text", [(0, "0s"), (59, "59s"), (95, "1m 35s"), (3700, "1h 01m")]
)
def test_durations(seconds, text):
    assert formatting.duration(seconds) == text


def test_percent_keeps_a_decimal_below_ten():
    assert (formatting.percent(0.456), formatting.percent(0.025), formatting.percent(0)) == (
        "46%",
        "2.5%",
        "0%",
    )


def test_change_is_signed_and_says_new_without_a_base():
    assert (formatting.change(0.12), formatting.change(-0.5), formatting.change(None)) == (
        "+12%",
        "−50%",
        "new",
    )


def test_money_is_in_units_not_cents():
    assert formatting.money(123456) == "1,234.56"
