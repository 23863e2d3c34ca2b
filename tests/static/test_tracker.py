"""The tracker (static/script.js) in Chromium, on a fake site, without the server.

The fake site, its spy and the tab are in conftest.py.
"""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.static.conftest import COLLECTOR_URL, PAGE, SCRIPT_URL, SITE
from tests.support.processes import wait_until

pytestmark = pytest.mark.browser


def pageview(url=PAGE, referrer=""):
    return {"type": "pageview", "url": url, "referrer": referrer, "site": SITE}


# --- pageviews -------------------------------------------------------------------


def test_a_pageview_is_sent_on_load(tab):
    assert tab.open().sent() == [pageview()]


def test_the_hit_is_posted_as_text_plain_json_to_the_scripts_origin(tab):
    with tab.page.expect_request(COLLECTOR_URL) as posted:
        tab.open()
    request = posted.value
    assert (request.method, request.headers["content-type"].split(";")[0]) == (
        "POST",
        "text/plain",
    )
    assert json.loads(request.post_data) == pageview()


NO_BEACON = "navigator.sendBeacon = undefined; delete Navigator.prototype.sendBeacon"
REFUSING_BEACON = "navigator.sendBeacon = () => false"


def image_get(tab, before: str) -> dict:
    """The hit the page sent as an image GET: its JSON, whole, in the `j` parameter."""
    with tab.page.expect_request(lambda r: r.url.startswith(COLLECTOR_URL + "?")) as fetched:
        tab.open(before=before)
    query = parse_qs(urlsplit(fetched.value.url).query)
    assert list(query) == ["j"]
    return json.loads(query["j"][0])


def test_without_send_beacon_the_hit_is_an_image_get(tab):
    assert image_get(tab, NO_BEACON) == pageview()


def test_a_hit_the_beacon_refuses_goes_as_an_image_get(tab):
    assert image_get(tab, REFUSING_BEACON) == pageview()


def test_the_document_referrer_is_sent(tab):
    tab.open(referer="https://news.example.net/story")
    assert tab.sent() == [pageview(referrer="https://news.example.net/story")]


def test_the_hash_is_left_out_of_the_url(tab):
    assert tab.open(PAGE + "docs#install").sent() == [pageview(PAGE + "docs")]


def test_the_query_string_is_kept(tab):
    url = PAGE + "?utm_source=newsletter"
    assert tab.open(url).sent() == [pageview(url)]


def test_no_pageview_on_load_with_data_auto_false(tab):
    assert tab.open(attrs='data-auto="false"').sent() == []


def test_a_prerendered_page_sends_its_pageview_only_once_shown(tab):
    tab.open(before="Object.defineProperty(document, 'prerendering', {get: () => true})")
    assert tab.sent() == []
    tab.js("document.dispatchEvent(new Event('prerenderingchange'))")
    assert tab.sent() == [pageview()]


def test_the_canonical_url_is_sent_instead_of_the_location(tab):
    tab.open(
        PAGE + "product?id=7",
        head='<link rel="canonical" href="https://www.example.com/products/blue-shoe">',
    )
    assert tab.sent() == [pageview("https://www.example.com/products/blue-shoe")]


def test_data_canonical_false_sends_the_location(tab):
    tab.open(
        PAGE + "product?id=7",
        attrs='data-canonical="false"',
        head='<link rel="canonical" href="https://www.example.com/products/blue-shoe">',
    )
    assert tab.sent() == [pageview(PAGE + "product?id=7")]


# --- single-page apps ------------------------------------------------------------


