"""The rosters API refuses odd input with a field error and never tells a member about people they may not see."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from muster.rosters.models import Assignment, Post, Roster, SwapRequest
from muster.rosters.tests.conftest import make_team


@pytest.fixture
def published(world, post):
    """Two teammates with one published shift each tomorrow (written directly: the solver is not under test here)."""
    a, b = make_team(world, post, n=2)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    roster = Roster.objects.create(post=post, start=tomorrow - dt.timedelta(days=tomorrow.weekday()),
                                   status=Roster.Status.PUBLISHED, published_at=timezone.now())
    at = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(8)))
    for person in (a, b):
        Assignment.objects.create(roster=roster, post=post, person=person, date=tomorrow, starts_at=at,
                                  ends_at=at + dt.timedelta(hours=4))
    return roster


@pytest.mark.parametrize("field", ["fair_nights", "fair_weekends", "keep_pairs", "change_weight", "solve_seconds",
                                   "fever_threshold"])
def test_null_for_a_rule_that_cannot_be_switched_off_is_a_field_error(world, login, post, field):
    c = login(world.coordinator)
    r = c.patch(f"/api/v1/rosters/posts/{post.pk}/rules", json.dumps({field: None}), content_type="application/json")
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["field"] == field
    assert Post.objects.get(pk=post.pk).solve_seconds == post.solve_seconds


def test_null_switches_an_optional_limit_off(world, login, post):
    c = login(world.coordinator)
    c.patch(f"/api/v1/rosters/posts/{post.pk}/rules", json.dumps({"max_hours_day": 10}), content_type="application/json")
    r = c.patch(f"/api/v1/rosters/posts/{post.pk}/rules", json.dumps({"max_hours_day": None}), content_type="application/json")
    assert r.status_code == 200 and r.json()["rules"]["max_hours_day"] is None


def test_a_cover_request_naming_someone_outside_the_team_does_not_echo_their_name(world, login, post, published):
    shift = Assignment.objects.filter(roster=published, starts_at__gt=timezone.now()).first()
    world.member.person = shift.person
    world.member.save(update_fields=["person"])
    c = login(world.member)
    answers = []
    for other in (world.carol.pk, world.bob.pk, 10**9):
        r = c.post("/api/v1/rosters/swaps", json.dumps({"assignment": shift.pk, "kind": "cover", "other": other}),
                   content_type="application/json")
        assert r.status_code == 422, r.content
        text = r.content.decode()
        assert world.carol.name not in text and world.bob.name not in text
        answers.append(r.json())
    # someone elsewhere, someone next door and nobody at all get the same answer
    assert answers[0] == answers[1] == answers[2]
    assert not SwapRequest.objects.exists()


def test_a_swap_for_another_posts_shift_is_refused_alike(world, login, post, published):
    shift = Assignment.objects.filter(roster=published, starts_at__gt=timezone.now()).first()
    mate = Assignment.objects.filter(roster=published, starts_at__gt=timezone.now()).exclude(person=shift.person).first()
    world.member.person = shift.person
    world.member.save(update_fields=["person"])
    c = login(world.member)
    r = c.post("/api/v1/rosters/swaps", json.dumps({"assignment": shift.pk, "kind": "swap", "other": mate.person_id,
                                                   "other_assignment": 10**9}), content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "other_assignment"
