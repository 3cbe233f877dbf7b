"""Attendance completions: the leader scans a volunteer's personal code, back-fills hours with a reason (capped,
kept apart from captured hours), marks no-shows; the organiser sees sessions whose records are overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent
from muster.volunteering import actions, selectors
from muster.volunteering.models import Attendance, ServiceRecord, Signup
from muster.volunteering.tests.helpers import project, volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(world):
    p, s = project(world, places=3, hours=4)
    user = volunteer(world)
    row = actions.signup_create(actor=user, session=s)
    return p, s, user, row


def test_leader_scans_the_personal_code_in_and_out(world, booked):
    _p, s, user, _row = booked
    code = actions.personal_code(user.person)
    assert actions.attendance_scan_person(actor=world.coordinator, session=s, personal=code, now=s.starts_at).action == "in"
    out = actions.attendance_scan_person(actor=world.coordinator, session=s, personal=code, now=s.ends_at)
    assert out.action == "out" and out.attendance.hours == Decimal("4.00") and out.attendance.method == "leader"
    assert ServiceRecord.objects.get(person=user.person).hours == Decimal("4.00")


def test_personal_code_refusals_change_nothing(world, booked):
    _p, s, user, _row = booked
    other = volunteer(world)
    code = actions.personal_code(user.person)
    with pytest.raises(InvalidInput):  # forged: a person's number without the signature
        actions.attendance_scan_person(actor=world.coordinator, session=s, personal=f"V{user.person_id}", now=s.starts_at)
    with pytest.raises(Conflict) as e:  # somebody not signed up for this session
        actions.attendance_scan_person(actor=world.coordinator, session=s, personal=actions.personal_code(other.person),
                                       now=s.starts_at)
    assert e.value.code == "not_signed_up"
    with pytest.raises(Conflict) as e:  # outside the session's time
        actions.attendance_scan_person(actor=world.coordinator, session=s, personal=code, now=s.starts_at - dt.timedelta(hours=3))
    assert e.value.code == "outside_time"
    with pytest.raises(Forbidden):  # not the project's leader
        actions.attendance_scan_person(actor=other, session=s, personal=code, now=s.starts_at)
    assert not Attendance.objects.exists()


def test_backfill_is_capped_kept_apart_and_never_edits_captured_hours(world, booked):
    _p, s, user, row = booked
    actions.attendance_scan(actor=user, code=s.code, now=s.starts_at)
    actions.attendance_scan(actor=user, code=s.code, now=s.starts_at + dt.timedelta(hours=3))  # 3 of 4 h: credited
    with pytest.raises(InvalidInput) as e:
        actions.attendance_backfill(actor=world.coordinator, signup=row, hours="1.5", reason="扫码失败", now=s.ends_at)
    assert e.value.field == "hours"  # 3 + 1.5 > 4
    with pytest.raises(InvalidInput) as e:
        actions.attendance_backfill(actor=world.coordinator, signup=row, hours="1", reason="  ", now=s.ends_at)
    assert e.value.field == "reason"
    with pytest.raises(Forbidden):
        actions.attendance_backfill(actor=user, signup=row, hours="1", reason="自己补", now=s.ends_at)
    att = actions.attendance_backfill(actor=world.coordinator, signup=row, hours="1", reason="最后一小时手机没电", now=s.ends_at)
    assert (att.hours, att.backfill_hours, att.backfill_reason) == (Decimal("3.00"), Decimal("1.00"), "最后一小时手机没电")
    rows = {r.backfilled: r.hours for r in ServiceRecord.objects.filter(person=user.person)}
    assert rows == {False: Decimal("3.00"), True: Decimal("1.00")}
    with pytest.raises(Conflict):  # once only
        actions.attendance_backfill(actor=world.coordinator, signup=row, hours="0.5", reason="again", now=s.ends_at)
    assert AuditEvent.objects.filter(action="volunteer_attendance.backfill").count() == 1


def test_backfill_without_any_scan(world, booked):
    _p, s, user, row = booked
    with pytest.raises(Conflict):  # not begun yet
        actions.attendance_backfill(actor=world.coordinator, signup=row, hours="2", reason="纸质签到", now=s.starts_at - dt.timedelta(hours=1))
    att = actions.attendance_backfill(actor=world.coordinator, signup=row, hours="4", reason="纸质签到", now=s.ends_at)
    assert att.method == "backfill" and att.hours is None and att.signed_in_at is None
    assert selectors.hours_total(selectors.records_mine(user)) == Decimal("4.00")
    with pytest.raises(Conflict):  # and the volunteer can no longer sign in over it
        actions.attendance_scan(actor=user, code=s.code, now=s.ends_at)


def test_no_shows_are_counted_for_the_leader(world, booked):
    p, s, user, row = booked
    came = volunteer(world)
    came_row = actions.signup_create(actor=came, session=s)
    actions.attendance_scan(actor=came, code=s.code, now=s.starts_at)
    with pytest.raises(Conflict):  # too early
        actions.signup_no_show(actor=world.coordinator, signup=row, now=s.starts_at - dt.timedelta(minutes=5))
    with pytest.raises(Conflict):  # signed in: came
        actions.signup_no_show(actor=world.coordinator, signup=came_row, now=s.ends_at)
    actions.signup_no_show(actor=world.coordinator, signup=row, now=s.ends_at)
    assert Signup.objects.get(pk=row.pk).status == Signup.Status.NO_SHOW
    assert selectors.no_shows(p) == 1
    with pytest.raises(Conflict):  # twice
        actions.signup_no_show(actor=world.coordinator, signup=Signup.objects.get(pk=row.pk), now=s.ends_at)


def test_overdue_sessions_are_listed_for_the_organiser(world, booked):
    _p, s, user, row = booked
    late = s.ends_at + dt.timedelta(days=20)
    assert [x.pk for x in selectors.sessions_overdue(world.coordinator, now=late)] == [s.pk]
    assert list(selectors.sessions_overdue(world.coordinator, now=s.ends_at + dt.timedelta(days=2))) == []
    assert list(selectors.sessions_overdue(user, now=late)) == []  # not theirs
    actions.attendance_backfill(actor=world.coordinator, signup=row, hours="4", reason="纸质签到", now=s.ends_at)
    assert list(selectors.sessions_overdue(world.coordinator, now=late)) == []
