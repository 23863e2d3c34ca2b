"""The dashboard, full lists, exports and the live count, as a member of the account sees them."""

import csv
import datetime as dt
import io
import re
from html import unescape

import pytest
from django.urls import reverse

from harness.hits import queued_hit
from reports.stats import Filter, StatsQuery, breakdown, totals
from tests.support.factories import SiteFactory
from tests.support.sample_traffic import ingest_sample
from tracking.ingest import ingest_batch

DAY = dt.date(2026, 1, 14)
ONE_DAY = {"range": "custom", "from": "2026-01-14", "to": "2026-01-14"}


@pytest.fixture
def traffic(site):
    ingest_sample(site, dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC))
    return site


def dashboard(client, site, **params):
    return client.get(reverse("reports:dashboard", args=[site.public_id]), params)


def metric(body: str, key: str) -> str:
    return re.search(rf'data-metric="{key}" data-value="([^"]*)"', body).group(1)


def rows_of(body: str, table: str) -> list[str]:
    """The values of a table's rows, in order."""
    section = body.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    return [unescape(v) for v in re.findall(r'<tr data-value="([^"]*)"', section)]


def test_site_list_needs_a_login(client, site):
    response = client.get(reverse("reports:site_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_site_list_shows_only_the_users_sites(client, owner, site):
    other = SiteFactory(name="Someone else's site")
    client.force_login(owner)
    body = client.get(reverse("reports:site_list")).content.decode()
    assert site.name in body
    assert other.name not in body


def test_dashboard_cards_show_the_query_layer_totals(client, owner, traffic):
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY).content.decode()
    expected = totals(StatsQuery(traffic.pk, "UTC", DAY, DAY))
    assert float(metric(body, "visitors")) == expected.visitors == 4
    assert float(metric(body, "visits")) == expected.visits
    assert float(metric(body, "pageviews")) == expected.pageviews == 5
    assert float(metric(body, "views_per_visit")) == pytest.approx(expected.views_per_visit)
    assert float(metric(body, "bounce_rate")) == pytest.approx(expected.bounce_rate)
    assert float(metric(body, "avg_visit_duration")) == pytest.approx(expected.avg_visit_duration)
    assert float(metric(body, "completions")) == expected.completions == 1


def test_cards_show_the_change_against_the_previous_period(client, owner, traffic):
    before = dt.datetime(2026, 1, 13, 12, 0, tzinfo=dt.UTC)
    ingest_batch([queued_hit(traffic, at=before, url="https://example.com/", ip="192.0.2.9")])
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY).content.decode()
    visitors_card = body.split('data-metric="visitors"', 1)[1].split("</div>", 1)[0]
    assert "+300%" in visitors_card  # 4 visitors against 1


def test_tables_list_values_largest_first(client, owner, traffic):
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY).content.decode()
    assert rows_of(body, "pages") == ["/", "/blog/hello", "/docs", "/pricing"]
    assert rows_of(body, "sources")[0] == ""  # direct visits: two of four
    assert set(rows_of(body, "sources")) == {"", "Google", "Hacker News", "Newsletter"}


def test_a_row_links_to_the_dashboard_filtered_by_its_value(client, owner, traffic):
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY).content.decode()
    assert "f=source%3Ais%3AGoogle" in body


def test_a_filter_narrows_every_figure(client, owner, traffic):
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY, f="source:is:Google").content.decode()
    q = StatsQuery(traffic.pk, "UTC", DAY, DAY, (Filter("source", "is", "Google"),))
    assert float(metric(body, "visitors")) == totals(q).visitors == 1
    assert float(metric(body, "pageviews")) == totals(q).pageviews == 2
    assert rows_of(body, "pages") == [r.value for r in breakdown(q, "pathname")]


def test_several_filters_combine(client, owner, traffic):
    client.force_login(owner)
    response = client.get(
        reverse("reports:dashboard", args=[traffic.public_id]),
        {**ONE_DAY, "f": ["country:is:US", "pathname:is_not:/pricing"]},
    )
    assert float(metric(response.content.decode(), "pageviews")) == 2


