import base64

import pytest
from django.core.management import call_command
from django.test import override_settings

from muster.core import pii
from muster.people import rotation
from muster.people.actions import PersonData, person_create
from muster.people.models import Person

pytestmark = pytest.mark.django_db

OLD = base64.urlsafe_b64encode(b"o" * 32).decode()
NEW = base64.urlsafe_b64encode(b"n" * 32).decode()


@pytest.fixture(autouse=True)
def _fresh_keys():
    pii.reset_keys()
    yield
    pii.reset_keys()


def _keys(*keys, lookup=OLD):
    pii.reset_keys()
    return override_settings(PII_KEYS=list(keys), PII_KEY=keys[0], PII_LOOKUP_KEY=lookup)


def _people(world, n):
    from muster.testing.tests.factories import resident_id

    # The world's people were sealed under the test run's own key, which these tests do not list.
    Person.objects.update(id_cipher="")
    return [person_create(actor=world.admin, data=PersonData(name=f"轮换{i}", region=world.puanli, id_number=resident_id(i)))
            for i in range(n)]


def test_rotation_is_resumable_and_keeps_lookups(world, monkeypatch):
    from muster.testing.tests.factories import resident_id

    with _keys(OLD):
        _people(world, 7)
    with _keys(NEW, OLD):
        real = pii.rotate
        calls = {"n": 0}

        def flaky(token):
            calls["n"] += 1
            if calls["n"] == 4:  # in the second batch of three
                raise ConnectionError("database went away")
            return real(token)

        monkeypatch.setattr(pii, "rotate", flaky)
        with pytest.raises(ConnectionError):
            rotation.rotate_all(batch=3)
        monkeypatch.setattr(pii, "rotate", real)
        assert rotation.pending() == 7 - 3  # the first batch committed, the second rolled back whole
        p = rotation.rotate_all(batch=3)
        assert (p.rotated, p.unreadable) == (4, 0)
        assert rotation.pending() == 0
        # A second run has nothing to do.
        assert rotation.rotate_all(batch=3).rotated == 0
    with _keys(NEW):  # the old key retired; the look-up key stays the old secret
        for i, person in enumerate(Person.objects.filter(name__startswith="轮换").order_by("pk")):
            assert pii.decrypt(person.id_cipher) == resident_id(i)
            assert person.id_hash == pii.lookup_hash("resident", resident_id(i))


def test_the_command_reports_progress(world, capsys):
    with _keys(OLD):
        _people(world, 3)
    with _keys(NEW, OLD):
        call_command("pii_rotate", "--batch", "2")
        out = capsys.readouterr().out
        assert "2/" in out and "done: 3 re-encrypted" in out
        call_command("pii_rotate", "--check")
        assert "0 ID numbers" in capsys.readouterr().out
