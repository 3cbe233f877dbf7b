"""Rosters ask people.fitness: nobody under observation, flagged or under age is rostered or checked in."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from muster.people import fitness
from muster.people.tests.fitness_helpers import aged, contact, observe_at_home, quarantine
from muster.rosters import actions, solving
from muster.rosters.actions import MemberData
from muster.rosters.models import Assignment, Roster


def next_monday():
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def join(world, post, person):
    actions.team_add(actor=world.coordinator, post=post, person=person, data=MemberData())
    return person


def employee(built, person):
    return next(e for e in built.inp.employees if e.id == solving.emp_id(person.pk))


def test_members_under_observation_or_under_age_are_off_on_the_affected_days(world, post, team):
    monday = next_monday()
    hotel_guest = join(world, post, aged(world, "隔离者", 40))
    # In the hotel until Wednesday of the week solved: free from Thursday.
    quarantine(world, hotel_guest, until_days=(monday - timezone.localdate()).days + 2)
    at_home = join(world, post, aged(world, "居家者", 40))
    observe_at_home(world, at_home)
    child = join(world, post, aged(world, "初中生", 13))
    built = solving.build_input(post, monday, 1)
    assert employee(built, hotel_guest).days_off == [0, 1, 2]
    assert employee(built, at_home).days_off == list(range(7))
    assert employee(built, child).days_off == list(range(7))
    assert employee(built, team[0]).days_off == []
    with translation.override("zh-hans"):
        words = solving.left_out_words(solving.left_out(built.plan))
    assert any(w.startswith("隔离者") and "在集中隔离至" in w for w in words), words
    assert any(w.startswith("初中生") and "未满18岁" in w for w in words), words


def test_solve_leaves_out_a_person_under_observation_and_the_coordinator_sees_why(world, post, team, login,
                                                                                   django_capture_on_commit_callbacks):
    flagged = join(world, post, aged(world, "密接者", 40))
    contact(world, flagged)
    child = join(world, post, aged(world, "初中生", 13))
    with django_capture_on_commit_callbacks(execute=True):
        roster = actions.roster_request(actor=world.coordinator, post=post, start=next_monday())
    roster.refresh_from_db()
    assert roster.status == Roster.Status.READY, roster.problems
    assert not Assignment.objects.filter(roster=roster, person__in=[flagged, child]).exists()
    assert {row["person"] for row in roster.left_out} == {flagged.pk, child.pk}
    page = login(world.coordinator).get(f"/rosters/roster/{roster.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "密接者" in page and "密接标记" in page


def test_a_younger_minimum_keeps_16_and_17_year_olds_off_nights_only(world, post):
    actions.post_update_rules(actor=world.coordinator, post=post, min_age=16)
    teen = join(world, post, aged(world, "高中生", 17))
    built = solving.build_input(post, next_monday(), 1)
    e = employee(built, teen)
    assert e.days_off == [] and e.night_ok is False


def test_the_minimum_age_is_a_rule_of_the_post(world, post):
    from muster.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        actions.post_update_rules(actor=world.coordinator, post=post, min_age=10)
    post.refresh_from_db()
    assert post.min_age == fitness.DEFAULT_MIN_AGE


@pytest.fixture
def on_shift(world, post, team):
    """A published shift on now (written directly, as the checkpoint tests do: no solve needed to test a check-in)."""
    now = timezone.now()
    r = Roster.objects.create(post=post, start=actions.monday_of(timezone.localdate()), status=Roster.Status.PUBLISHED)
    return Assignment.objects.create(roster=r, post=post, person=team[0], date=timezone.localdate(),
                                     starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=4))


def test_checking_in_is_refused_for_a_member_flagged_after_the_roster(world, post, on_shift):
    shift = on_shift
    world.member.person = shift.person
    world.member.save(update_fields=["person"])
    contact(world, shift.person)
    with pytest.raises(fitness.Unfit) as e:
        actions.checkin(actor=world.member, post=post)
    assert e.value.code == "unfit"
    # Nor may a coordinator enter them as a stand-in.
    with pytest.raises(fitness.Unfit):
        actions.checkin(actor=world.coordinator, post=post, person=shift.person, assignment=shift)
    assert not shift.checkins.exists()
