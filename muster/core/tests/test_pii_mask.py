"""A resident ID mask must not let the full number be rebuilt next to the birth year shown elsewhere."""

import datetime as dt

import pytest

from muster.core import pii


def _candidates(masked: str, birth_year: int) -> int:
    """Valid resident numbers that fit a mask, given the birth year shown beside it.

    Tries every date of that year and every sequence number for the hidden positions and keeps
    those that agree with every character the mask shows (check digit included).
    """
    n = 0
    day = dt.date(birth_year, 1, 1)
    while day.year == birth_year:
        for seq in range(1000):
            body = f"{masked[:6]}{day:%Y%m%d}{seq:03d}"
            number = body + pii.resident_check_digit(body)
            if all(m in ("*", c) for m, c in zip(masked, number, strict=True)):
                n += 1
        day += dt.timedelta(days=1)
    return n


def test_resident_mask_hides_the_birth_date_and_the_sequence():
    number = "110107198603151016"
    masked = pii.mask(number)
    assert masked == "110107***********6"
    # Nothing of the birth date (19860315) or the sequence (101) is left.
    assert "0315" not in masked and "101" not in masked[6:]


def test_region_year_and_mask_leave_tens_of_thousands_of_candidates():
    # The old mask 110107********1016 left ~34 candidates with the birth year known.
    masked = pii.mask("110107198603151016")
    n = _candidates(masked, 1986)
    assert n > 30_000, n


@pytest.mark.django_db
def test_migration_remasks_stored_values():
    import importlib

    from django.apps import apps as global_apps
    from django.db import connection

    from muster.people.models import Person
    from muster.testworld import build_world

    world = build_world()
    Person.objects.filter(pk=world.alice.pk).update(id_masked="110105********002X")
    Person.objects.filter(pk=world.bob.pk).update(id_type="passport", id_masked="E1*****78")
    migration = importlib.import_module("muster.people.migrations.0005_remask_resident_ids")

    class Editor:
        """The one attribute of a schema editor the data migration reads."""

        def __init__(self, connection):
            self.connection = connection

    editor = Editor(connection)
    migration.remask(global_apps, editor)
    assert Person.objects.get(pk=world.alice.pk).id_masked == "110105***********X"
    assert Person.objects.get(pk=world.bob.pk).id_masked == "E1*****78"
