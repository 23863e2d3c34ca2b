"""Milestones: who may write them (the permission table), what is stored, what is read."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Membership
from accounts.permissions import ALLOWED, Action
from reports.models import LABEL_MAX_LENGTH, Milestone
from reports.selectors import find_milestone, milestones_of
from reports.services import InvalidMilestone, create_milestone, delete_milestone
from tests.support.factories import MilestoneFactory
from tests.support.personas import Personas

pytestmark = pytest.mark.django_db
Role = Membership.Role
DAY = dt.date(2026, 3, 14)


def test_owners_and_admins_write_milestones_viewers_do_not():
    for action in (Action.CREATE_MILESTONE, Action.DELETE_MILESTONE):
        assert ALLOWED[action] == {Role.OWNER, Role.ADMIN}


@pytest.mark.parametrize("actor", ["owner", "admin"])
def test_members_with_edit_rights_create_a_milestone(personas, actor):
    user = personas.user(actor)
    made = create_milestone(user=user, site=personas.site, date=DAY, label=" Launch ")
    stored = Milestone.objects.get(pk=made.pk)
    assert (stored.site_id, stored.date, stored.label) == (personas.site.pk, DAY, "Launch")
    assert stored.created_by_id == user.pk
    assert stored.created_at is not None


@pytest.mark.parametrize("actor", ["viewer", "outsider"])
def test_others_may_not_create_a_milestone(personas, actor):
    with pytest.raises(PermissionDenied, match="create_milestone"):
        create_milestone(user=personas.user(actor), site=personas.site, date=DAY, label="x")
    assert not Milestone.objects.exists()


def test_anonymous_may_not_create_a_milestone(personas):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        create_milestone(user=AnonymousUser(), site=personas.site, date=DAY, label="x")


@pytest.mark.parametrize("actor", ["owner", "admin"])
def test_members_with_edit_rights_delete_a_milestone(personas, actor):
    milestone = MilestoneFactory(site=personas.site)
    assert delete_milestone(
        user=personas.user(actor), site=personas.site, milestone_id=milestone.pk
    )
    assert not Milestone.objects.exists()


@pytest.mark.parametrize("actor", ["viewer", "outsider"])
def test_others_may_not_delete_a_milestone(personas, actor):
    milestone = MilestoneFactory(site=personas.site)
    with pytest.raises(PermissionDenied, match="delete_milestone"):
        delete_milestone(user=personas.user(actor), site=personas.site, milestone_id=milestone.pk)
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_another_sites_milestone_is_not_deleted_through_this_site(personas):
    theirs = MilestoneFactory(site=personas.outsider_site)
    deleted = delete_milestone(user=personas.owner, site=personas.site, milestone_id=theirs.pk)
    assert deleted is False
    assert Milestone.objects.filter(pk=theirs.pk).exists()


def test_deleting_a_missing_milestone_says_so(personas):
    assert delete_milestone(user=personas.owner, site=personas.site, milestone_id=999) is False


@pytest.mark.parametrize(
    "label, problem",
    [
        ("", "label: must not be empty"),
        ("   ", "label: must not be empty"),
        ("x" * (LABEL_MAX_LENGTH + 1), f"label: at most {LABEL_MAX_LENGTH} characters"),
        ("two\nlines", "label: must not contain control characters"),
        ("nul\x00", "label: must not contain control characters"),
    ],
)
def test_a_bad_label_is_refused_naming_the_problem(personas, label, problem):
    with pytest.raises(InvalidMilestone, match=problem):
        create_milestone(user=personas.owner, site=personas.site, date=DAY, label=label)
    assert not Milestone.objects.exists()


def test_a_label_of_the_longest_length_is_kept_whole(personas):
    label = "é" * LABEL_MAX_LENGTH
    made = create_milestone(user=personas.owner, site=personas.site, date=DAY, label=label)
    assert Milestone.objects.get(pk=made.pk).label == label


def test_markup_in_a_label_is_stored_as_written(personas):
    label = '<script>alert("x")</script>'
    made = create_milestone(user=personas.owner, site=personas.site, date=DAY, label=label)
    assert Milestone.objects.get(pk=made.pk).label == label


@pytest.mark.parametrize(
    "date", [dt.date(1999, 12, 31), dt.date(2100, 1, 1), dt.datetime(2026, 3, 14, 12, 0)]
)
def test_a_date_outside_the_dashboards_days_is_refused(personas, date):
    with pytest.raises(InvalidMilestone, match="date: "):
        create_milestone(user=personas.owner, site=personas.site, date=date, label="x")


def test_milestones_are_read_by_date_within_the_days_asked(personas):
    late = MilestoneFactory(site=personas.site, date=dt.date(2026, 3, 20), label="late")
    early = MilestoneFactory(site=personas.site, date=dt.date(2026, 3, 1), label="early")
    MilestoneFactory(site=personas.site, date=dt.date(2026, 4, 1), label="after")
    MilestoneFactory(site=personas.outsider_site, date=dt.date(2026, 3, 5), label="theirs")
    found = milestones_of(
        site=personas.site, first_day=dt.date(2026, 3, 1), last_day=dt.date(2026, 3, 31)
    )
    assert list(found) == [early, late]


def test_milestones_of_one_day_keep_the_order_they_were_made_in(personas):
    first = MilestoneFactory(site=personas.site, date=DAY)
    second = MilestoneFactory(site=personas.site, date=DAY)
    assert list(milestones_of(site=personas.site)) == [first, second]


def test_a_milestone_is_found_only_through_its_own_site(personas):
    ours = MilestoneFactory(site=personas.site)
    theirs = MilestoneFactory(site=personas.outsider_site)
    assert find_milestone(site=personas.site, milestone_id=ours.pk) == ours
    assert find_milestone(site=personas.site, milestone_id=theirs.pk) is None


def test_a_milestone_outlives_the_member_who_made_it(personas):
    made = create_milestone(user=personas.admin, site=personas.site, date=DAY, label="x")
    personas.admin.delete()
    assert Milestone.objects.get(pk=made.pk).created_by is None


def test_deleting_a_site_deletes_its_milestones(personas):
    MilestoneFactory(site=personas.site)
    personas.site.delete()
    assert not Milestone.objects.exists()


# The dashboard's forms, for every persona: done (ok), refused (403: a member
# whose role may not write), hidden (404: not a member), or the login page.
OK, DENIED, HIDDEN, LOGIN = "ok", 403, 404, "login"
VIEW_EXPECTED = {
    #          owner admin viewer  outsider anonymous
    "create": [OK,   OK,   DENIED, HIDDEN,  LOGIN],
    "delete": [OK,   OK,   DENIED, HIDDEN,  LOGIN],
}  # fmt: skip
VIEW_CASES = [
    (action, actor, row[i])
    for action, row in VIEW_EXPECTED.items()
    for i, actor in enumerate(Personas.NAMES)
]


def post_form(client, action: str, site, milestone) -> object:
    if action == "create":
        url = reverse("reports:milestone_create", args=[site.public_id])
        return client.post(url, {"date": "2026-03-14", "label": "Launch"})
    url = reverse("reports:milestone_delete", args=[site.public_id, milestone.pk])
    return client.post(url)


@pytest.mark.parametrize("action, actor, expected", VIEW_CASES)
def test_dashboard_milestone_forms_follow_the_permission_table(
    client, personas, action, actor, expected
):
    milestone = MilestoneFactory(site=personas.site, label="Existing")
    if personas.user(actor) is not None:
        client.force_login(personas.user(actor))
    response = post_form(client, action, personas.site, milestone)
    labels = set(Milestone.objects.values_list("label", flat=True))
    if expected == OK:
        assert response.status_code == 302
        assert labels == ({"Existing", "Launch"} if action == "create" else set())
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert labels == {"Existing"}
    else:
        assert response.status_code == expected
        assert labels == {"Existing"}


def test_an_outsider_cannot_delete_a_milestone_through_their_own_site(client, personas):
    milestone = MilestoneFactory(site=personas.site)
    client.force_login(personas.outsider)
    url = reverse("reports:milestone_delete", args=[personas.outsider_site.public_id, milestone.pk])
    assert client.post(url).status_code == 404
    assert Milestone.objects.filter(pk=milestone.pk).exists()