def test_each_filter_shows_as_a_chip_that_removes_it(client, owner, traffic):
    client.force_login(owner)
    response = client.get(
        reverse("reports:dashboard", args=[traffic.public_id]),
        {**ONE_DAY, "f": ["country:is:US", "pathname:contains:pri"]},
    )
    chips = re.findall(r'class="chip-remove" href="([^"]*)"', response.content.decode())
    assert len(chips) == 2
    assert "pathname%3Acontains%3Apri" in unescape(chips[0])
    assert "country" not in unescape(chips[0])


def test_the_add_filter_form_redirects_to_the_filters_url(client, owner, traffic):
    client.force_login(owner)
    response = dashboard(
        client, traffic, **ONE_DAY, add_dim="pathname", add_op="contains", add_value="blog"
    )
    assert response.status_code == 302
    assert "f=pathname%3Acontains%3Ablog" in response["Location"]
    assert "range=custom" in response["Location"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"f": "nonsense"}, "a filter reads dimension:op:value"),
        ({"f": "planet:is:Mars"}, "unknown dimension"),
        ({"f": "pathname:near:/"}, "unknown operator"),
        ({"range": "fortnight"}, "Unknown date range"),
        ({"range": "custom", "from": "2026-02-01", "to": "2026-01-01"}, "after its end"),
        ({"from": "yesterday", "to": "2026-01-01"}, "is not a date"),
    ],
)
def test_an_invalid_filter_or_range_gives_a_clear_message(client, owner, traffic, params, message):
    client.force_login(owner)
    response = dashboard(client, traffic, **params)
    assert response.status_code == 400
    assert message in unescape(response.content.decode())


def test_a_tab_in_the_url_chooses_the_table_of_a_panel(client, owner, traffic):
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY, sources="referrers").content.decode()
    assert 'data-table="referrers"' in body
    assert 'data-table="sources"' not in body
    assert "news.ycombinator.com/item" in rows_of(body, "referrers")


def test_entry_and_exit_pages_order_by_entries_and_exits(client, owner, traffic):
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY, pages="entry-pages").content.decode()
    assert "/pricing" not in rows_of(body, "entry-pages")[:3]
    body = dashboard(client, traffic, **ONE_DAY, pages="exit-pages").content.decode()
    assert rows_of(body, "exit-pages")[-1:] != ["/"]


def test_events_show_completions_value_and_conversion(client, owner, traffic):
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY).content.decode()
    events = body.split('data-table="events"', 1)[1].split("</table>", 1)[0]
    assert ">Signup<" in events
    assert 'data-col="value" title="9.00"' in events
    assert 'data-col="conversion_rate" title="25%"' in events  # 1 of 4 visitors


def test_the_full_list_searches_and_pages(client, owner, site):
    start = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
    ingest_batch(
        [
            queued_hit(site, at=start, url=f"https://example.com/p{i:02d}", ip=f"192.0.2.{i}")
            for i in range(60)
        ]
    )
    client.force_login(owner)
    url = reverse("reports:table", args=[site.public_id, "pages"])
    first = client.get(url, ONE_DAY).content.decode()
    assert len(rows_of(first, "pages")) == 50
    assert 'rel="next"' in first
    second = client.get(url, {**ONE_DAY, "page": "2"}).content.decode()
    assert len(rows_of(second, "pages")) == 10
    found = client.get(url, {**ONE_DAY, "q": "p1"}).content.decode()
    assert rows_of(found, "pages") == [f"/p1{i}" for i in range(10)]


def test_the_full_list_of_an_unknown_table_is_404(client, owner, site):
    client.force_login(owner)
    assert client.get(reverse("reports:table", args=[site.public_id, "nope"])).status_code == 404


def test_a_bad_page_number_shows_the_first_page_with_a_message(client, owner, traffic):
    client.force_login(owner)
    url = reverse("reports:table", args=[traffic.public_id, "pages"])
    response = client.get(url, {**ONE_DAY, "page": "x"})
    assert response.status_code == 400
    assert rows_of(response.content.decode(), "pages")[0] == "/"


