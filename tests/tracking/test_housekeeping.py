import datetime as dt

from tracking.housekeeping import purge_expired_visitor_state
from tracking.models import VisitorState

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_expired_visitor_state_is_deleted_and_live_state_kept(db):
    VisitorState.objects.create(site_id=1, visitor="old", expires=NOW - dt.timedelta(seconds=1))
    VisitorState.objects.create(site_id=1, visitor="live", expires=NOW + dt.timedelta(hours=1))

    assert purge_expired_visitor_state(now=NOW) == 1
    assert list(VisitorState.objects.values_list("visitor", flat=True)) == ["live"]
