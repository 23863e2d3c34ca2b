import pytest

from tests.support.factories import SiteFactory, UserFactory


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.com")


@pytest.fixture
def site(owner):
    return SiteFactory(owner=owner, hostnames="example.com\n*.example.org")


@pytest.fixture
def loaded_directory(db):
    """The collector's site directory, loaded inside the test's transaction."""
    from tracking.directory import directory

    previous = directory.background
    directory.background = False
    directory.refresh()
    yield directory
    directory.background = previous
