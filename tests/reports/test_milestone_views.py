"""Milestones on the dashboard: the form, its answers, the marks and the list, shared pages too."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import set_sharing
from reports.models import Milestone
from tests.support.factories import MilestoneFactory
from tests.support.sample_traffic import ingest_sample

pytestmark = pytest.mark.django_db
MARCH = {"range": "custom", "from": "2026-03-01", "to": "2026-03-31"}
MARCH_QUERY = "?range=custom&from=2026-03-01&to=2026-03-31"


def create_url(site, query: str = MARCH_QUERY) -> str:
    return reverse("reports:milestone_create", args=[site.public_id]) + query


def dashboard(client, site, params=MARCH):
    return client.get(reverse("reports:dashboard", args=[site.public_id]), params)


def marks(html: str) -> list[str]:
    """The accessible names of the chart's milestone marks, as written in the page."""
    return re.findall(r'<a class="milestone-mark" href="#[^"]+" aria-label="([^"]*)"', html)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_a_new_milestone_leads_back_to_the_same_range_at_the_list(owner_client, site):
    response = owner_client.post(create_url(site), {"date": "2026-03-14", "label": "Launch"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("reports:dashboard", args=[site.public_id]) + MARCH_QUERY + "#milestones"
    )
    assert Milestone.objects.get().date == dt.date(2026, 3, 14)


@pytest.mark.parametrize(
    "data, problem",
    [
        ({"label": "Launch"}, "date: is required"),
        ({"date": "14/03/2026", "label": "Launch"}, "date: must be a day written YYYY-MM-DD"),
        ({"date": "2026-02-30", "label": "Launch"}, "date: must be a day written YYYY-MM-DD"),
        ({"date": "20260314", "label": "Launch"}, "date: must be a day written YYYY-MM-DD"),
        ({"date": "1999-12-31", "label": "Launch"}, "date: must be between 2000-01-01"),
        ({"date": "2026-03-14"}, "label: must not be empty"),
        ({"date": "2026-03-14", "label": "x" * 101}, "label: at most 100 characters"),
    ],
)
def test_bad_input_answers_400_naming_the_problem(owner_client, site, data, problem):
    response = owner_client.post(create_url(site), data)
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not Milestone.objects.exists()


def test_a_refused_form_keeps_what_was_typed_escaped(owner_client, site):
    response = owner_client.post(create_url(site), {"date": "", "label": '"><b>x</b>'})
    html = response.content.decode()
    assert 'value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"' in html
    assert "<b>x</b>" not in html


def test_the_form_needs_its_csrf_token(owner, site):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(create_url(site), {"date": "2026-03-14", "label": "Launch"})
    assert response.status_code == 403
    assert not Milestone.objects.exists()


def test_the_form_carries_a_csrf_token(owner_client, site):
    html = dashboard(owner_client, site).content.decode()
    form = html[html.index('class="milestone-form"') :]
    assert 'name="csrfmiddlewaretoken"' in form[: form.index("</form>")]


def test_the_forms_answer_only_posts(owner_client, site):
    assert owner_client.get(create_url(site)).status_code == 405


def test_deleting_a_missing_milestone_is_a_404(owner_client, site):
    url = reverse("reports:milestone_delete", args=[site.public_id, 12345])
    assert owner_client.post(url).status_code == 404


def test_the_chart_marks_each_milestone_with_its_date_and_label(owner_client, site):
    MilestoneFactory(site=site, date=dt.date(2026, 3, 14), label="Launch")
    html = dashboard(owner_client, site).content.decode()
    assert marks(html) == ["Milestone: Sat 14 Mar 2026, Launch"]
    assert html.count('<line class="milestone" x1="135" x2="135"') == 1  # the 14th column


def test_milestones_of_one_column_share_one_mark(owner_client, site):
    MilestoneFactory(site=site, date=dt.date(2026, 3, 2), label="One")
    MilestoneFactory(site=site, date=dt.date(2026, 3, 5), label="Two")
    html = dashboard(owner_client, site, {"range": "12mo"}).content.decode()
    # Twelve months have a bar per month: both days fall in March's.
    assert "Milestones: Mon 2 Mar 2026, One; Thu 5 Mar 2026, Two" in marks(html)


def test_a_mark_leads_to_its_entry_in_the_visible_list(owner_client, site):
    milestone = MilestoneFactory(site=site, date=dt.date(2026, 3, 14), label="Launch")
    html = dashboard(owner_client, site).content.decode()
    assert f'href="#milestone-{milestone.pk}"' in html
    entry = re.search(rf'<li id="milestone-{milestone.pk}"[^>]*>(.*?)</li>', html, re.S)
    assert '<time datetime="2026-03-14">Sat 14 Mar 2026</time>' in entry.group(1)
    assert "Launch" in entry.group(1)


def test_milestones_outside_the_range_are_not_drawn(owner_client, site):
    MilestoneFactory(site=site, date=dt.date(2026, 4, 1), label="April")
    html = dashboard(owner_client, site).content.decode()
    assert marks(html) == []
    assert "April" not in html
    assert "No milestones in this range." in html


def test_labels_are_escaped_in_the_mark_the_chart_and_the_list(owner_client, site):
    MilestoneFactory(site=site, date=dt.date(2026, 3, 14), label='<img src=x onerror="alert(1)">')
    html = dashboard(owner_client, site).content.decode()
    assert "<img src=x" not in html
    assert marks(html) == [
        "Milestone: Sat 14 Mar 2026, &lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    ]
    assert html.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") >= 3


def test_viewers_see_milestones_but_no_forms(client, personas):
    MilestoneFactory(site=personas.site, date=dt.date(2026, 3, 14), label="Launch")
    client.force_login(personas.viewer)
    html = dashboard(client, personas.site).content.decode()
    assert marks(html) == ["Milestone: Sat 14 Mar 2026, Launch"]
    assert "milestone-form" not in html
    assert "Delete milestone" not in html


def test_a_share_page_draws_the_milestones_without_forms(client, site):
    ingest_sample(site, dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC))
    shared = set_sharing(site=site, enabled=True)
    MilestoneFactory(site=site, date=dt.date(2026, 3, 14), label="Launch")
    response = client.get(reverse("reports:share_dashboard", args=[shared.share_token]), MARCH)
    html = response.content.decode()
    assert response.status_code == 200
    assert marks(html) == ["Milestone: Sat 14 Mar 2026, Launch"]
    assert 'id="milestones"' in html
    assert "milestone-form" not in html
    assert "Delete milestone" not in html
    assert site.public_id not in html.split("<body", 1)[1].replace(shared.share_token, "")


def test_an_hourly_chart_marks_the_first_hour_of_the_day(owner_client, site):
    MilestoneFactory(site=site, date=dt.date(2026, 3, 15), label="Sunday")
    params = {"range": "custom", "from": "2026-03-14", "to": "2026-03-15"}
    html = dashboard(owner_client, site, params).content.decode()
    assert marks(html) == ["Milestone: Sun 15 Mar 2026, Sunday"]
    assert '<line class="milestone" x1="245" x2="245"' in html  # column 24: 00:00 on the 15th
