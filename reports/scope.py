"""Whose eyes a dashboard is for: a member of the site's account, or a share link.

The same pages serve both; a Scope builds their links so a shared dashboard
only ever links to /share/<token>/... and never to the account's own URLs
(which would reveal the site's id and lead to a login page).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import Site
from reports.stats import StatsQuery, view_query
from reports.viewstate import ViewState


@dataclass(frozen=True, slots=True)
class Scope:
    site: Site
    shared: bool = False

    def _path(self, name: str, **kwargs: str) -> str:
        if self.shared:
            return reverse(
                f"reports:share_{name}", kwargs={"token": self.site.share_token, **kwargs}
            )
        return reverse(f"reports:{name}", kwargs={"public_id": self.site.public_id, **kwargs})

    def dashboard(self, state: ViewState | None = None) -> str:
        return self._path("dashboard") + (state.query() if state else "")

    def table(self, key: str, state: ViewState) -> str:
        return self._path("table", table=key) + state.query()

    def export(self, key: str, state: ViewState) -> str:
        return self._path("export", table=key) + state.query()

    def properties(self, state: ViewState, event: str, key: str = "") -> str:
        """An event's breakdown by property (`key`, or its most used one)."""
        wanted = [("event", event), *([("key", key)] if key else [])]
        return self._path("properties") + "?" + urlencode([*state.params(), *wanted])

    def properties_export(self, state: ViewState, event: str) -> str:
        """Every property value of an event, as CSV."""
        return (
            self._path("properties_export") + "?" + urlencode([*state.params(), ("event", event)])
        )

    def live(self) -> str:
        return self._path("live")


def stats_query(site: Site, state: ViewState) -> StatsQuery:
    """The query layer's question for this site and view (sample sized by
    reports.stats.view_query, so the dashboard, its full lists and exports agree)."""
    return view_query(
        site_id=site.pk,
        time_zone=site.time_zone,
        first_day=state.range.first_day,
        last_day=state.range.last_day,
        filters=state.filters,
        exact=state.exact,
    )
