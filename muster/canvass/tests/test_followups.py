"""Follow-up lists: daily checks of a finding's household, twice-daily checks of a door notice until someone reports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from muster.canvass import actions, selectors
from muster.canvass.models import Door, FollowUp, FollowUpCheck
from muster.canvass.tests.helpers import campaign, visit
from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.models import AuditEvent

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _elderly(world):
    c, wls, (v0, v1) = campaign(world, max_rounds=1)
    doors = list(wls[0].doors.order_by("pk"))
    visit(v0, doors[0], people=[{"name": "赵大爷", "answers": {"needs": ["elderly_alone"]}}])
    visit(v0, doors[1], people=[{"name": "钱奶奶", "answers": {"needs": ["medicines"]}}])
    visit(v0, doors[2], "not_home")  # one round only: a notice on the door
    return c, wls, v0, v1, doors


def test_findings_make_a_daily_list_once_and_checks_move_the_due_time(world):
    c, _wls, v0, v1, doors = _elderly(world)
    rows = actions.followups_open(actor=world.coordinator, campaign=c, rule="elderly_alone", assignee=v1)
    assert len(rows) == 1 and rows[0].every_hours == 24 and rows[0].door_id == doors[0].pk
    assert actions.followups_open(actor=world.coordinator, campaign=c, rule="elderly_alone") == []  # asked again: nothing new
    fu = FollowUp.objects.get()
    check, created = actions.followup_check(actor=v1, follow_up=fu, key="c-1", result="well", note="身体好")
    again, created_again = actions.followup_check(actor=v1, follow_up=fu, key="c-1", result="well")
    assert created and not created_again and again.pk == check.pk and FollowUpCheck.objects.count() == 1
    fu.refresh_from_db()
    assert fu.due_at >= check.checked_at + dt.timedelta(hours=23)
    row = selectors.followups(world.coordinator, c)[0]
    assert row.last_check.checked_by == v1 and row.overdue is False
    assert AuditEvent.objects.filter(action="canvass_followup.check").count() == 1


def test_an_unchecked_follow_up_past_its_time_is_overdue(world):
    c, _wls, v0, v1, _doors = _elderly(world)
    actions.followups_open(actor=world.coordinator, campaign=c, rule="medicines")
    FollowUp.objects.update(due_at=timezone.now() - dt.timedelta(hours=3))
    assert [r.overdue for r in selectors.followups(world.coordinator, c)] == [True]


def test_door_notices_are_checked_twice_a_day_until_someone_reports(world):
    c, _wls, v0, v1, doors = _elderly(world)
    assert Door.objects.get(pk=doors[2].pk).status == Door.Status.NOTICE
    rows = actions.followups_open(actor=world.coordinator, campaign=c, notices=True, assignee=v0)
    assert [r.door_id for r in rows] == [doors[2].pk] and rows[0].every_hours == 12
    fu = FollowUp.objects.get(kind="notice")
    actions.followup_check(actor=v0, follow_up=fu, key="n-1", result="no_answer")
    fu.refresh_from_db()
    assert fu.status == "open"
    actions.followup_check(actor=v0, follow_up=fu, key="n-2", result="reported")
    fu.refresh_from_db()
    assert fu.status == "closed"
    with pytest.raises(Conflict):
        actions.followup_check(actor=v0, follow_up=fu, key="n-3", result="well")


def test_bad_input_and_strangers_change_nothing(world):
    c, _wls, v0, v1, _doors = _elderly(world)
    with pytest.raises(Forbidden):
        actions.followups_open(actor=world.outsider, campaign=c, rule="medicines")
    with pytest.raises(InvalidInput) as e:
        actions.followups_open(actor=world.coordinator, campaign=c, rule="no-such-rule")
    assert e.value.field == "rule"
    actions.followups_open(actor=world.coordinator, campaign=c, rule="medicines", assignee=v0)
    fu = FollowUp.objects.get()
    with pytest.raises(Forbidden):  # not assigned to v1, not a leader
        actions.followup_check(actor=v1, follow_up=fu, key="x-1", result="well")
    with pytest.raises(InvalidInput) as e:
        actions.followup_check(actor=v0, follow_up=fu, key="x-2", result="fine")
    assert e.value.field == "result"
    with pytest.raises(NotFound):
        selectors.followup_for(v1, fu.pk)
    with pytest.raises(NotFound):
        selectors.followups(world.outsider, c)
    assert FollowUpCheck.objects.count() == 0


def test_pages_and_api(world, login):
    c, _wls, v0, v1, _doors = _elderly(world)
    leader = login(world.coordinator)
    r = leader.post(f"/canvass/c/{c.pk}/followups/", {"what": "elderly_alone", "assignee": v1.get_username()}, **ZH)
    assert r.status_code == 302
    page = leader.get(f"/canvass/c/{c.pk}/followups/", **ZH).content.decode()
    assert "随访" in page and "独居老人" in page
    fu = FollowUp.objects.get()
    mine = login(v1)
    assert "独居老人" in mine.get("/canvass/followups/mine/", **ZH).content.decode()
    body = {"key": "api-1", "result": "help", "note": "要买药"}
    first = mine.post(f"/api/v1/canvass/followups/{fu.pk}/checks", data=json.dumps(body), content_type="application/json")
    second = mine.post(f"/api/v1/canvass/followups/{fu.pk}/checks", data=json.dumps(body), content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200) and first.json()["id"] == second.json()["id"]
    bad = mine.post(f"/api/v1/canvass/followups/{fu.pk}/checks", data=json.dumps({"key": "api-2", "result": "??"}),
                    content_type="application/json")
    assert bad.status_code == 422 and "result" in bad.text
    listed = login(world.coordinator).get(f"/api/v1/canvass/campaigns/{c.pk}/followups").json()
    assert listed[0]["last_result"] == "help" and listed[0]["last_checked_by"] == v1.get_username()
    assert login(world.outsider).get(f"/api/v1/canvass/campaigns/{c.pk}/followups").status_code == 404
