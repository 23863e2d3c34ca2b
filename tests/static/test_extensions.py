"""The tracker's extensions (static/script.<name>.js) in Chromium, on the fake site of conftest.py.

Each is loaded by its own tag after the core's, as a site opts in.
"""

import pytest

from tests.static.conftest import PAGE, SCRIPT_URL
from tests.support.processes import wait_until

pytestmark = pytest.mark.browser

OTHER_SITE = "http://cdn.example.net/pricing"  # another host Playwright answers
# A later listener that records whether the extension cancelled the click, then
# keeps the test on the page (so the spy's record survives).
KEEP_ON_PAGE = (
    "document.addEventListener('click', (e) => {"
    " window.__cancelled = e.defaultPrevented; e.preventDefault(); });"
)


def extension(name: str, attrs: str = "") -> str:
    return f'<script defer src="{SCRIPT_URL.replace(".js", f".{name}.js")}" {attrs}></script>'


def events(tab) -> list[tuple[str, dict]]:
    return [(hit["name"], hit.get("props", {})) for hit in tab.sent_of("event")]


# --- outbound links ------------------------------------------------------------------


def test_a_click_on_a_link_to_another_host_sends_outbound_link_click(tab):
    tab.open(
        head=extension("outbound"), body=f'<a href="{OTHER_SITE}">out</a>', before=KEEP_ON_PAGE
    )
    tab.page.click("a")
    assert events(tab) == [("Outbound Link: Click", {"url": OTHER_SITE})]


def test_a_link_on_the_same_host_is_not_outbound(tab):
    tab.open(head=extension("outbound"), body='<a href="/pricing">in</a>', before=KEEP_ON_PAGE)
    tab.page.click("a")
    assert events(tab) == []


def test_an_outbound_link_added_after_load_counts(tab):
    tab.open(head=extension("outbound"), before=KEEP_ON_PAGE)
    tab.js(
        f"document.body.insertAdjacentHTML('beforeend', '<a href=\"{OTHER_SITE}\"><b>late</b></a>')"
    )
    tab.page.click("b")
    assert events(tab) == [("Outbound Link: Click", {"url": OTHER_SITE})]


def test_a_middle_click_on_an_outbound_link_counts(tab):
    tab.open(
        head=extension("outbound"), body=f'<a href="{OTHER_SITE}">out</a>', before=KEEP_ON_PAGE
    )
    tab.js(
        "document.querySelector('a')"
        ".dispatchEvent(new MouseEvent('auxclick', {bubbles: true, button: 1}))"
    )
    assert events(tab) == [("Outbound Link: Click", {"url": OTHER_SITE})]


def test_the_outbound_click_is_not_cancelled(tab):
    tab.open(
        head=extension("outbound"), body=f'<a href="{OTHER_SITE}">out</a>', before=KEEP_ON_PAGE
    )
    tab.page.click("a")
    assert tab.js("window.__cancelled") is False


def test_the_browser_follows_the_link_at_once_and_the_beacon_still_arrives(tab, collector):
    page = collector.origin + "/"
    script = collector.origin + "/script.js"
    tab.open(
        page,
        script=script,
        head=f'<script defer src="{collector.origin}/script.outbound.js"></script>',
        body=f'<a href="{OTHER_SITE}">out</a>',
    )
    tab.page.click("a")
    tab.page.wait_for_url(OTHER_SITE)
    outbound = lambda: [h for h in collector.hits if h.get("name") == "Outbound Link: Click"]  # noqa: E731
    wait_until(outbound, timeout=10, message="the outbound click's beacon")
    assert outbound()[0]["props"] == {"url": OTHER_SITE}


def test_an_excluded_browser_sends_no_outbound_click(tab):
    tab.open(
        PAGE + "#analytics_ignore=true",
        head=extension("outbound"),
        body=f'<a href="{OTHER_SITE}">out</a>',
        before=KEEP_ON_PAGE,
    )
    tab.page.click("a")
    assert tab.sent() == []


# --- file downloads --------------------------------------------------------------------


def test_a_click_on_a_file_link_sends_file_download(tab):
    body = '<a href="/files/Report-2026.PDF">report</a>'
    tab.open(head=extension("download"), body=body, before=KEEP_ON_PAGE)
    tab.page.click("a")
    assert events(tab) == [("File Download", {"url": PAGE + "files/Report-2026.PDF"})]


def test_a_link_to_a_page_is_not_a_download(tab):
    tab.open(
        head=extension("download"), body='<a href="/v1.2/notes">notes</a>', before=KEEP_ON_PAGE
    )
    tab.page.click("a")
    assert events(tab) == []


