"""The passage register checks the person keeping it (people.fitness), never the residents passing."""

import datetime as dt

import pytest
from django.utils import timezone

from muster.checkpoints import actions
from muster.checkpoints.actions import PassageData
from muster.checkpoints.models import Passage
from muster.people import fitness
from muster.people.tests.fitness_helpers import contact, observe_at_home
from muster.rosters import actions as rosters
from muster.rosters.models import Assignment, Roster


@pytest.fixture
def post(world):
    return rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")


def put_on_duty(post, person):
    now = timezone.now()
    r = Roster.objects.create(post=post, start=rosters.monday_of(timezone.localdate()), status=Roster.Status.PUBLISHED)
    return Assignment.objects.create(roster=r, post=post, person=person, date=timezone.localdate(),
                                     starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=4))


def data(**kw):
    base = {"direction": "in", "temperature": "36.5", "health_code": "green", "pass_checked": True, "visitor_name": "快递员"}
    return PassageData(**{**base, **kw})


def test_a_member_under_observation_may_not_keep_the_register(world, post):
    put_on_duty(post, world.alice)  # rostered before the observation began
    observe_at_home(world, world.alice)
    with pytest.raises(fitness.Unfit) as e:
        actions.passage_record(actor=world.member, post=post, data=data())
    assert e.value.code == "unfit"
    assert not Passage.objects.exists()


def test_a_flagged_resident_passing_is_recorded_not_refused(world, post):
    put_on_duty(post, world.alice)
    contact(world, world.bob, actor=world.street_coordinator)
    p = actions.passage_record(actor=world.member, post=post, data=data(code="110106195312150035", visitor_name=""))
    assert p.person == world.bob
