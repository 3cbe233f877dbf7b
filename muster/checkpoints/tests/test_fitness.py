"""The passage register checks the person keeping it (people.fitness), never the residents passing."""


import pytest

from muster.checkpoints import actions
from muster.checkpoints.models import Passage
from muster.checkpoints.tests.helpers import data, put_on_duty
from muster.people import fitness
from muster.people.tests.fitness_helpers import contact, observe_at_home


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
