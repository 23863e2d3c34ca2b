"""How stored values read in tables and chips."""

from reports.labels import filter_label, stored_value, value_label, values_labelled
from reports.stats import Filter


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


def test_typed_country_names_and_codes_become_stored_codes():
    from reports.labels import stored_value

    assert stored_value("country", "United States") == "US"
    assert stored_value("country", "us") == "US"
    assert stored_value("country", "Atlantis") == "Atlantis"


def test_channel_and_device_are_stored_in_lower_case():
    from reports.labels import stored_value

    assert stored_value("device", "Mobile") == "mobile"
    assert stored_value("channel", "Search") == "search"


def test_the_ai_channel_reads_as_ai():
    from reports.labels import value_label

    assert value_label("channel", "ai") == "AI"


def test_a_search_finds_values_by_their_label():
    assert "DE" in values_labelled("country", "germ")
    assert values_labelled("source", "DIRECT") == [""]
    assert values_labelled("channel", "soc") == ["social"]
    assert values_labelled("pathname", "x") == []


def test_typing_the_label_of_no_source_filters_on_the_empty_value():
    assert stored_value("source", "Direct / none") == ""
    assert stored_value("source", "Google") == "Google"
