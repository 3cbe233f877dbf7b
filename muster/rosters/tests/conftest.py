import datetime as dt

import pytest

from muster.people.actions import PersonData, person_create
from muster.rosters import actions
from muster.rosters.actions import BandData, MemberData

T = dt.time


def tent_bands(required=2, patrol=True):
    """The tent post's book: four bands round the clock and a night patrol, every day."""
    bands = []
    for wd in range(7):
        for a, z in ((T(6, 30), T(11, 30)), (T(11, 30), T(17, 30)), (T(17, 30), T(1, 0)), (T(1, 0), T(6, 30))):
            bands.append(BandData(weekday=wd, start=a, end=z, required=required))
        if patrol:
            bands.append(BandData(weekday=wd, start=T(22, 0), end=T(6, 0), required=1, line="patrol"))
    return bands


def make_team(world, post, n=16, ages=None):
    people = []
    ages = ages or [55 + (i * 3) % 20 for i in range(n)]
    for i in range(n):
        p = person_create(actor=world.admin, data=PersonData(name=f"队员{i:02d}", region=world.puanli, birth_year=2026 - ages[i]))
        actions.team_add(actor=world.coordinator, post=post, person=p, data=MemberData())
        people.append(p)
    return people


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The world creates a dozen users; PBKDF2 on a busy 2-core machine makes that take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def post(world):
    p = actions.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷", solve_seconds=5)
    actions.cover_set(actor=world.coordinator, post=p, bands=tent_bands())
    return p


@pytest.fixture
def team(world, post):
    return make_team(world, post)
