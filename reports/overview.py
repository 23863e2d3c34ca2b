"""The sites overview (the page after login): every site the user can see, at a glance.

One card per site, grouped by account when the user belongs to several: its
visitors today and over the last 30 days with the change against the 30
before, its current visitors and a sparkline of its last 30 days. Every
figure comes from reports.stats.site_summaries, a fixed number of queries for
any number of sites; with the user's memberships and sites that makes four
for the whole page.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils.safestring import SafeString

from accounts.models import Site
from accounts.permissions import Action, role_allows
from accounts.selectors import memberships_of, sites_visible_to
from reports.charts import sparkline
from reports.formatting import change, compact, number
from reports.scope import Scope
from reports.stats import site_summaries

SORTS = {"name": "Name", "visitors": "Visitors"}
SEARCH_ABOVE = 10  # more sites than this: a search box
MAX_SEARCH = 100


@dataclass(frozen=True, slots=True)
class SiteCard:
    name: str
    hostname: str
    href: str
    visitors_today: str
    visitors: str
    visitors_exact: str
    change: str
    trend: str  # "good", "bad" or "flat" (classes of app.css)
    live: int
    spark: SafeString
    sort_visitors: int
    has_data: bool  # any visitor in the last 60 days, or now


@dataclass(frozen=True, slots=True)
class AccountGroup:
    name: str
    cards: list[SiteCard]
    add_href: str | None  # "Add a site", for members who may


@dataclass(frozen=True, slots=True)
class SitesOverview:
    groups: list[AccountGroup]
    grouped: bool  # the user belongs to several accounts
    total: int  # sites the user can see
    shown: int  # after the search
    sort: str
    sorts: list[tuple[str, str, bool]]  # label, href, current
    search: str
    show_search: bool
    add_href: str | None  # the first account the user may add a site to

    @property
    def empty(self) -> bool:
        return self.total == 0


def build_sites_overview(
    user: AbstractBaseUser, *, sort: str = "name", search: str = "", now: dt.datetime
) -> SitesOverview:
    sort = sort if sort in SORTS else "name"
    search = search.strip()[:MAX_SEARCH]
    memberships = list(memberships_of(user=user))
    sites = list(sites_visible_to(user=user))
    summaries = site_summaries([s.pk for s in sites], {s.pk: s.time_zone for s in sites}, now)
    shown = [s for s in sites if _matches(s, search)]
    cards: dict[int, list[SiteCard]] = {}
    for site in shown:
        cards.setdefault(site.account_id, []).append(_card(site, summaries[site.pk]))
    for account_cards in cards.values():
        if sort == "visitors":
            account_cards.sort(key=lambda c: (-c.sort_visitors, c.name.casefold()))
        else:
            account_cards.sort(key=lambda c: c.name.casefold())
    groups = [
        AccountGroup(
            name=m.account.name,
            cards=cards.get(m.account_id, []),
            add_href=_add_href(m.account_id) if role_allows(m.role, Action.EDIT_SITE) else None,
        )
        for m in memberships
    ]
    keep = {"q": search} if search else {}
    return SitesOverview(
        groups=[g for g in groups if g.cards or (not search and g.add_href)] if sites else groups,
        grouped=len(memberships) > 1,
        total=len(sites),
        shown=len(shown),
        sort=sort,
        sorts=[
            (label, "?" + urlencode({**keep, "sort": key}), key == sort)
            for key, label in SORTS.items()
        ],  # fmt: skip
        search=search,
        show_search=len(sites) > SEARCH_ABOVE or bool(search),
        add_href=next((g.add_href for g in groups if g.add_href), None),
    )


def _add_href(account_id: int) -> str:
    return reverse("accounts:new_site", kwargs={"account_id": account_id})


def _matches(site: Site, search: str) -> bool:
    if not search:
        return True
    text = search.casefold()
    return text in site.name.casefold() or any(text in h for h in site.hostname_list)


def _card(site: Site, summary) -> SiteCard:
    ratio = summary.change
    trend = "flat" if ratio is None or round(ratio * 100) == 0 else ("good" if ratio > 0 else "bad")
    daily = [v for _, v in summary.daily]
    hostnames = site.hostname_list
    return SiteCard(
        name=site.name,
        hostname=hostnames[0] if hostnames else "",
        href=Scope(site).dashboard(),
        visitors_today=compact(summary.visitors_today),
        visitors=compact(summary.visitors),
        visitors_exact=number(summary.visitors),
        change=change(ratio) if summary.visitors or summary.previous_visitors else "",
        trend=trend,
        live=summary.live,
        spark=sparkline(daily, title=f"{site.name}: visitors per day, last 30 days"),
        sort_visitors=summary.visitors,
        has_data=bool(summary.visitors or summary.previous_visitors or summary.live),
    )
