import datetime as dt
from decimal import Decimal

import pytest

from muster.core.errors import Conflict, InvalidInput
from muster.volunteering import actions
from muster.volunteering.models import Attendance, ServiceRecord
from muster.volunteering.tests.helpers import project, volunteer


@pytest.fixture
def booked(world):
    p, s = project(world, places=3, hours=4, description="逐户敲门登记")
    user = volunteer(world)
    actions.signup_create(actor=user, session=s)
    return p, s, user


def test_a_session_has_a_six_digit_code(booked):
    _p, s, _u = booked
    assert len(s.code) == 6 and s.code.isdigit()


def test_hours_are_the_time_served_and_land_once_in_the_ledger(world, booked):
    p, s, user = booked
    first = actions.attendance_scan(actor=user, code=s.code, now=s.starts_at - dt.timedelta(minutes=10))
    assert first.action == "in"
    out = actions.attendance_scan(actor=user, code=s.code, now=s.ends_at - dt.timedelta(minutes=30))
    assert out.action == "out" and out.attendance.credited
    assert out.attendance.hours == Decimal("3.50")  # from the start (not the early arrival) to leaving
    r = ServiceRecord.objects.get(person=user.person)
    assert (r.activity, r.hours, r.organiser, r.place, r.content, r.leader) == (
        p.title, Decimal("3.50"), world.puanli.name, world.puanli.name, "逐户敲门登记", "coordinator")
    assert r.date == s.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    with pytest.raises(Conflict) as e:
        actions.attendance_scan(actor=user, code=s.code, now=s.ends_at)
    assert e.value.code == "done" and ServiceRecord.objects.count() == 1


def test_less_than_sixty_percent_is_recorded_but_not_credited(booked):
    _p, s, user = booked
    actions.attendance_scan(actor=user, code=s.code, now=s.starts_at + dt.timedelta(hours=2))
    out = actions.attendance_scan(actor=user, code=s.code, now=s.starts_at + dt.timedelta(hours=4))
    assert out.attendance.hours == Decimal("2.00") and not out.attendance.credited  # 50% of 4 h
    assert not ServiceRecord.objects.exists()


def test_wrong_code_wrong_time_or_no_sign_up_change_nothing(world, booked):
    _p, s, user = booked
    wrong = "000000" if s.code != "000000" else "111111"
    for code, now, err in ((wrong, s.starts_at, Conflict), ("12ab56", s.starts_at, InvalidInput),
                           (s.code, s.starts_at - dt.timedelta(hours=3), Conflict),
                           (s.code, s.ends_at + dt.timedelta(hours=2), Conflict)):
        with pytest.raises(err):
            actions.attendance_scan(actor=user, code=code, now=now)
    with pytest.raises(Conflict):
        actions.attendance_scan(actor=volunteer(world), code=s.code, now=s.starts_at)
    assert not Attendance.objects.exists()


def test_the_ledger_refuses_the_same_source_twice(world, booked):
    from django.db import IntegrityError, transaction

    _p, s, user = booked
    actions.attendance_scan(actor=user, code=s.code, now=s.starts_at)
    actions.attendance_scan(actor=user, code=s.code, now=s.ends_at)
    r = ServiceRecord.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.create(person=r.person, source_key=r.source_key, activity="x", date=r.date, place="x",
                                     hours=1, organiser="x", region=r.region)


def test_attend_page_and_api(client, world, booked):
    import json

    from django.utils import timezone

    from muster.volunteering.models import Session

    _p, s, user = booked
    now = timezone.now()
    Session.objects.filter(pk=s.pk).update(starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1))
    client.force_login(user)
    r = client.post("/volunteering/attend/", {"code": s.code})
    assert r.status_code == 302 and Attendance.objects.filter(signup__person=user.person).exists()
    bad = client.post("/api/v1/volunteering/attend", data=json.dumps({"code": "abc"}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "code"
    out = client.post("/api/v1/volunteering/attend", data=json.dumps({"code": s.code}), content_type="application/json")
    assert out.status_code == 200 and out.json()["action"] == "out" and out.json()["credited"] is False
    assert 'id="hours-total">0 ' in client.get("/volunteering/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
