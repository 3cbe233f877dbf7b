import pytest


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_inline():
    """Background tasks run inline in tests; the worker itself has its own test."""
    from django.test import override_settings

    # A fast hasher too: every world builds a dozen users, and full-strength
    # hashing of their passwords dominated test time on two cores.
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
                           PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def world(db):
    """A small city: two districts, three communities, a user of every role, an outsider."""
    from muster.testworld import build_world

    return build_world()


@pytest.fixture
def login(client):
    """Log the test client in as a user of the world."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def lead(world):
    """The community coordinator linked to a person with a phone, so that alerts to the lead queue an SMS."""
    from muster.people.actions import PersonData, person_create

    world.coordinator.person = person_create(actor=world.admin, data=PersonData(name="社区陈", region=world.puanli,
                                                                                phone="13900000011"))
    world.coordinator.save(update_fields=["person"])
    return world.coordinator.person


@pytest.fixture
def sms_outbox():
    """Every SMS the outbox delivers during the test, as (phone, text); codes are read from here once sent."""
    from muster.notifications import channels
    from muster.notifications.tests.helpers import SmsOutbox

    box = SmsOutbox()
    old = channels.register("sms", channels.SmsChannel(backend=box))
    yield box
    channels.register("sms", old)
