import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users made by factories get a password; the real hasher costs ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
