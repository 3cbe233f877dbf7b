"""The organiser's API: publishing a project and its sessions, deciding sign-ups, the leader's scan and back-filled
hours, closing, honours. Each answers its success, refuses strangers (404), names the field of bad input (422) and
answers a retry with the same Idempotency-Key with the first answer, writing nothing again."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from muster.core.models import AuditEvent
from muster.volunteering import actions
from muster.volunteering.audits import Audit
from muster.volunteering.models import Attendance, Honour, Project, ServiceRecord, Session, Signup
from muster.volunteering.tests.helpers import project, volunteer

API = "/api/v1/volunteering/organise"
_keys = [0]


def _post(client, url, body=None, key: str | None = "auto"):
    if key == "auto":
        _keys[0] += 1
        key = f"k-{_keys[0]}"
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def _fields(r) -> set[str]:
    """The fields a 422 names: the action's one, or those of the schema's errors."""
    body = r.json()
    return {body["field"]} if body.get("field") else {e["field"].removeprefix("body.") for e in body["errors"]}


def _day(days: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour)))


def _project_body(world, **kw) -> dict:
    return {"title": "楼道消杀", "category": "door_knocking", "region": world.puanli.code, "description": "逐层消杀",
            "skills": ["first_aid"], "min_age": 16, "risks": "接触消毒剂", "insurance_required": False,
            "approval": "manual", "starts_at": _day(2).isoformat(), "ends_at": _day(2, 12).isoformat(), "places": 5, **kw}


def test_publish_a_project_with_its_first_session_then_add_one(client, world):
    client.force_login(world.coordinator)
    r = _post(client, f"{API}/projects", _project_body(world), key="pub-1")
    assert r.status_code == 201, r.content
    body = r.json()
    p = Project.objects.get(pk=body["id"])
    assert (p.title, p.approval, p.min_age, p.risks, p.region) == ("楼道消杀", "manual", 16, "接触消毒剂", world.puanli)
    assert [s.code for s in p.skills.all()] == ["first_aid"]
    assert [(s["places"], len(s["code"])) for s in body["sessions"]] == [(5, 6)]
    # The phone retries: the same project comes back, no second one is made.
    again = _post(client, f"{API}/projects", _project_body(world), key="pub-1")
    assert again.status_code == 201 and again.json() == body and Project.objects.count() == 1
    s = _post(client, f"{API}/projects/{p.pk}/sessions", {"starts_at": _day(3).isoformat(),
                                                          "ends_at": _day(3, 11).isoformat(), "places": 2}, key="ses-1")
    assert s.status_code == 201 and s.json()["places"] == 2
    assert _post(client, f"{API}/projects/{p.pk}/sessions", {"starts_at": _day(3).isoformat(),
                                                             "ends_at": _day(3, 11).isoformat(), "places": 2},
                 key="ses-1").json() == s.json()
    assert Session.objects.filter(project=p).count() == 2
    listed = client.get(f"{API}/projects").json()["items"]
    assert [(x["id"], len(x["sessions"])) for x in listed] == [(p.pk, 2)]


def test_bad_project_input_names_the_field_and_leaves_nothing(client, world):
    client.force_login(world.coordinator)
    # A first session that ends before it starts: refused by the action, and the project rolls back with it.
    r = _post(client, f"{API}/projects", _project_body(world, ends_at=_day(2, 8).isoformat()))
    assert r.status_code == 422 and r.json()["field"] == "ends_at"
    assert not Project.objects.exists()
    r = _post(client, f"{API}/projects", _project_body(world, skills=["juggling"]))
    assert r.status_code == 422 and r.json()["field"] == "skills"
    r = _post(client, f"{API}/projects", _project_body(world, category="cooking", min_age=3, title=""))
    assert r.status_code == 422 and _fields(r) == {"category", "min_age", "title"}
    r = _post(client, f"{API}/projects", _project_body(world, starts_at="2026-01-01T09:00"))  # no time zone
    assert r.status_code == 422 and _fields(r) == {"starts_at"}
    r = _post(client, f"{API}/projects", _project_body(world), key=None)
    assert r.status_code == 422 and r.json()["field"] == "idempotency_key"
    p, _s = project(world)
    r = _post(client, f"{API}/projects/{p.pk}/sessions", {"starts_at": _day(2).isoformat(),
                                                          "ends_at": _day(3, 12).isoformat(), "places": 2})
    assert r.status_code == 422 and r.json()["field"] == "ends_at"
    r = _post(client, f"{API}/projects/{p.pk}/sessions", {"starts_at": _day(2).isoformat(),
                                                          "ends_at": _day(2, 12).isoformat(), "places": 0})
    assert r.status_code == 422 and _fields(r) == {"places"}
    assert not Project.objects.exclude(pk=p.pk).exists() and Session.objects.count() == 1


def test_strangers_publish_nothing_in_another_community(client, world):
    p, _s = project(world)
    client.force_login(world.bajiao_coordinator)
    r = _post(client, f"{API}/projects", _project_body(world))
    assert r.status_code == 422 and r.json()["field"] == "region" and Project.objects.count() == 1
    assert _post(client, f"{API}/projects", _project_body(world, team_id=999_999)).status_code == 404
    assert _post(client, f"{API}/projects/{p.pk}/sessions", {"starts_at": _day(3).isoformat(),
                                                             "ends_at": _day(3, 11).isoformat(),
                                                             "places": 2}).status_code == 404
    assert client.get(f"{API}/projects").json()["items"] == []
    assert client.get(f"{API}/projects/{p.pk}/signups").status_code == 404
    assert Session.objects.count() == 1


def test_a_team_manager_publishes_for_their_team(client, world):
    manager = volunteer(world)
    team = actions.team_create(actor=world.coordinator, name="消杀队", region=world.puanli, managers=[manager.person])
    client.force_login(manager)
    r = _post(client, f"{API}/projects", _project_body(world, team_id=team.pk))
    assert r.status_code == 201 and r.json()["team_id"] == team.pk
    # Without the team the manager has no region to publish in.
    assert _post(client, f"{API}/projects", _project_body(world)).json()["field"] == "region"


def test_sign_ups_listed_and_decided_with_a_reason(client, world):
    p, s = project(world, places=1, approval=Project.Approval.MANUAL)
    first, second = volunteer(world), volunteer(world)
    row = actions.signup_create(actor=first, session=s)
    actions.signup_create(actor=second, session=s, waitlist=True)
    client.force_login(world.coordinator)
    items = client.get(f"{API}/projects/{p.pk}/signups").json()["items"]
    assert [(i["person_name"], i["status"], i["waiting_position"]) for i in items] == [
        (first.person.name, "pending", None), (second.person.name, "waiting", 1)]
    no_reason = _post(client, f"{API}/signups/{row.pk}/decide", {"approve": False})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    assert _post(client, f"{API}/signups/{row.pk}/decide", {"approve": "perhaps"}).status_code == 422
    client.force_login(world.bajiao_coordinator)
    assert _post(client, f"{API}/signups/{row.pk}/decide", {"approve": True}).status_code == 404
    client.force_login(world.coordinator)
    r = _post(client, f"{API}/signups/{row.pk}/decide", {"approve": False, "reason": "  年龄 不符 "}, key="dec-1")
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert _post(client, f"{API}/signups/{row.pk}/decide", {"approve": False, "reason": "年龄不符"},
                 key="dec-1").json() == r.json()
    assert _post(client, f"{API}/signups/{row.pk}/decide", {"approve": True}).status_code == 409
    # The freed place went to the waiting list, as on the page; the reason is in the audit trail.
    assert Signup.objects.get(person=second.person).status == Signup.Status.PENDING
    event = AuditEvent.objects.filter(action=Audit.SIGNUP_DECIDE).get()
    assert event.changes["reason"] == "年龄 不符"


@pytest.fixture
def on_now(world):
    """A session that opens for attendance now (it starts in 20 minutes), with a confirmed volunteer."""
    p = actions.project_create(actor=world.coordinator, title="测温", category="door_knocking", region=world.puanli)
    start = timezone.now() + dt.timedelta(minutes=20)
    s = actions.session_add(actor=world.coordinator, project=p, starts_at=start, ends_at=start + dt.timedelta(hours=3),
                            places=3)
    user = volunteer(world)
    row = actions.signup_create(actor=user, session=s)
    return p, s, user, row


def test_the_leader_scans_a_volunteers_personal_code(client, world, on_now):
    _p, s, user, row = on_now
    code = actions.personal_code(user.person)
    client.force_login(world.bajiao_coordinator)
    assert _post(client, f"{API}/sessions/{s.pk}/scan", {"personal": code}).status_code == 404
    client.force_login(world.coordinator)
    bad = _post(client, f"{API}/sessions/{s.pk}/scan", {"personal": "V1:forged"})
    assert bad.status_code == 422 and bad.json()["field"] == "personal"
    assert _post(client, f"{API}/sessions/{s.pk}/scan", {"personal": ""}).status_code == 422
    first = _post(client, f"{API}/sessions/{s.pk}/scan", {"personal": code}, key="scan-1")
    assert first.status_code == 200, first.content
    assert (first.json()["action"], first.json()["signup_id"], first.json()["person_name"]) == ("in", row.pk,
                                                                                               user.person.name)
    # A retry of the same scan does not sign the volunteer out.
    assert _post(client, f"{API}/sessions/{s.pk}/scan", {"personal": code}, key="scan-1").json() == first.json()
    assert Attendance.objects.get(signup=row).signed_out_at is None
    out = _post(client, f"{API}/sessions/{s.pk}/scan", {"personal": code}, key="scan-2")
    assert out.json()["action"] == "out" and out.json()["credited"] is False


def test_back_filled_hours_are_capped_and_given_once(client, world, on_now):
    p, s, user, row = on_now
    Session.objects.filter(pk=s.pk).update(starts_at=s.starts_at - dt.timedelta(hours=1),
                                           ends_at=s.ends_at - dt.timedelta(hours=1))  # it has begun
    other_p, other_s = project(world)
    client.force_login(world.coordinator)
    too_many = _post(client, f"{API}/sessions/{s.pk}/backfill", {"signup_id": row.pk, "hours": 3.5, "reason": "忘扫码"})
    assert too_many.status_code == 422 and too_many.json()["field"] == "hours"
    for body, field in (({"signup_id": row.pk, "hours": 0.001, "reason": "忘扫码"}, "hours"),
                        ({"signup_id": row.pk, "hours": 2, "reason": ""}, "reason"),
                        ({"signup_id": row.pk, "hours": -1, "reason": "忘扫码"}, "hours")):
        r = _post(client, f"{API}/sessions/{s.pk}/backfill", body)
        assert r.status_code == 422 and _fields(r) == {field}
    wrong = _post(client, f"{API}/sessions/{other_s.pk}/backfill", {"signup_id": row.pk, "hours": 2, "reason": "忘扫码"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "signup_id"
    client.force_login(world.bajiao_coordinator)
    assert _post(client, f"{API}/sessions/{s.pk}/backfill",
                 {"signup_id": row.pk, "hours": 2, "reason": "忘扫码"}).status_code == 404
    client.force_login(world.coordinator)
    r = _post(client, f"{API}/sessions/{s.pk}/backfill", {"signup_id": row.pk, "hours": 2.5, "reason": "忘扫码"},
              key="fill-1")
    assert r.status_code == 200 and r.json()["backfill_hours"] == 2.5
    assert _post(client, f"{API}/sessions/{s.pk}/backfill", {"signup_id": row.pk, "hours": 2.5, "reason": "忘扫码"},
                 key="fill-1").json() == r.json()
    assert _post(client, f"{API}/sessions/{s.pk}/backfill",
                 {"signup_id": row.pk, "hours": 0.5, "reason": "再补"}).status_code == 409
    assert list(ServiceRecord.objects.values_list("hours", "backfilled")) == [(Decimal("2.50"), True)]


def test_close_a_project_with_a_reason(client, world, on_now):
    p, _s, _user, row = on_now
    client.force_login(world.bajiao_coordinator)
    assert _post(client, f"{API}/projects/{p.pk}/close", {"reason": "疫情结束"}).status_code == 404
    client.force_login(world.coordinator)
    r = _post(client, f"{API}/projects/{p.pk}/close", {"reason": " "})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    assert _post(client, f"{API}/projects/{p.pk}/close", {"reason": "x" * 201}).status_code == 422
    r = _post(client, f"{API}/projects/{p.pk}/close", {"reason": "疫情结束"}, key="close-1")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert _post(client, f"{API}/projects/{p.pk}/close", {"reason": "疫情结束"}, key="close-1").json() == r.json()
    assert _post(client, f"{API}/projects/{p.pk}/close", {"reason": "疫情结束"}).status_code == 409
    assert Signup.objects.get(pk=row.pk).status == Signup.Status.CANCELLED


def test_record_a_training_or_an_evaluation(client, world):
    user = volunteer(world)
    url = f"{API}/volunteers/{user.person_id}/honours"
    today = timezone.localdate().isoformat()
    client.force_login(world.bajiao_coordinator)
    assert _post(client, url, {"kind": "award", "title": "优秀志愿者", "date": today, "organiser": "街道"}).status_code == 404
    client.force_login(world.coordinator)
    r = _post(client, url, {"kind": "evaluation", "title": "年度评价", "date": today, "organiser": "社区"})
    assert r.status_code == 422 and r.json()["field"] == "rating"
    r = _post(client, url, {"kind": "training", "title": "急救", "date": 20240101, "organiser": "红十字会"})
    assert r.status_code == 422 and _fields(r) == {"date"}
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = _post(client, url, {"kind": "training", "title": "急救", "date": tomorrow, "organiser": "红十字会"})
    assert r.status_code == 422 and r.json()["field"] == "date"
    body = {"kind": "training", "title": "急救培训", "date": today, "organiser": "红十字会", "hours": 4.5}
    r = _post(client, url, body, key="hon-1")
    assert r.status_code == 201 and (r.json()["hours"], r.json()["kind"]) == (4.5, "training")
    assert _post(client, url, body, key="hon-1").json() == r.json()
    assert Honour.objects.get().hours == Decimal("4.50")