def test_data_extensions_replaces_the_list_of_file_types(tab):
    body = '<a id="pdf" href="/a.pdf">pdf</a><a id="sketch" href="/b.sketch">sketch</a>'
    head = extension("download", 'data-extensions="sketch, fig"')
    tab.open(head=head, body=body, before=KEEP_ON_PAGE)
    tab.page.click("#pdf")
    tab.page.click("#sketch")
    assert events(tab) == [("File Download", {"url": PAGE + "b.sketch"})]


def test_a_download_link_added_after_load_counts(tab):
    tab.open(head=extension("download"), before=KEEP_ON_PAGE)
    tab.js("document.body.insertAdjacentHTML('beforeend', '<a href=\"/late.zip\">zip</a>')")
    tab.page.click("a")
    assert events(tab) == [("File Download", {"url": PAGE + "late.zip"})]


# --- 404 pages -------------------------------------------------------------------------


def test_a_page_with_the_404_extension_sends_a_404_event_with_its_path(tab):
    tab.open(PAGE + "no/such/page", head=extension("404"))
    tab.wait_for_hits(2)
    assert events(tab) == [("404", {"path": "/no/such/page"})]


def test_the_404_event_follows_the_pageview(tab):
    tab.open(PAGE + "gone", head=extension("404"))
    assert [hit["type"] for hit in tab.wait_for_hits(2)] == ["pageview", "event"]


# --- forms -----------------------------------------------------------------------------

FORM = '<form id="signup" action="/thanks"><input name="email"><button>Go</button></form>'
STAY = "document.addEventListener('submit', (e) => e.preventDefault());"


def test_a_form_submission_sends_its_id(tab):
    tab.open(head=extension("form"), body=FORM, before=STAY)
    tab.page.click("button")
    assert events(tab) == [("Form: Submission", {"form": "signup"})]


def test_a_form_without_an_id_sends_its_name(tab):
    body = '<form name="contact"><input name="id"><button>Go</button></form>'
    tab.open(head=extension("form"), body=body, before=STAY)
    tab.page.click("button")
    assert events(tab) == [("Form: Submission", {"form": "contact"})]


def test_a_form_added_after_load_counts(tab):
    tab.open(head=extension("form"), before=STAY)
    tab.js(f"document.body.insertAdjacentHTML('beforeend', '{FORM}')")
    tab.page.click("button")
    assert events(tab) == [("Form: Submission", {"form": "signup"})]


def test_the_form_is_still_submitted(tab, collector):
    page = collector.origin + "/"
    head = f'<script defer src="{collector.origin}/script.form.js"></script>'
    tab.open(page, script=collector.origin + "/script.js", head=head, body=FORM)
    tab.page.click("button")
    tab.page.wait_for_url(collector.origin + "/thanks?email=")
    forms = lambda: [h for h in collector.hits if h.get("name") == "Form: Submission"]  # noqa: E731
    wait_until(forms, timeout=10, message="the form's beacon")
    assert forms()[0]["props"] == {"form": "signup"}


# --- scroll depth ----------------------------------------------------------------------

TALL = '<div style="height: 4000px"></div>'


def test_the_engagement_carries_the_deepest_scroll_in_percent(tab):
    tab.freeze_clock().open(head=extension("scroll"), body=TALL)
    tab.js("scrollTo(0, document.documentElement.scrollHeight)")
    tab.page.wait_for_function("scrollY > 0")
    tab.js("dispatchEvent(new Event('scroll'))")
    tab.js("scrollTo(0, 0)")
    tab.advance(2000)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement")[0]["scroll"] == 100


def test_a_page_seen_only_at_its_top_reports_the_share_shown(tab):
    tab.freeze_clock().open(head=extension("scroll"), body=TALL)
    tab.advance(2000)
    tab.js("__setVisibility('hidden')")
    expected = tab.js("Math.round(innerHeight * 100 / document.documentElement.scrollHeight)")
    assert tab.sent_of("engagement")[0]["scroll"] == expected < 50


def test_a_short_page_is_seen_whole(tab):
    tab.freeze_clock().open(head=extension("scroll"))
    tab.advance(2000)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement")[0]["scroll"] == 100


def test_without_the_scroll_extension_the_engagement_has_no_scroll(tab):
    tab.freeze_clock().open(body=TALL)
    tab.advance(2000)
    tab.js("__setVisibility('hidden')")
    assert "scroll" not in tab.sent_of("engagement")[0]
