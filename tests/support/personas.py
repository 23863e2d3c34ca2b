"""The cast of every permission test (the `personas` fixture in tests/conftest.py)."""

from dataclasses import dataclass

from accounts.models import Site


@dataclass(frozen=True)
class Personas:
    """Everyone a permission test asks about, around `site` of the owner's account.

    `outsider` owns another account (with `outsider_site`); `anonymous` is
    nobody (None): a test logs in as `user(name)` unless it is None.
    """

    site: Site
    owner: object
    admin: object
    viewer: object
    outsider: object
    outsider_site: Site
    anonymous: None = None

    NAMES = ("owner", "admin", "viewer", "outsider", "anonymous")

    def user(self, name: str) -> object | None:
        return getattr(self, name)
