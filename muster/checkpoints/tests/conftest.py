import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The world creates a dozen users; PBKDF2 on a busy 2-core machine makes that take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
