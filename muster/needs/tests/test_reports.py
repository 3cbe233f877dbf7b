import datetime as dt
from decimal import Decimal

import pytest

from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.needs import actions
from muster.needs.models import Need, Report
from muster.needs.tests.helpers import post, soon
from muster.people.actions import PersonData, person_create


def _person(world, name="赵敏", region=None, skills=()):
    return person_create(actor=world.admin, data=PersonData(name=name, region=region or world.puanli, skills=skills))


def test_report_lifecycle_with_hours(world, django_capture_on_commit_callbacks):
    need = post(world, start=soon(0.5), hours=4)
    report = actions.report_create(actor=world.member, need=need, note="下午都有空")
    assert report.status == Report.Status.REPORTED and report.source == "self"
    with django_capture_on_commit_callbacks(execute=True):
        actions.report_accept(actor=world.coordinator, report=report)
    need.refresh_from_db()
    assert need.accepted_count == 1
    assert world.alice.notifications.get(event="report.accept").status == "sent"
    t_in = need.start + dt.timedelta(minutes=5)
    res = actions.check_in_or_out(actor=world.member, code=need.checkin_code.lower(), now=t_in)
    assert res.action == "in" and res.report.status == Report.Status.CHECKED_IN
    res = actions.check_in_or_out(actor=world.member, code=f" {need.checkin_code[:3]}-{need.checkin_code[3:]} ",
                                  now=t_in + dt.timedelta(hours=3, minutes=30))
    assert res.action == "out"
    report.refresh_from_db()
    assert report.status == Report.Status.COMPLETED and report.hours == Decimal("3.50")
    with pytest.raises(Conflict):
        actions.check_in_or_out(actor=world.member, code=need.checkin_code, now=t_in + dt.timedelta(hours=4))


def test_reporting_twice_refused(world):
    need = post(world)
    actions.report_create(actor=world.member, need=need)
    with pytest.raises(Conflict) as e:
        actions.report_create(actor=world.member, need=need)
    assert e.value.field == "person" and "张秀英" in str(e.value.message)
    assert Report.objects.count() == 1


def test_withdraw_with_reason_then_report_again(world):
    need = post(world)
    r = actions.report_create(actor=world.member, need=need)
    actions.report_accept(actor=world.coordinator, report=r)
    with pytest.raises(InvalidInput):
        actions.report_withdraw(actor=world.member, report=r, reason="  ")
    actions.report_withdraw(actor=world.member, report=r, reason="家里有事")
    need.refresh_from_db()
    assert need.accepted_count == 0
    r2 = actions.report_create(actor=world.member, need=need)
    assert r2.pk != r.pk


def test_no_double_booking(world):
    a = post(world, start=soon(2), hours=4)
    b = post(world, start=soon(5), hours=2, role="publicity")
    c = post(world, start=soon(6), hours=2, role="cleaning")
    actions.report_create(actor=world.member, need=a)
    with pytest.raises(Conflict) as e:
        actions.report_create(actor=world.member, need=b)
    assert e.value.field == "person"
    assert actions.report_create(actor=world.member, need=c).status == "reported"  # touching, not overlapping


def test_accepting_beyond_headcount_refused(world):
    need = post(world, headcount=1)
    other = _person(world)
    r1 = actions.report_create(actor=world.member, need=need)
    r2 = actions.report_create(actor=world.coordinator, need=need, person=other)
    actions.report_accept(actor=world.coordinator, report=r1)
    with pytest.raises(Conflict) as e:
        actions.report_accept(actor=world.coordinator, report=r2)
    assert e.value.field == "need"
    r2.refresh_from_db()
    need.refresh_from_db()
    assert r2.status == Report.Status.REPORTED and need.accepted_count == 1


def test_decline_releases_place(world):
    need = post(world, headcount=1)
    r = actions.report_create(actor=world.member, need=need)
    actions.report_accept(actor=world.coordinator, report=r)
    actions.report_decline(actor=world.coordinator, report=r, reason="人够了")
    need.refresh_from_db()
    assert need.accepted_count == 0


def test_skills_and_affiliations_enforced(world):
    need = post(world, skills=("car",))
    with pytest.raises(InvalidInput):
        actions.report_create(actor=world.member, need=need)
    need2 = post(world, affiliation_kinds=("party_branch",), start=soon(30))
    with pytest.raises(InvalidInput):
        actions.report_create(actor=world.member, need=need2)
    assert not Report.objects.exists()


def test_coordinator_adds_people_of_own_region_only(world):
    need = post(world)
    with pytest.raises(Forbidden):
        actions.report_create(actor=world.coordinator, need=need, person=world.bob)
    r = actions.report_create(actor=world.street_coordinator, need=need, person=world.bob, accept=True)
    assert r.status == "accepted" and r.source == "coordinator"


def test_paused_need_takes_no_reports(world):
    need = post(world)
    actions.need_set_status(actor=world.coordinator, need=need, verb="pause")
    need.refresh_from_db()
    with pytest.raises(Conflict):
        actions.report_create(actor=world.member, need=need)


def test_checkin_refusals(world):
    need = post(world, start=soon(3), hours=2)
    other = post(world, start=soon(10), hours=2, role="errands")
    r = actions.report_create(actor=world.member, need=need)
    with pytest.raises(InvalidInput):  # unknown code
        actions.check_in_or_out(actor=world.member, code="ZZZZZZ")
    with pytest.raises(InvalidInput):  # too early
        actions.check_in_or_out(actor=world.member, code=need.checkin_code)
    with pytest.raises(Forbidden):  # reported but not accepted
        actions.check_in_or_out(actor=world.member, code=need.checkin_code, now=need.start)
    actions.report_accept(actor=world.coordinator, report=r)
    with pytest.raises(Forbidden):  # a foreign need's code
        actions.check_in_or_out(actor=world.member, code=other.checkin_code, now=other.start)
    with pytest.raises(InvalidInput):  # expired
        actions.check_in_or_out(actor=world.member, code=need.checkin_code, now=need.end + dt.timedelta(hours=3))
    with pytest.raises(InvalidInput):
        actions.check_in_or_out(actor=world.member, code="AB")
    r.refresh_from_db()
    assert r.status == Report.Status.ACCEPTED and r.checked_in_at is None
    old = need.checkin_code
    actions.checkin_code_rotate(actor=world.coordinator, need=need)
    with pytest.raises(InvalidInput):
        actions.check_in_or_out(actor=world.member, code=old, now=need.start)
    assert actions.check_in_or_out(actor=world.member, code=need.checkin_code, now=need.start).action == "in"


def test_no_show(world):
    need = post(world, start=soon(0.01), hours=1)
    r = actions.report_create(actor=world.member, need=need)
    actions.report_accept(actor=world.coordinator, report=r)
    Need.objects.filter(pk=need.pk).update(start=soon(-0.5))
    need.refresh_from_db()
    r.refresh_from_db()
    actions.report_no_show(actor=world.coordinator, report=r)
    r.refresh_from_db()
    assert r.status == Report.Status.NO_SHOW