def test_the_export_is_the_whole_table_as_csv(client, owner, traffic):
    client.force_login(owner)
    url = reverse("reports:export", args=[traffic.public_id, "pages"])
    response = client.get(url, ONE_DAY)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    records = list(csv.reader(io.StringIO(response.content.decode())))
    assert records[0] == ["Page", "Visitors", "Views", "Time on page (s)", "Scroll depth (%)"]
    assert [r[0] for r in records[1:]] == ["/", "/blog/hello", "/docs", "/pricing"]
    assert records[1][1:3] == ["2", "2"]
    assert records[1][4] == ""  # no page view reported a scroll depth: no figure, not 0


def test_the_export_follows_the_filters(client, owner, traffic):
    client.force_login(owner)
    url = reverse("reports:export", args=[traffic.public_id, "countries"])
    records = list(
        csv.reader(io.StringIO(client.get(url, {**ONE_DAY, "f": "country:is:DE"}).content.decode()))
    )
    assert [r[0] for r in records[1:]] == ["DE"]


def test_an_export_with_an_invalid_filter_is_a_400(client, owner, traffic):
    client.force_login(owner)
    url = reverse("reports:export", args=[traffic.public_id, "pages"])
    response = client.get(url, {"f": "planet:is:Mars"})
    assert response.status_code == 400
    assert "unknown dimension" in response.content.decode()


def test_the_live_endpoint_counts_visitors_of_the_last_five_minutes(client, owner, site):
    now = dt.datetime.now(dt.UTC)
    ingest_batch(
        [
            queued_hit(
                site, at=now - dt.timedelta(minutes=1), url="https://example.com/", ip="192.0.2.1"
            ),
            queued_hit(
                site, at=now - dt.timedelta(minutes=20), url="https://example.com/", ip="192.0.2.2"
            ),
        ]
    )
    client.force_login(owner)
    response = client.get(reverse("reports:live", args=[site.public_id]))
    assert response.json() == {"visitors": 1}
    assert response["Cache-Control"] == "no-store"


def test_a_site_without_data_shows_the_tracking_snippet(client, owner, site):
    client.force_login(owner)
    body = dashboard(client, site).content.decode()
    assert "Waiting for the first visit" in body
    assert f'data-site="{site.public_id}"' in body


def test_a_site_with_data_hides_the_snippet(client, owner, traffic):
    client.force_login(owner)
    assert "Waiting for the first visit" not in dashboard(client, traffic).content.decode()


def test_range_links_keep_the_filters(client, owner, traffic):
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY, f="country:is:US").content.decode()
    links = re.findall(r'href="([^"]*range=7d[^"]*)"', body)
    assert links and all("f=country%3Ais%3AUS" in unescape(link) for link in links)


def test_the_site_switcher_lists_only_the_users_other_sites(client, owner, site):
    mine = SiteFactory(owner=owner, name="My second site")
    theirs = SiteFactory(name="Not mine")
    client.force_login(owner)
    body = dashboard(client, site).content.decode()
    assert reverse("reports:dashboard", args=[mine.public_id]) in body
    assert theirs.name not in body


def test_pages_carry_no_inline_script_or_style(client, owner, traffic):
    """The CSP allows neither; the browser would silently drop them."""
    client.force_login(owner)
    for response in (
        dashboard(client, traffic, **ONE_DAY),
        client.get(reverse("reports:table", args=[traffic.public_id, "pages"]), ONE_DAY),
    ):
        body = response.content.decode()
        assert re.findall(r"<script(?![^>]*\ssrc=)", body) == []
        assert " style=" not in body and "<style" not in body
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_admin_is_for_staff_only(client, owner):
    client.force_login(owner)
    assert client.get("/admin/").status_code == 302
    owner.is_staff = owner.is_superuser = True
    owner.save()
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/site/").status_code == 200


def test_a_pattern_the_database_refuses_gives_a_message_not_a_500(client, owner, traffic):
    client.force_login(owner)
    response = dashboard(client, traffic, **ONE_DAY, f=r"pathname:matches:\N{LATIN SMALL LETTER A}")
    assert response.status_code == 400
    assert "was ignored" in unescape(response.content.decode())


