"""What the collector knows without asking the database: sites, salts and API keys.

API keys are known by their SHA-256 only (as they are stored), each with its
scope and whether it may write (tracking/senders.py). A new or revoked key,
or a changed role, takes effect at the next refresh.

A site comes with its allowed hostnames, its shields (common/shields.py,
compiled) and its engaged-bounce option. Each web process keeps a copy,
refreshed by one background thread every `SITE_CACHE_REFRESH_S` seconds; the
same thread saves the process's count of hits the shields dropped
(tracking/drops.py). The hot path reads the copy only, so a slow
or absent database never slows the collector, and each web process holds
one database connection for this, whatever its thread count.
"""

import datetime as dt
import logging
import os
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections

from accounts.selectors import live_api_keys, tracked_sites
from common.shields import Shields, shields_for
from tracking.drops import flush_drops
from tracking.salts import ensure_salts

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KnownSite:
    pk: int
    public_id: str
    hostnames: tuple[str, ...]
    time_zone: str
    query_params: tuple[str, ...] = ()
    account_id: int = 0
    shields: Shields = Shields()
    engaged_bounce: bool = False

    def allows_hostname(self, hostname: str) -> bool:
        """Empty list: any hostname; `*.example.com` also allows example.com's subdomains."""
        if not self.hostnames:
            return True
        hostname = hostname.lower()
        for allowed in self.hostnames:
            if allowed.startswith("*."):
                base = allowed[2:]
                if hostname == base or hostname.endswith("." + base):
                    return True
            elif hostname == allowed:
                return True
        return False


@dataclass(frozen=True, slots=True)
class KnownKey:
    """A live API key: its account, its one site (None: all the account's), whether it writes."""

    account_id: int
    site_id: int | None
    may_write: bool

    def may_send_for(self, site: KnownSite) -> bool:
        """Whether the key may send server-side events for the site (api_key_allows, write)."""
        in_scope = site.account_id == self.account_id and self.site_id in (None, site.pk)
        return self.may_write and in_scope


class DirectoryUnavailable(Exception):
    """The directory has never been loaded (the database was away at start)."""


class Directory:
    def __init__(self, refresh_s: float, *, background: bool = True) -> None:
        self.refresh_s = refresh_s
        # Tests that load the directory themselves (inside their transaction)
        # turn the background thread off.
        self.background = background
        self._sites: dict[str, KnownSite] | None = None
        self._salts: dict[dt.date, str] = {}
        self._keys: dict[str, KnownKey] = {}
        self._loaded = threading.Event()
        self._lock = threading.Lock()
        self._pid: int | None = None

    def site(self, public_id: str) -> KnownSite | None:
        self._ensure_started()
        return self._snapshot()[0].get(public_id)

    def salt(self, day: dt.date) -> str:
        self._ensure_started()
        salt = self._snapshot()[1].get(day)
        if salt is None:
            raise DirectoryUnavailable(f"no salt for {day}")
        return salt

    def key(self, key_hash: str) -> KnownKey | None:
        """The live key with this SHA-256, or None (unknown, revoked, its user gone)."""
        self._ensure_started()
        self._snapshot()
        return self._keys.get(key_hash)

    def refresh(self) -> None:
        """Load sites, salts and keys now (used by the thread, and by tests)."""
        sites = {
            s["public_id"]: KnownSite(
                pk=s["pk"],
                public_id=s["public_id"],
                hostnames=tuple(s["hostnames"]),
                time_zone=s["time_zone"],
                query_params=tuple(s["query_params"]),
                account_id=s["account_id"],
                shields=shields_for(
                    s["blocked_addresses"], s["blocked_countries"], s["blocked_paths"]
                ),
                engaged_bounce=s["engaged_bounce"],
            )
            for s in tracked_sites()
        }
        keys = {
            k["hash"]: KnownKey(k["account_id"], k["site_id"], k["may_write"])
            for k in live_api_keys()
        }
        salts = ensure_salts(today=dt.datetime.now(dt.UTC).date())
        self._sites, self._salts, self._keys = sites, salts, keys
        self._loaded.set()

    def _snapshot(self) -> tuple[dict[str, KnownSite], dict[dt.date, str]]:
        if not self._loaded.wait(timeout=settings.COLLECTOR_SEND_TIMEOUT_S):
            raise DirectoryUnavailable("sites not loaded yet")
        return self._sites or {}, self._salts

    def _ensure_started(self) -> None:
        # Started lazily and per process: a thread does not survive a fork.
        if self._pid == os.getpid() or not self.background:
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._loaded.clear()
            threading.Thread(target=self._run, name="site-directory", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                # Honours CONN_MAX_AGE and health checks. Only here: in a test's
                # transaction it would close the connection under the test.
                close_old_connections()
            except Exception:
                logger.exception("could not check the directory's database connection")
            self.tick()
            threading.Event().wait(self.refresh_s if self._loaded.is_set() else 1.0)

    def tick(self) -> None:
        """One round of the thread: reload the copy, save the shields' counts (tracking/drops.py).

        Either may fail (the database is away) without stopping the other or the thread.
        """
        try:
            self.refresh()
        except Exception:
            logger.exception("could not refresh the site directory; keeping the old copy")
        try:
            flush_drops()
        except Exception:
            logger.exception("could not save the shields' counts; keeping them for later")


directory = Directory(refresh_s=settings.SITE_CACHE_REFRESH_S)
