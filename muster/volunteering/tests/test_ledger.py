"""One hours ledger fed from everywhere: needs and checkpoint duty register what was served (their `service.py`),
the collecting job records each once in the organiser's name, and the same hour through two paths counts once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from muster.core.models import AuditEvent
from muster.needs import actions as needs_actions
from muster.needs.tests.helpers import post as need_post
from muster.rosters import actions as roster_actions
from muster.rosters.models import Assignment, Roster
from muster.volunteering import actions, jobs, ledger, selectors
from muster.volunteering.models import ServiceRecord
from muster.volunteering.tests.helpers import project, volunteer

pytestmark = pytest.mark.django_db


def _soon(hours: float) -> dt.datetime:
    return (timezone.now() + dt.timedelta(hours=hours)).replace(microsecond=0)


# Needs cannot be posted in the past: the tests serve them ahead and collect as if a day had gone by.
LATER = dt.timedelta(days=3)


def _need_served(world, start=None, hours=3):
    """A need alice (world.member) reported to, was accepted on, checked in and out of; returns the need."""
    start = start or _soon(1)
    need = need_post(world, start=start, hours=4)
    r = needs_actions.report_create(actor=world.member, need=need)
    needs_actions.report_accept(actor=world.coordinator, report=r)
    needs_actions.check_in_or_out(actor=world.member, code=need.checkin_code, now=start)
    needs_actions.check_in_or_out(actor=world.member, code=need.checkin_code, now=start + dt.timedelta(hours=hours))
    return need


def test_sources_are_discovered_by_module_name():
    found = ledger.sources()
    assert {"needs", "rosters"} <= set(found)


def test_a_need_check_in_lands_once_in_the_organisers_name(world):
    need = _need_served(world)
    assert jobs.service_hours_collect(now=timezone.now() + LATER) == 1
    r = ServiceRecord.objects.get(person=world.alice)
    assert (r.hours, r.organiser, r.origin, r.recorded_by, r.source_key) == (
        Decimal("3.00"), world.puanli.name, "needs", world.coordinator, f"needs.report:{need.reports.get().pk}")
    assert r.activity == str(need) and r.place == world.puanli.name and r.leader
    assert AuditEvent.objects.filter(action="service_record.collect").count() == 1
    # Run again (the ticker may run twice): nothing more.
    assert jobs.service_hours_collect(now=timezone.now() + LATER) == 0
    assert ServiceRecord.objects.filter(person=world.alice).count() == 1


def test_the_same_hour_through_a_session_and_a_need_counts_once(world):
    """A volunteer signed in to a project session and checked in on a need for the same morning: one record."""
    _p, s = project(world, places=2, hours=4, in_days=1)
    start = s.starts_at
    user = volunteer(world)
    actions.signup_create(actor=user, session=s)
    actions.attendance_scan(actor=user, code=s.code, now=start)
    actions.attendance_scan(actor=user, code=s.code, now=start + dt.timedelta(hours=4))
    assert ServiceRecord.objects.filter(person=user.person).count() == 1
    # The same person checked in on a community need spanning the same hours.
    need = need_post(world, start=start, hours=4)
    r = needs_actions.report_create(actor=world.coordinator, need=need, person=user.person, accept=True)
    from muster.needs.models import Report
    Report.objects.filter(pk=r.pk).update(status=Report.Status.COMPLETED, checked_in_at=start + dt.timedelta(minutes=30),
                                          checked_out_at=start + dt.timedelta(hours=3), hours=Decimal("2.50"))
    assert actions.service_records_collect(since=start - dt.timedelta(days=1), until=start + LATER) == 0
    rows = list(ServiceRecord.objects.filter(person=user.person))
    assert len(rows) == 1 and rows[0].origin == "volunteering" and rows[0].hours == Decimal("4.00")
    assert selectors.hours_total(selectors.records_mine(user)) == Decimal("4.00")


def test_a_later_need_for_the_same_person_is_recorded(world):
    """Only an overlap is the same hour: the person's next day's check-in is its own record."""
    _need_served(world, start=_soon(1))
    _need_served(world, start=_soon(26), hours=2)
    assert jobs.service_hours_collect(now=timezone.now() + LATER) == 2
    assert sorted(r.hours for r in ServiceRecord.objects.filter(person=world.alice)) == [Decimal("2.00"), Decimal("3.00")]


def test_a_finished_duty_shift_lands_once(world):
    """A checkpoint shift from the duty log (a check-in on a rostered shift) is recorded once the shift is over."""
    post = roster_actions.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷", solve_seconds=5)
    roster_actions.team_add(actor=world.coordinator, post=post, person=world.alice, data=roster_actions.MemberData())
    now = timezone.now().replace(microsecond=0)
    # The solver is the rosters app's business (and slow on a busy machine): one published shift, as it would leave it.
    roster = Roster.objects.create(post=post, start=now.date(), status=Roster.Status.PUBLISHED, created_by=world.coordinator)
    a = Assignment.objects.create(roster=roster, post=post, person=world.alice, date=timezone.localdate(),
                                  starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=2))
    c = roster_actions.checkin(actor=world.member, post=post)
    assert c.assignment == a and c.minutes == 150
    # Still on duty: nothing recorded yet.
    assert actions.service_records_collect(since=now - dt.timedelta(days=1), until=now) == 0
    later = now + dt.timedelta(hours=3)
    assert actions.service_records_collect(since=now - dt.timedelta(days=1), until=later) == 1
    assert actions.service_records_collect(since=now - dt.timedelta(days=1), until=later) == 0
    r = ServiceRecord.objects.get(person=world.alice)
    assert (r.hours, r.origin, r.organiser, r.recorded_by, r.place) == (
        Decimal("2.50"), "rosters", world.puanli.name, world.coordinator, world.gate.name)


def test_working_days_skip_weekends():
    friday = dt.date(2026, 11, 27)
    assert ledger.working_days_after(friday, 1) == dt.date(2026, 11, 30)
    assert ledger.record_due(friday) == dt.date(2026, 12, 11)
