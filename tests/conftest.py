from pathlib import Path

import pytest
from django.db import connections
from django.db.backends.signals import connection_created

from accounts.models import Membership
from tests.support.factories import SiteFactory, UserFactory, member_of
from tests.support.personas import Personas

E2E = Path(__file__).parent / "e2e"


def _log_statements(sender, connection, **kwargs) -> None:
    """Every connection of the test run reports its statements to the SingleStore check."""
    from tests.test_singlestore import STATEMENT_LOG

    STATEMENT_LOG.install(connection)


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "singlestore_last: runs after every other test")
    connection_created.connect(_log_statements, dispatch_uid="singlestore-statement-log")
    for connection in connections.all(initialized_only=True):
        _log_statements(None, connection)


def pytest_collection_modifyitems(items) -> None:
    """The check of every statement sent runs after the tests that sent them."""
    last = [item for item in items if item.get_closest_marker("singlestore_last")]
    items[:] = [item for item in items if item not in last] + last


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Factories give every user a password; the real hasher costs ~0.3 s each.

    Not for end-to-end tests: their users log in to a separate gunicorn
    process, which only knows the production hashers.
    """
    if E2E not in Path(request.node.path).parents:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _broker():
    """The broker, set up as the web and worker entry points do (the collector sends with it)."""
    from analytics_site.broker import setup_broker

    setup_broker()


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.com")


@pytest.fixture
def site(owner):
    return SiteFactory(owner=owner, hostnames="example.com\n*.example.org")


@pytest.fixture
def staff(client):
    """A superuser, logged in to the test client (the admin's tests)."""
    user = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def personas(owner, site) -> Personas:
    """The shared cast of every permission test: owner, admin, viewer, outsider, anonymous."""
    outsider = UserFactory(email="outsider@example.com")
    return Personas(
        site=site,
        owner=owner,
        admin=member_of(site.account, Membership.Role.ADMIN, email="admin@example.com"),
        viewer=member_of(site.account, Membership.Role.VIEWER, email="viewer@example.com"),
        outsider=outsider,
        outsider_site=SiteFactory(owner=outsider, name="Theirs"),
    )


@pytest.fixture
def loaded_directory(db):
    """The collector's site directory, loaded inside the test's transaction."""
    from tracking.directory import directory

    previous = directory.background
    directory.background = False
    directory.refresh()
    yield directory
    directory.background = previous
