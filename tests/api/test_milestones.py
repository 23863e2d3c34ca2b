"""A site's milestones through the API: Fathom's names, the reports app's rules."""

import pytest

from reports.models import Milestone
from tests.api.conftest import bearer
from tests.support.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_creating_and_listing_milestones(api, owner_key, personas):
    path = f"/api/v1/sites/{personas.site.public_id}/milestones"
    made = api.post(path, {"name": "Launch <b>", "milestone_date": "2026-05-04 00:00:00"},
                    format="json", **bearer(owner_key)).json()  # fmt: skip
    assert (made["object"], made["name"], made["milestone_date"]) == (
        "milestone",
        "Launch <b>",
        "2026-05-04",
    )
    listed = api.get(path, **bearer(owner_key)).json()
    assert [m["id"] for m in listed["data"]] == [made["id"]]
    one = api.get(f"{path}/{made['id']}", **bearer(owner_key)).json()
    assert one == made


def test_deleting_a_milestone(api, owner_key, personas):
    milestone = MilestoneFactory(site=personas.site)
    path = f"/api/v1/sites/{personas.site.public_id}/milestones/{milestone.pk}"
    assert api.delete(path, **bearer(owner_key)).json()["deleted"] is True
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert api.delete(path, **bearer(owner_key)).status_code == 404


@pytest.mark.parametrize("body, parameter", [
    ({"name": "x"}, "milestone_date"), ({"milestone_date": "2026-05-04"}, "name"),
    ({"name": "x", "milestone_date": "soon"}, "milestone_date"),
    ({"name": "x", "milestone_date": "2026-05-04 12:00:00"}, "milestone_date"),
    ({"name": "x", "milestone_date": "1900-01-01"}, "milestone_date"),
    ({"name": "a\nb", "milestone_date": "2026-05-04"}, "name"),
    ({"name": "   ", "milestone_date": "2026-05-04"}, "name"),
])  # fmt: skip
def test_a_bad_milestone_is_a_400_naming_the_field(api, owner_key, personas, body, parameter):
    response = api.post(f"/api/v1/sites/{personas.site.public_id}/milestones", body,
                        format="json", **bearer(owner_key))  # fmt: skip
    assert (response.status_code, response.json()["parameter"]) == (400, parameter)
    assert not Milestone.objects.exists()


def test_an_unknown_milestone_id_is_not_found(api, owner_key, personas):
    path = f"/api/v1/sites/{personas.site.public_id}/milestones/abc"
    assert api.get(path, **bearer(owner_key)).status_code == 404


def test_changing_a_milestone(api, owner_key, personas):
    milestone = MilestoneFactory(site=personas.site)
    path = f"/api/v1/sites/{personas.site.public_id}/milestones/{milestone.pk}"
    changed = api.post(path, {"milestone_date": "2026-06-01"}, format="json",
                       **bearer(owner_key)).json()  # fmt: skip
    assert (changed["milestone_date"], changed["name"]) == ("2026-06-01", milestone.label)
    bad = api.post(path, {"name": ""}, format="json", **bearer(owner_key))
    assert (bad.status_code, bad.json()["parameter"]) == (400, "name")
    other = MilestoneFactory(site=personas.outsider_site)
    wrong = f"/api/v1/sites/{personas.site.public_id}/milestones/{other.pk}"
    assert api.post(wrong, {"name": "x"}, format="json", **bearer(owner_key)).status_code == 404


def test_a_milestone_id_of_digits_outside_ascii_is_not_found(api, owner_key, personas):
    path = f"/api/v1/sites/{personas.site.public_id}/milestones/\u00b9"
    assert api.get(path, **bearer(owner_key)).status_code == 404
