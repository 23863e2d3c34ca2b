"""Whose eyes a dashboard is for: a member of the site's account, or a share link.

The same pages serve both; a Scope builds their links so a shared dashboard
only ever links to /share/<token>/... and never to the account's own URLs
(which would reveal the site's id and lead to a login page).
"""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from accounts.models import Site
from reports.queries import StatsQuery
from reports.sampling import EXACT, choose_sample, range_hits
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

    def live(self) -> str:
        return self._path("live")


def stats_query(site: Site, state: ViewState) -> StatsQuery:
    """The query layer's question for this site and view.

    A filtered view of a large range reads a sample of visitors unless the
    URL asks for exact figures. The sample is sized for the days the
    dashboard reads (the range and the previous period, for comparisons), and
    its full lists and exports read the same one, so their figures agree.
    """
    first_day, last_day = state.range.first_day, state.range.last_day
    read_from = first_day - dt.timedelta(days=state.range.days)
    hits, everything = range_hits(site_id=site.pk, first_day=read_from, last_day=last_day)
    sample = EXACT
    if state.filters and not state.exact:
        sample = choose_sample(hits, everything)
    return StatsQuery(
        site_id=site.pk,
        time_zone=site.time_zone,
        first_day=first_day,
        last_day=last_day,
        filters=state.filters,
        sample=sample,
        hits=hits,
    )
