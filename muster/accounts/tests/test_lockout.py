"""Password guessing is throttled: sign-in (form and /admin/) locks after a few wrong passwords."""

import pytest
from django.conf import settings
from django.test import Client

from muster.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return User.objects.create_user("guarded", password="right-horse-battery", is_staff=True, is_superuser=True)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_wrong_passwords_lock_the_sign_in_even_for_the_right_one(staff, url):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.AXES_FAILURE_LIMIT):
        guesser.post(url, {"username": "guarded", "password": f"wrong-{i}"})
        assert not _signed_in(guesser)
    r = guesser.post(url, {"username": "guarded", "password": "right-horse-battery"})
    assert not _signed_in(guesser)
    # The lock-out page (AXES_LOCKOUT_TEMPLATE) on both forms, as Too Many Requests.
    page = r.content.decode()
    assert r.status_code == 429 and 'id="locked"' in page and "锁定" in page


def test_the_owner_from_another_address_still_signs_in(staff):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.AXES_FAILURE_LIMIT + 3):
        guesser.post("/login/", {"username": "guarded", "password": f"wrong-{i}"})
    owner = Client(REMOTE_ADDR="198.51.100.7")
    owner.post("/login/", {"username": "guarded", "password": "right-horse-battery"})
    assert _signed_in(owner)


def test_a_few_mistakes_then_the_right_password_signs_in(staff):
    client = Client(REMOTE_ADDR="203.0.113.10")
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": "guarded", "password": f"wrong-{i}"})
    client.post("/login/", {"username": "guarded", "password": "right-horse-battery"})
    assert _signed_in(client)


def test_the_locked_page_says_why_in_chinese(staff):
    guesser = Client(REMOTE_ADDR="203.0.113.11")
    for i in range(settings.AXES_FAILURE_LIMIT + 1):
        r = guesser.post("/login/", {"username": "guarded", "password": f"wrong-{i}"})
    assert r.status_code == 429 and 'id="locked"' in r.content.decode()
