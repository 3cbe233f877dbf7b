"""Closing a project: by its organiser, or because the community need it was published from is cancelled.
The volunteers with a place (or waiting for one) in a session still to come are told why, get no
reminder, and the project takes no more sign-ups."""

from __future__ import annotations

import pytest

from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent
from muster.needs import actions as needs_actions
from muster.volunteering import actions
from muster.volunteering.audits import Audit
from muster.volunteering.models import Project, Signup
from muster.volunteering.tests.helpers import project, volunteer
from muster.volunteering.tests.test_need_publish import _need

pytestmark = pytest.mark.django_db


def _people(world, n):
    return [volunteer(world) for _ in range(n)]


def test_the_organiser_closes_with_a_reason_and_the_volunteers_are_told(world, sms_outbox, django_capture_on_commit_callbacks):
    p, s = project(world, places=1)
    first, second = _people(world, 2)
    a = actions.signup_create(actor=first, session=s)
    b = actions.signup_create(actor=second, session=s, waitlist=True)
    assert (a.status, b.status) == (Signup.Status.CONFIRMED, Signup.Status.WAITING)
    with pytest.raises(InvalidInput) as e:
        actions.project_close(actor=world.coordinator, project=p, reason="  ")
    assert e.value.field == "reason"
    with pytest.raises(Forbidden):
        actions.project_close(actor=world.outsider, project=p, reason="天气")
    assert Project.objects.get(pk=p.pk).status == Project.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        actions.project_close(actor=world.coordinator, project=p, reason="暴雨，活动取消")
    assert Project.objects.get(pk=p.pk).status == Project.Status.CLOSED
    assert set(Signup.objects.values_list("status", flat=True)) == {Signup.Status.CANCELLED}
    s.refresh_from_db()
    assert s.taken == 0
    event = AuditEvent.objects.get(action=Audit.PROJECT_CLOSE)
    assert event.changes["signups_cancelled"] == 2 and event.changes["reason"] == "暴雨，活动取消"
    for user in (first, second):
        assert any("暴雨，活动取消" in m for m in sms_outbox.to(user.person.phone)), sms_outbox.to(user.person.phone)
    with pytest.raises(Conflict):
        actions.project_close(actor=world.coordinator, project=p, reason="again")
    third = _people(world, 3)[2]
    with pytest.raises(Conflict):
        actions.signup_create(actor=third, session=s)


def test_cancelling_the_need_closes_the_project_published_from_it(world, sms_outbox, django_capture_on_commit_callbacks):
    need = _need(world, skills=())
    p, _ = actions.need_publish(actor=world.coordinator, need=need)
    (person,) = _people(world, 1)
    actions.signup_create(actor=person, session=p.sessions.get())
    with django_capture_on_commit_callbacks(execute=True):
        needs_actions.need_set_status(actor=world.coordinator, need=need, verb="cancel", reason="采样点改址")
    p.refresh_from_db()
    assert p.status == Project.Status.CLOSED
    assert Signup.objects.get().status == Signup.Status.CANCELLED
    assert any("采样点改址" in m for m in sms_outbox.to(person.person.phone))
    assert AuditEvent.objects.filter(action=Audit.PROJECT_CLOSE, actor=world.coordinator).exists()


def test_closing_from_the_organisers_page(world, client):
    p, _s = project(world)
    client.force_login(world.coordinator)
    page = client.get(f"/volunteering/manage/p/{p.pk}/").content.decode()
    assert "关闭项目" in page
    r = client.post(f"/volunteering/manage/p/{p.pk}/close/", {"reason": ""}, follow=True)
    assert "请说明关闭项目的原因" in r.content.decode() and Project.objects.get(pk=p.pk).status == Project.Status.OPEN
    r = client.post(f"/volunteering/manage/p/{p.pk}/close/", {"reason": "人员已满足"}, follow=True)
    assert "项目已关闭" in r.content.decode() and Project.objects.get(pk=p.pk).status == Project.Status.CLOSED
    client.force_login(world.outsider)
    assert client.post(f"/volunteering/manage/p/{p.pk}/close/", {"reason": "x"}).status_code in (403, 404)
