"""Links that the apps after accounts add to each account on the settings page.

accounts/home.html lists, for every account of the user, the links the
member's role allows. accounts links its own pages in the template; other
apps (billing: "Plan and usage", "Invoices") register theirs in their
AppConfig.ready(), so accounts never names their URLs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from accounts.models import Account
from accounts.permissions import Action, role_allows


@dataclass(frozen=True, slots=True)
class AccountLink:
    label: str
    url_name: str  # reversed with the account's id
    action: Action  # what the member's role must allow
    shown: Callable[[], bool] | None = None  # asked at each rendering (a setting may turn it off)


_links: list[AccountLink] = []


def register_account_link(
    *, label: str, url_name: str, action: Action, shown: Callable[[], bool] | None = None
) -> None:
    """Add a link (in the order of registration); registering it again changes nothing.

    `shown`, if given, is called whenever the links are listed: False hides the link.
    """
    link = AccountLink(label=label, url_name=url_name, action=action, shown=shown)
    if link not in _links:
        _links.append(link)


def account_links(*, account: Account, role: str) -> list[tuple[str, str]]:
    """(label, url) of every registered link that `role` may follow, for `account`."""
    return [
        (link.label, reverse(link.url_name, args=[account.pk]))
        for link in _links
        if role_allows(role, link.action) and (link.shown is None or link.shown())
    ]