def test_push_state_sends_a_pageview_with_the_previous_page_as_referrer(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.pushState({}, '', '/pricing')")
    assert tab.sent() == [pageview(), pageview(PAGE + "pricing", referrer=PAGE)]


def test_replace_state_to_a_new_url_sends_a_pageview(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.replaceState({}, '', '/pricing')")
    assert tab.sent()[-1] == pageview(PAGE + "pricing", referrer=PAGE)


def test_replace_state_keeping_the_url_sends_nothing(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.replaceState({scroll: 100}, '')")
    assert tab.sent() == [pageview()]


def test_going_back_sends_a_pageview(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.pushState({}, '', '/pricing')")
    tab.js("history.back()")
    assert tab.wait_for_hits(3)[-1] == pageview(referrer=PAGE + "pricing")


def test_push_state_keeps_returning_what_the_browser_returns(tab):
    tab.open(attrs='data-spa="history"')
    assert tab.js("history.pushState({}, '', '/a') === undefined")


def test_without_data_spa_history_navigation_sends_nothing(tab):
    tab.open()
    tab.js("history.pushState({}, '', '/pricing')")
    assert tab.sent() == [pageview()]


def test_hash_mode_sends_hash_changes_with_the_hash(tab):
    tab.open(PAGE + "#/home", attrs='data-spa="hash"')
    tab.js("location.hash = '#/settings'")
    assert tab.wait_for_hits(2) == [
        pageview(PAGE + "#/home"),
        pageview(PAGE + "#/settings", referrer=PAGE + "#/home"),
    ]


def test_history_mode_ignores_hash_changes(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("location.hash = '#section-2'")
    tab.js("history.pushState({}, '', '/next')")  # a later hit proves the hash change is done
    assert [hit["url"] for hit in tab.wait_for_hits(2)] == [PAGE, PAGE + "next"]


# --- the API ---------------------------------------------------------------------


def test_track_event_sends_the_name_and_value_on_the_current_page(tab):
    tab.open(PAGE + "checkout")
    tab.js("fathom.trackEvent('Signup', {_value: 900})")
    assert tab.sent_of("event") == [
        {"type": "event", "name": "Signup", "url": PAGE + "checkout", "value": 900, "site": SITE}
    ]


def test_track_event_without_a_value_sends_zero(tab):
    tab.open()
    tab.js("fathom.trackEvent('Newsletter')")
    assert tab.sent_of("event")[0]["value"] == 0


def test_track_event_rounds_the_value_to_whole_cents(tab):
    tab.open()
    tab.js("fathom.trackEvent('Buy', {_value: 9.99 * 100})")
    assert tab.sent_of("event")[0]["value"] == 999


def test_track_pageview_sends_the_given_url_and_referrer(tab):
    tab.open(attrs='data-auto="false"')
    tab.js(
        "fathom.trackPageview({url: 'https://www.example.com/virtual', referrer: 'https://t.co/x'})"
    )
    assert tab.sent() == [pageview("https://www.example.com/virtual", "https://t.co/x")]


def test_track_pageview_resolves_a_relative_url(tab):
    tab.open(attrs='data-auto="false"')
    tab.js("fathom.trackPageview({url: '/step-2'})")
    assert tab.sent()[0]["url"] == PAGE + "step-2"


def test_track_pageview_without_arguments_sends_the_current_page(tab):
    tab.open(attrs='data-auto="false"')
    tab.js("fathom.trackPageview()")
    assert tab.sent() == [pageview()]


# --- when nothing is sent --------------------------------------------------------

DNT = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})"


def test_do_not_track_is_honoured_with_data_honor_dnt(tab):
    tab.open(attrs='data-honor-dnt="true"', before=DNT)
    tab.js("fathom.trackEvent('Signup')")
    assert tab.sent() == []


def test_do_not_track_is_ignored_without_data_honor_dnt(tab):
    assert tab.open(before=DNT).sent() == [pageview()]


def test_an_excluded_domain_sends_nothing(tab):
    tab.open(attrs='data-excluded-domains="staging.example.com, www.example.com"')
    assert tab.sent() == []


def test_a_domain_missing_from_the_included_domains_sends_nothing(tab):
    tab.open(attrs='data-included-domains="example.com,shop.example.com"')
    assert tab.sent() == []


def test_a_domain_in_the_included_domains_sends(tab):
    tab.open(attrs='data-included-domains="example.com, WWW.example.com"')
    assert tab.sent() == [pageview()]


@pytest.mark.parametrize("url", ["http://localhost:8000/", "http://127.0.0.1:8000/"])
def test_a_local_page_sends_nothing(tab, url):
    assert tab.open(url).sent() == []


def test_a_local_page_sends_with_data_allow_local(tab):
    tab.open("http://localhost:8000/", attrs='data-allow-local="true"')
    assert tab.sent() == [pageview("http://localhost:8000/")]


def test_a_script_tag_without_a_site_sends_nothing(tab):
    tab.html = f'<!doctype html><script src="{SCRIPT_URL}"></script>'
    tab.page.goto(PAGE)
    assert tab.sent() == []


def test_the_tracker_touches_no_cookie_and_stores_nothing(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.pushState({}, '', '/next'); fathom.trackEvent('Signup', {_value: 1})")
    tab.js("__setVisibility('hidden')")
    touched = tab.js("[window.__touched, localStorage.length]")
    assert (len(tab.sent()), touched) == (3, [[], 0])


# --- event properties ------------------------------------------------------------


def test_event_properties_are_sent_as_props(tab):
    tab.open()
    tab.js("fathom.trackEvent('Signup', {_value: 900, plan: 'pro', source: 'footer'})")
    event = tab.sent_of("event")[0]
    assert (event["value"], event["props"]) == (900, {"plan": "pro", "source": "footer"})


def test_an_event_without_properties_sends_no_props(tab):
    tab.open()
    tab.js("fathom.trackEvent('Signup', {_value: 900})")
    assert "props" not in tab.sent_of("event")[0]


def test_properties_that_are_not_strings_are_dropped(tab):
    tab.open()
    tab.js("fathom.trackEvent('Signup', {n: 3, ok: true, o: {a: 'b'}, no: null, plan: 'pro'})")
    assert tab.sent_of("event")[0]["props"] == {"plan": "pro"}


def test_at_most_30_properties_are_sent(tab):
    tab.open()
    tab.js("const o = {}; for (let i = 0; i < 40; i++) o['k' + i] = 'v'; fathom.trackEvent('E', o)")
    assert list(tab.sent_of("event")[0]["props"]) == [f"k{i}" for i in range(30)]


def test_property_keys_and_values_are_cut_to_64_and_256_characters(tab):
    tab.open()
    tab.js("fathom.trackEvent('E', {['k'.repeat(100)]: 'v'.repeat(1000)})")
    assert tab.sent_of("event")[0]["props"] == {"k" * 64: "v" * 256}


# --- Global Privacy Control --------------------------------------------------------

GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"


def test_global_privacy_control_is_honoured_with_data_honor_dnt(tab):
    tab.open(attrs='data-honor-dnt="true"', before=GPC)
    tab.js("fathom.trackEvent('Signup')")
    assert tab.sent() == []


def test_global_privacy_control_is_ignored_without_data_honor_dnt(tab):
    assert tab.open(before=GPC).sent() == [pageview()]


# --- excluding one's own browser ---------------------------------------------------


def test_the_exclusion_link_stores_the_flag_and_sends_nothing(tab):
    tab.open(PAGE + "#analytics_ignore=true")
    assert (tab.sent(), tab.js("localStorage.analytics_ignore")) == ([], "true")


def test_an_excluded_browser_sends_nothing_on_later_visits(tab):
    tab.open(PAGE + "#analytics_ignore=true")
    tab.open(PAGE + "pricing", attrs='data-spa="history"')
    tab.js("fathom.trackEvent('Signup'); history.pushState({}, '', '/next')")
    assert tab.sent() == []


def test_the_inclusion_link_lifts_the_flag(tab):
    tab.open(PAGE + "#analytics_ignore=true")
    tab.open(PAGE + "pricing#analytics_ignore=false")
    assert tab.sent() == [pageview(PAGE + "pricing")]


def test_the_page_that_opened_the_link_is_told_the_stored_flag(tab):
    tab.open(PAGE + "settings")
    tab.js(
        "window.__answers = []; addEventListener('message', (e) => __answers.push(e.data));"
        f"window.open('{PAGE}#analytics_ignore=true', 'site')"
    )
    tab.page.wait_for_function("window.__answers.length > 0")
    assert tab.js("window.__answers") == ["true"]


# --- engaged time ------------------------------------------------------------------


def engagement(duration, url=PAGE):
    return {"type": "engagement", "url": url, "duration": duration, "site": SITE}


def test_hiding_the_page_reports_the_time_it_was_visible(tab):
    tab.freeze_clock().open()
    tab.advance(3000)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == [engagement(3000)]


def test_time_while_hidden_is_not_counted(tab):
    tab.freeze_clock().open()
    tab.advance(3000)
    tab.js("__setVisibility('hidden')")
    tab.advance(60_000)
    tab.js("__setVisibility('visible')")
    tab.advance(2000)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == [engagement(3000), engagement(2000)]


def test_a_page_opened_in_the_background_counts_from_when_it_is_shown(tab):
    tab.freeze_clock().open(before="window.__vis = 'hidden'")
    tab.advance(30_000)
    tab.js("__setVisibility('visible')")
    tab.advance(2000)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == [engagement(2000)]


def test_under_a_second_is_kept_for_the_next_report_not_sent(tab):
    tab.freeze_clock().open()
    tab.advance(600)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == []
    tab.js("__setVisibility('visible')")
    tab.advance(700)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == [engagement(1300)]


def test_pagehide_after_hiding_reports_nothing_twice(tab):
    tab.freeze_clock().open()
    tab.advance(3000)
    tab.js("__setVisibility('hidden')")
    tab.js("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    assert tab.sent_of("engagement") == [engagement(3000)]


def test_leaving_the_page_reports_the_time_it_was_visible(tab, collector):
    page = collector.origin + "/"
    tab.freeze_clock().open(page, script=collector.origin + "/script.js")
    tab.advance(4000)
    tab.page.goto(page + "elsewhere")
    engagements = lambda: [hit for hit in collector.hits if hit["type"] == "engagement"]  # noqa: E731
    wait_until(engagements, timeout=10, message="the engagement hit")
    assert engagements() == [engagement(4000, page)]


def test_a_spa_navigation_reports_the_previous_pages_time_before_its_pageview(tab):
    tab.freeze_clock().open(attrs='data-spa="history"')
    tab.advance(5000)
    tab.js("history.pushState({}, '', '/pricing')")
    assert tab.sent() == [
        pageview(),
        engagement(5000),
        pageview(PAGE + "pricing", referrer=PAGE),
    ]


def test_the_next_page_starts_counting_from_zero(tab):
    tab.freeze_clock().open(attrs='data-spa="history"')
    tab.advance(5000)
    tab.js("history.pushState({}, '', '/pricing')")
    tab.advance(1500)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement")[-1] == engagement(1500, PAGE + "pricing")
