"""How stored values read in tables and chips."""

from reports.filters import Filter
from reports.labels import filter_label, value_label


def test_countries_read_as_names():
    assert value_label("country", "DE") == "Germany"
    assert value_label("country", "") == "Unknown"
    assert value_label("country", "ZZ") == "ZZ"


def test_empty_sources_read_as_direct():
    assert value_label("source", "") == "Direct / none"
    assert value_label("utm_campaign", "") == "(none)"


def test_channels_and_devices_are_capitalised():
    assert (value_label("channel", "search"), value_label("device", "mobile")) == (
        "Search",
        "Mobile",
    )


def test_a_filter_reads_as_a_sentence():
    assert (
        filter_label(Filter("pathname", "not_contains", "/admin")) == "Page does not contain /admin"
    )
