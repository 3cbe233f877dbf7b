"""Opening a case by document number tells nothing about people outside the user's region.

Somebody elsewhere gets the same answer as nobody at all, whether or not they are under
observation there, and no case or single-tube flag is written for them. Command may open
cases for anyone in the city.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone

from muster.geo.models import Site
from muster.quarantine import actions
from muster.quarantine.models import Case
from muster.testing.models import SingleTubeFlag


@pytest.fixture
def hotel(world):
    return Site.objects.create(region=world.puanli, kind=Site.Kind.HOTEL, name="丰台隔离酒店")


@pytest.fixture
def other_hotel(world):
    return Site.objects.create(region=world.neighbour, kind=Site.Kind.HOTEL, name="邻社区隔离点")


def _open(c, hotel, id_number, id_type="resident"):
    today = timezone.localdate()
    return c.post("/api/v1/quarantine/cases", json.dumps({
        "id_type": id_type, "id_number": id_number, "site": hotel.pk, "start": today.isoformat(),
        "planned_end": (today + dt.timedelta(days=14)).isoformat()}), content_type="application/json")


def test_someone_elsewhere_gets_the_answer_for_nobody(world, login, hotel, other_hotel):
    # Bob lives next door and is already under observation there.
    today = timezone.localdate()
    actions.case_open(actor=world.outsider, data=actions.CaseData(person=world.bob, site=other_hotel, start=today,
                                                                  planned_end=today + dt.timedelta(days=14)))
    c = login(world.coordinator)
    observed = _open(c, hotel, "110106195312150035")          # Bob, under observation next door
    unknown = _open(c, hotel, "110106195312150019")           # valid number, nobody
    elsewhere = _open(c, hotel, "E12345678", id_type="passport")  # Carol, another district, not observed
    assert observed.status_code == unknown.status_code == elsewhere.status_code == 404
    assert observed.json() == unknown.json() == elsewhere.json()
    assert not Case.objects.filter(person=world.carol).exists()
    assert not SingleTubeFlag.objects.filter(person=world.carol).exists()
    assert Case.objects.filter(person=world.bob).count() == 1


def test_the_page_answers_alike(world, login, hotel):
    c = login(world.coordinator)
    today = timezone.localdate()
    form = {"id_type": "passport", "id_number": "E12345678", "site": hotel.pk, "start": today.isoformat(),
            "planned_end": (today + dt.timedelta(days=14)).isoformat(), "required_tests": 2}
    page = c.post("/quarantine/new/", form).content.decode()
    nobody = c.post("/quarantine/new/", {**form, "id_number": "E99999999"}).content.decode()
    assert "已经" not in page and "already" not in page
    assert not Case.objects.filter(person=world.carol).exists()
    assert ("registry" in page) == ("registry" in nobody)


def test_the_action_refuses_a_person_outside_the_region(world, hotel):
    from muster.core.errors import NotFound

    today = timezone.localdate()
    with pytest.raises(NotFound):
        actions.case_open(actor=world.coordinator, data=actions.CaseData(person=world.carol, site=hotel, start=today,
                                                                         planned_end=today + dt.timedelta(days=14)))


def test_command_opens_a_case_for_anyone_in_the_city(world, login, hotel):
    r = _open(login(world.command), hotel, "E12345678", id_type="passport")
    assert r.status_code == 201, r.content
    assert Case.objects.filter(person=world.carol).exists()


def test_a_coordinator_opens_a_case_for_their_own_resident(world, login, hotel):
    r = _open(login(world.coordinator), hotel, "11010519491231002X")
    assert r.status_code == 201, r.content

