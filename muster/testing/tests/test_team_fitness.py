"""Collection-point teams ask people.fitness: nobody flagged, recalled, quarantined or under 18 joins."""

import pytest
from django.utils import translation

from muster.people import fitness
from muster.people.tests.fitness_helpers import aged, contact
from muster.testing import actions
from muster.testing.models import TeamMember
from muster.testing.tests.factories import campaign, people


def test_a_flagged_contact_may_not_join_a_team_and_the_page_says_why(world, login):
    c, point = campaign(world)
    (p,) = people(world, 1)
    contact(world, p)
    with translation.override("zh-hans"), pytest.raises(fitness.Unfit) as e:
        actions.team_add(actor=world.district_command, point=point, person=p, role=TeamMember.Role.SAMPLER)
    assert e.value.code == "unfit" and "密接标记" in str(e.value.message)
    assert not TeamMember.objects.exists()
    client = login(world.district_command)
    html = client.get(f"/testing/points/{point.pk}/team/", {"q": p.name}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "密接标记" in html
    response = client.post(f"/testing/points/{point.pk}/team/", {"person": p.pk, "role": "sampler"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422 and "密接标记" in response.content.decode()


def test_sampling_teams_take_nobody_under_18(world):
    c, point = campaign(world)
    pupil = aged(world, "初中生", 13)
    with pytest.raises(fitness.Unfit):
        actions.team_add(actor=world.district_command, point=point, person=pupil, role=TeamMember.Role.CLERK)


def test_a_member_flagged_after_joining_is_marked_on_the_team_page(world, login):
    c, point = campaign(world)
    (p,) = people(world, 1)
    actions.team_add(actor=world.district_command, point=point, person=p, role=TeamMember.Role.SAMPLER)
    contact(world, p)
    html = login(world.district_command).get(f"/testing/points/{point.pk}/team/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "密接标记" in html