def test_a_pattern_filter_narrows_the_dashboard(client, owner, traffic):
    client.force_login(owner)
    body = dashboard(
        client, traffic, **ONE_DAY, f="pathname:matches:^/(docs|pricing)$"
    ).content.decode()
    assert rows_of(body, "pages") == ["/docs", "/pricing"]


def test_a_filtered_view_of_a_large_range_is_estimated_and_says_so(
    client, owner, traffic, estimated
):
    client.force_login(owner)
    body = dashboard(client, traffic, f="country:is:US", **ONE_DAY).content.decode()
    notice = re.search(r'data-estimate="([^"]*)">.*?<a href="([^"]*)"', body, re.DOTALL)
    assert notice.group(1) == "33.4%"
    assert "±" in body
    assert "exact=1" in unescape(notice.group(2))


def test_the_exact_link_shows_the_exact_figures(client, owner, traffic, estimated):
    client.force_login(owner)
    body = dashboard(client, traffic, f="country:is:US", exact="1", **ONE_DAY).content.decode()
    assert "data-estimate" not in body
    expected = totals(StatsQuery(traffic.pk, "UTC", DAY, DAY, (Filter("country", "is", "US"),)))
    assert float(metric(body, "pageviews")) == expected.pageviews == 3


def test_an_unfiltered_view_is_never_estimated(client, owner, traffic, estimated):
    client.force_login(owner)
    body = dashboard(client, traffic, **ONE_DAY).content.decode()
    assert "data-estimate" not in body
    assert float(metric(body, "pageviews")) == 5


def test_the_full_list_of_an_estimated_view_says_so_too(client, owner, traffic, estimated):
    client.force_login(owner)
    url = reverse("reports:table", args=[traffic.public_id, "pages"])
    body = client.get(url, {**ONE_DAY, "f": "country:is:US", "q": "p"}).content.decode()
    assert "data-estimate" in body and "/pages/" in body
    exact_link = unescape(re.search(r'data-estimate="[^"]*">.*?<a href="([^"]*)"', body, re.S)[1])
    assert "exact=1" in exact_link and "q=p" in exact_link  # the search is kept


def test_the_full_list_of_countries_searches_their_names(client, owner, traffic):
    client.force_login(owner)
    url = reverse("reports:table", args=[traffic.public_id, "countries"])
    body = client.get(url, {**ONE_DAY, "q": "germ"}).content.decode()
    assert rows_of(body, "countries") == ["DE"]


def test_entry_pages_list_only_pages_someone_entered_on(client, owner, traffic):
    client.force_login(owner)
    url = reverse("reports:table", args=[traffic.public_id, "entry-pages"])
    body = client.get(url, ONE_DAY).content.decode()
    assert sorted(rows_of(body, "entry-pages")) == ["/", "/blog/hello", "/docs"]  # not /pricing


def test_the_pages_table_shows_the_average_scroll_depth(client, owner, site):
    page, at = "https://example.com/guide", dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
    later = at + dt.timedelta(seconds=20)
    ingest_batch([
        queued_hit(site, at=at, url=page, ip="198.51.100.1"),
        queued_hit(site, at=later, url=page, ip="198.51.100.1", type="engagement",
                   duration_ms=20_000, scroll=60),
        queued_hit(site, at=at, url=page, ip="198.51.100.2"),
        queued_hit(site, at=later, url=page, ip="198.51.100.2", type="engagement",
                   duration_ms=20_000, scroll=100),
    ])  # fmt: skip
    client.force_login(owner)
    body = dashboard(client, site, **ONE_DAY).content.decode()
    pages = body.split('data-table="pages"', 1)[1].split("</table>", 1)[0]
    assert ">Scroll depth<" in pages
    assert 'data-col="scroll_depth" title="80%"' in pages


def test_a_page_without_scroll_reports_shows_no_scroll_depth_rather_than_0(client, owner, site):
    at = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
    ingest_batch([queued_hit(site, at=at, url="https://example.com/guide", ip="198.51.100.1")])
    client.force_login(owner)
    body = dashboard(client, site, **ONE_DAY).content.decode()
    pages = body.split('data-table="pages"', 1)[1].split("</table>", 1)[0]
    assert 'data-col="scroll_depth" title="—"' in pages
    assert 'title="0%"' not in pages
