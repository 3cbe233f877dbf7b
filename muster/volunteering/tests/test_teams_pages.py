"""The pages: a volunteer's teams (join an open team, answer an invitation), a team's requests (approve, refuse,
invite), accident insurance (own and a volunteer's), and the leader's attendance page marking who lacks cover."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from muster.volunteering import actions
from muster.volunteering.models import Insurance, Membership, Session, Team
from muster.volunteering.tests.helpers import project, volunteer

pytestmark = pytest.mark.django_db


def test_join_an_open_team_and_answer_an_invitation_on_the_page(client, world):
    open_team = actions.team_create(actor=world.coordinator, name="开放队", region=world.puanli,
                                    join_mode=Team.JoinMode.OPEN)
    closed = actions.team_create(actor=world.coordinator, name="邀请队", region=world.puanli,
                                 join_mode=Team.JoinMode.INVITATION)
    user = volunteer(world)
    client.force_login(user)
    page = client.get("/volunteering/teams/", {"q": "队"})
    assert page.status_code == 200 and f"team-{open_team.pk}" in page.content.decode()
    assert "只通过邀请" in page.content.decode()
    client.post(f"/volunteering/teams/{open_team.pk}/join/")
    assert Membership.objects.get(team=open_team, person=user.person).status == Membership.Status.ACTIVE
    r = client.post(f"/volunteering/teams/{closed.pk}/join/", follow=True)
    assert "只通过邀请" in r.content.decode() and not Membership.objects.filter(team=closed).exists()
    inv = actions.team_invite(actor=world.coordinator, team=closed, person=user.person)
    client.post(f"/volunteering/teams/m/{inv.pk}/", {"do": "accept"})
    inv.refresh_from_db()
    assert inv.status == Membership.Status.ACTIVE
    # Another's row is not found.
    other = volunteer(world)
    client.force_login(other)
    assert client.post(f"/volunteering/teams/m/{inv.pk}/", {"do": "leave"}).status_code == 404


def test_the_team_requests_page_approves_refuses_and_invites(client, world):
    team = actions.team_create(actor=world.coordinator, name="审核队", region=world.puanli,
                               join_mode=Team.JoinMode.APPROVAL)
    a, b, c = volunteer(world), volunteer(world), volunteer(world)
    ra, rb = actions.team_join(actor=a, team=team), actions.team_join(actor=b, team=team)
    client.force_login(world.outsider)
    assert client.get(f"/volunteering/manage/teams/{team.pk}/requests/").status_code == 404
    client.force_login(world.coordinator)
    url = f"/volunteering/manage/teams/{team.pk}/requests/"
    assert client.get(url).status_code == 200
    client.post(url, {"membership": ra.pk, "approve": "1"})
    client.post(url, {"membership": rb.pk, "approve": "0", "refuse-reason": "人数已满"})
    ra.refresh_from_db()
    rb.refresh_from_db()
    assert (ra.status, rb.status, rb.reason) == (Membership.Status.ACTIVE, Membership.Status.REFUSED, "人数已满")
    r = client.post(url, {"invite-phone": c.person.phone})
    assert r.status_code == 302 and Membership.objects.get(team=team, person=c.person).status == Membership.Status.INVITED
    r = client.post(url, {"invite-phone": c.person.phone})
    assert r.status_code == 200 and "已邀请过该志愿者" in r.content.decode()


def test_insurance_pages_and_the_leaders_page_shows_who_lacks_cover(client, world):
    p, s = project(world, places=3, hours=4, insurance_required=True)
    user, other = volunteer(world), volunteer(world)
    actions.signup_create(actor=user, session=s)
    actions.signup_create(actor=other, session=s)
    now = timezone.now().replace(microsecond=0)
    Session.objects.filter(pk=s.pk).update(starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=3))
    today = timezone.localdate()
    client.force_login(user)
    # From yesterday: the session began an hour ago, which may still be yesterday just after midnight.
    r = client.post("/volunteering/insurance/", {"insurer": "平安", "policy_number": "P1",
                                                 "valid_from": (today - dt.timedelta(days=1)).isoformat(),
                                                 "valid_until": today.isoformat()})
    assert r.status_code == 302 and Insurance.objects.filter(person=user.person).exists()
    r = client.post("/volunteering/insurance/", {"insurer": "平安", "policy_number": "P2", "valid_from": today.isoformat(),
                                                 "valid_until": (today - dt.timedelta(days=2)).isoformat()})
    assert r.status_code == 200 and "截止日期不能早于起始日期" in r.content.decode()
    client.force_login(world.coordinator)
    page = client.get(f"/volunteering/manage/s/{s.pk}/attendance/").content.decode()
    assert page.count("未投意外险") == 1 and f"/volunteering/manage/volunteers/{other.person_id}/insurance/" in page
    assert "1名志愿者没有覆盖当天的保单" in page
    client.post(f"/volunteering/manage/volunteers/{other.person_id}/insurance/",
                {"insurer": "人保", "policy_number": "R1", "valid_from": (today - dt.timedelta(days=1)).isoformat(),
                 "valid_until": today.isoformat()})
    page = client.get(f"/volunteering/manage/s/{s.pk}/attendance/").content.decode()
    assert "未投意外险" not in page
    client.force_login(world.outsider)
    assert client.get(f"/volunteering/manage/volunteers/{other.person_id}/insurance/").status_code == 404
