"""Duty log: a stand-in serves from when they are put on duty, and can then scan the post's QR; past shifts are not 'coming'."""

import datetime as dt

from django.utils import timezone

from muster.accounts.models import Role
from muster.people.actions import PersonData, person_create
from muster.rosters import actions
from muster.rosters.models import Assignment, CheckIn, Roster
from muster.testworld import make_user


def _on_now(world, started_minutes_ago=60, hours=4):
    post = actions.post_create(actor=world.coordinator, site=world.gate, name="北门", solve_seconds=5)
    stand_in = person_create(actor=world.admin, data=PersonData(name="孙替班", region=world.puanli, birth_year=1980))
    for p in (world.alice, stand_in):
        actions.team_add(actor=world.coordinator, post=post, person=p)
    now = timezone.now()
    r = Roster.objects.create(post=post, start=actions.monday_of(timezone.localdate()), status=Roster.Status.PUBLISHED)
    a = Assignment.objects.create(roster=r, post=post, person=world.alice, date=timezone.localdate(),
                                  starts_at=now - dt.timedelta(minutes=started_minutes_ago),
                                  ends_at=now + dt.timedelta(hours=hours) - dt.timedelta(minutes=started_minutes_ago))
    return post, a, stand_in


def test_a_stand_in_is_credited_from_when_they_came_and_may_scan_the_qr(world, login):
    post, a, stand_in = _on_now(world)
    first = actions.checkin(actor=world.member, post=post)  # the rostered person checks in (member is linked to alice)
    assert first.minutes == 240
    CheckIn.objects.filter(pk=first.pk).update(at=a.starts_at)  # on time, an hour ago
    c = actions.checkin(actor=world.coordinator, post=post, person=stand_in, assignment=a)
    assert c.method == CheckIn.Method.COORDINATOR and 175 <= c.minutes <= 181
    first.refresh_from_db()
    assert 59 <= first.minutes <= 61  # the rostered person is credited up to the hand-over
    # the stand-in scans the QR at the post: confirmed, not 'you have no shift'
    user = make_user("sun", Role.MEMBER, world.puanli, person=stand_in)
    client = login(user)
    r = client.post(f"/rosters/checkin/{post.checkin_token}/", follow=True)
    assert r.status_code == 200
    assert CheckIn.objects.filter(assignment=a, person=stand_in).count() == 1
    assert actions.checkin(actor=user, post=post).pk == c.pk


def test_my_shifts_lists_a_missed_past_patrol_apart(world, login):
    post, a, _stand_in = _on_now(world, started_minutes_ago=600, hours=8)  # ended two hours ago, nobody checked in
    Assignment.objects.filter(pk=a.pk).update(line="patrol")
    client = login(world.member)
    html = client.get("/rosters/mine/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    coming, _sep, recent = html.partition("最近的班次")
    assert "缺勤：未签到" in recent
    assert "夜巡" not in coming and "申请换班或顶班" not in coming
