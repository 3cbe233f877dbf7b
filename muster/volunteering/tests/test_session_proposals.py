"""A session's open places feed the needs dispatch engine: the organiser gets registered volunteers proposed (near,
qualified, free, of age) and signs one up with one click; places are never over-filled and a retry changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from muster.core.errors import Conflict, Forbidden
from muster.core.models import AuditEvent
from muster.notifications.models import Notification
from muster.volunteering import actions, proposals
from muster.volunteering.audits import Audit
from muster.volunteering.models import Signup
from muster.volunteering.tests.helpers import project, volunteer

pytestmark = pytest.mark.django_db


def _names(items):
    return sorted(i.person.name for i in items)


def test_proposals_are_the_free_qualified_volunteers_of_age_the_organiser_may_see(world):
    p, s = project(world, places=3, min_age=18)
    ok = volunteer(world, name="合格者")
    volunteer(world, name="未成年", age=16, guardian=True)  # below the project's 18
    volunteer(world, name="邻社区", region=world.neighbour)  # not the organiser's to see
    on_it = volunteer(world, name="已报名")
    actions.signup_create(actor=on_it, session=s)
    busy = volunteer(world, name="时间冲突")
    _p2, s2 = project(world, title="另一个项目", places=1)  # the same morning
    actions.signup_create(actor=busy, session=s2)
    items, left = proposals.proposals_for(world.coordinator, s)
    assert _names(items) == [ok.person.name] and left == []
    assert items[0].m < 1000 and "m" in items[0].reason
    assert proposals.proposals_for(world.outsider, s) == ([], [])


def test_a_minor_with_guardian_consent_is_proposed_when_the_project_admits_minors(world):
    _p, s = project(world, places=2, min_age=16)
    volunteer(world, name="少年", age=16, guardian=True)
    items, _ = proposals.proposals_for(world.coordinator, s)
    assert _names(items) == ["少年"]


def test_skills_the_project_requires_are_required(world):
    _p, s = project(world, places=2, skills=("first_aid",))
    volunteer(world, name="会急救")
    volunteer(world, name="不会急救", skills=())
    items, _ = proposals.proposals_for(world.coordinator, s)
    assert _names(items) == ["会急救"]


def test_one_click_signs_the_volunteer_up_and_tells_them(world, client):
    p, s = project(world, places=1)
    a, b = volunteer(world, name="甲"), volunteer(world, name="乙")
    client.force_login(world.coordinator)
    page = client.get(reverse("volunteering:session_proposals", args=[s.pk])).content.decode()
    assert "甲" in page and "乙" in page
    r = client.post(reverse("volunteering:session_invite", args=[s.pk]), {"person": a.person_id})
    assert r.status_code == 302
    row = Signup.objects.get(session=s, person=a.person)
    assert row.status == Signup.Status.CONFIRMED
    s.refresh_from_db()
    assert s.taken == 1
    assert Notification.objects.filter(person=a.person, event="volunteering.invited").exists()
    assert AuditEvent.objects.filter(action=Audit.SESSION_INVITE).count() == 1
    # The session is now full: the next click is refused and nothing changes; nobody is proposed any more.
    with pytest.raises(Conflict) as e:
        actions.session_invite(actor=world.coordinator, session=s, person=b.person)
    assert e.value.code == "full"
    assert proposals.proposals_for(world.coordinator, s) == ([], [])
    s.refresh_from_db()
    assert (s.taken, Signup.objects.filter(session=s).count()) == (1, 1)


def test_a_repeated_click_is_a_duplicate_and_an_outsider_may_not_sign_people_up(world):
    _p, s = project(world, places=3)
    a = volunteer(world)
    actions.session_invite(actor=world.coordinator, session=s, person=a.person)
    with pytest.raises(Conflict) as e:
        actions.session_invite(actor=world.coordinator, session=s, person=a.person)
    assert e.value.code == "duplicate"
    with pytest.raises(Forbidden):
        actions.session_invite(actor=world.outsider, session=s, person=volunteer(world).person)
    s.refresh_from_db()
    assert s.taken == 1


def test_age_is_judged_on_the_session_s_day_at_night_too(world):
    _p, s = project(world, places=2, min_age=16)
    s.starts_at = s.starts_at.replace(hour=14) + dt.timedelta(hours=8)  # 22:00 local after the helper's 09:00 → night
    s.ends_at = s.starts_at + dt.timedelta(hours=3)
    s.save(update_fields=["starts_at", "ends_at"])
    volunteer(world, name="少年", age=16, guardian=True)
    items, _ = proposals.proposals_for(world.coordinator, s)
    assert items == []
    with pytest.raises(Conflict):
        actions.session_invite(actor=world.coordinator, session=s, person=proposals.volunteer_person(
            world.coordinator, Signup._meta.get_field("person").related_model.objects.get(name="少年").pk))
