import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The world creates a dozen users; PBKDF2 at full strength makes that seconds each on a shared CPU."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
