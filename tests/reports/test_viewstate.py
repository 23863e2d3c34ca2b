"""Dashboard URLs: parsing them, and building links that keep the rest of the view."""

import datetime as dt
from urllib.parse import parse_qsl

from django.http import QueryDict

from reports.ranges import parse_range
from reports.stats import Filter
from reports.viewstate import ViewState, parse_view

TODAY = dt.date(2026, 3, 15)


def parse(query: str):
    return parse_view(QueryDict(query), today=TODAY, first_data_day=None)


def test_filters_are_read_in_order_and_combine():
    state, errors = parse("f=source:is:Google&f=pathname:contains:/blog")
    assert errors == []
    assert state.filters == (
        Filter("source", "is", "Google"),
        Filter("pathname", "contains", "/blog"),
    )


def test_a_filter_value_may_contain_colons():
    state, _ = parse("f=" + "referrer:is:example.com/a:b".replace(":", "%3A"))
    assert state.filters == (Filter("referrer", "is", "example.com/a:b"),)


def test_a_repeated_filter_counts_once():
    state, _ = parse("f=country:is:US&f=country:is:US")
    assert len(state.filters) == 1


def test_a_bad_filter_is_dropped_with_a_reason_and_the_rest_kept():
    state, errors = parse("f=country:is:US&f=planet:is:Mars")
    assert state.filters == (Filter("country", "is", "US"),)
    assert len(errors) == 1 and "unknown dimension" in errors[0]


def test_a_bad_range_falls_back_to_the_default_with_a_reason():
    state, errors = parse("range=forever")
    assert state.range.key == "30d"
    assert "Unknown date range" in errors[0]


def test_more_than_ten_filters_are_cut_with_a_reason():
    state, errors = parse("&".join(f"f=pathname:is:/{i}" for i in range(12)))
    assert len(state.filters) == 10
    assert "At most 10" in errors[0]


def test_the_add_filter_form_fields_become_a_filter():
    state, errors = parse("add_dim=pathname&add_op=is_not&add_value=/admin")
    assert errors == []
    assert state.filters == (Filter("pathname", "is_not", "/admin"),)


def test_the_add_filter_form_filters_by_an_event_property_with_its_typed_key():
    state, errors = parse("add_dim=prop&add_key=plan&add_op=is&add_value=Pro")
    assert errors == []
    assert state.filters == (Filter("prop.plan", "is", "Pro"),)  # values kept as typed


def test_an_event_property_filter_without_a_key_is_refused():
    state, errors = parse("add_dim=prop&add_key=&add_op=is&add_value=pro")
    assert (state.filters, errors) == ((), ["Type the key of the event property to filter by."])


def test_an_event_property_filter_with_an_operator_it_lacks_is_refused_naming_them():
    state, errors = parse("add_dim=prop&add_key=plan&add_op=not_contains&add_value=pro")
    assert state.filters == ()
    assert errors == [
        "That filter cannot be applied: a property filter is one of is, is not, contains."
    ]


def test_a_contains_filter_without_text_is_refused():
    state, errors = parse("add_dim=pathname&add_op=contains&add_value=")
    assert state.filters == ()
    assert errors == ["Type some text for the filter to look for."]


def test_a_link_is_the_query_string_of_range_filters_and_tabs():
    state = ViewState(parse_range("7d", today=TODAY), (Filter("source", "is", "Google"),))
    state = state.with_tab("sources", "referrers")
    assert parse_qsl(state.query()[1:]) == [
        ("range", "7d"),
        ("f", "source:is:Google"),
        ("sources", "referrers"),
    ]


def test_links_round_trip_through_parsing():
    state = ViewState(
        parse_range("custom", "2026-01-01", "2026-01-31", today=TODAY),
        (Filter("utm_campaign", "contains", "a&b=c"), Filter("pathname", "is", "/x?y=1#z")),
        (("devices", "operating-systems"),),
        exact=True,
    )
    again, errors = parse(state.query()[1:])
    assert errors == [] and again == state


def test_exact_figures_are_asked_for_in_the_url_and_kept_by_links():
    state, _ = parse("range=7d&f=source:is:Google&exact=1")
    assert state.exact
    assert ("exact", "1") in parse_qsl(state.with_tab("sources", "referrers").query()[1:])
    assert not parse("range=7d&exact=yes")[0].exact


def test_adding_and_removing_a_filter_keeps_the_others():
    google, us = Filter("source", "is", "Google"), Filter("country", "is", "US")
    state = ViewState(parse_range("7d", today=TODAY), (google,))
    assert state.with_filter(us).filters == (google, us)
    assert state.with_filter(us).without_filter(google).filters == (us,)
    assert state.with_filter(google) is state


def test_the_default_view_is_a_bare_question_mark():
    assert ViewState(parse_range(None, today=TODAY)).query() == "?"


def test_unknown_tabs_and_first_tabs_leave_no_trace_in_the_url():
    state, _ = parse("pages=pages&sources=nope&campaigns=utm-terms")
    assert state.tabs == (("campaigns", "utm-terms"),)
    assert state.tab("pages") == "pages"
