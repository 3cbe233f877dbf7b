"""Accident insurance: a project that requires it admits to sign-in only volunteers with a policy covering the
session's day, by the session code, its QR or the leader's scan; the organiser sees who lacks cover."""

import datetime as dt

import pytest
from django.utils import timezone

from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent
from muster.volunteering import actions, selectors_teams
from muster.volunteering.audits import Audit
from muster.volunteering.models import Attendance, Insurance, Team
from muster.volunteering.tests.helpers import project, volunteer


@pytest.fixture
def insured_project(world):
    p, s = project(world, places=3, hours=4, insurance_required=True)
    user = volunteer(world)
    actions.signup_create(actor=user, session=s)
    return p, s, user


def _day(s):
    return timezone.localtime(s.starts_at).date()


def test_sign_in_without_cover_is_refused_and_nothing_is_recorded(insured_project):
    _p, s, user = insured_project
    with pytest.raises(Conflict) as e:
        actions.attendance_scan(actor=user, code=s.code, now=s.starts_at)
    assert e.value.code == "uninsured" and "保险" in str(e.value.message) or e.value.code == "uninsured"
    assert not Attendance.objects.exists()
    assert selectors_teams.uncovered_person_ids(s) == {user.person_id}


def test_a_policy_that_ended_before_the_session_does_not_cover_it(insured_project):
    _p, s, user = insured_project
    day = _day(s)
    actions.insurance_record(actor=user, person=user.person, insurer="中国人保", policy_number="PA-1",
                             valid_from=day - dt.timedelta(days=30), valid_until=day - dt.timedelta(days=1))
    with pytest.raises(Conflict) as e:
        actions.attendance_scan(actor=user, code=s.code, now=s.starts_at)
    assert e.value.code == "uninsured" and not Attendance.objects.exists()


def test_sign_in_with_cover_is_accepted_by_code_and_by_the_leaders_scan(world, insured_project):
    _p, s, user = insured_project
    day = _day(s)
    actions.insurance_record(actor=user, person=user.person, insurer="中国人保", policy_number="pa 2026 001",
                             valid_from=day, valid_until=day + dt.timedelta(days=365))
    assert selectors_teams.uncovered_person_ids(s) == set()
    scan = actions.attendance_scan(actor=user, code=s.code, now=s.starts_at)
    assert scan.action == "in"
    other = volunteer(world)
    actions.signup_create(actor=other, session=s)
    with pytest.raises(Conflict) as e:
        actions.attendance_scan_person(actor=world.coordinator, session=s,
                                       personal=actions.personal_code(other.person), now=s.starts_at)
    assert e.value.code == "uninsured"
    # The coordinator of the project records the other's policy; the leader's scan then signs them in.
    actions.insurance_record(actor=world.coordinator, person=other.person, insurer="平安", policy_number="X9",
                             valid_from=day - dt.timedelta(days=1), valid_until=day)
    assert actions.attendance_scan_person(actor=world.coordinator, session=s, personal=actions.personal_code(other.person),
                                          now=s.starts_at).action == "in"
    assert Insurance.objects.get(person=user.person).policy_number == "PA2026001"
    assert AuditEvent.objects.filter(action=Audit.INSURANCE_RECORD).count() == 2


def test_projects_without_the_requirement_need_no_policy(world):
    _p, s = project(world, places=2)
    user = volunteer(world)
    actions.signup_create(actor=user, session=s)
    assert actions.attendance_scan(actor=user, code=s.code, now=s.starts_at).action == "in"
    assert selectors_teams.uncovered_person_ids(s) == set()


def test_bad_policies_and_strangers_are_refused_and_a_duplicate_changes_nothing(world, insured_project):
    _p, s, user = insured_project
    day = _day(s)
    with pytest.raises(Forbidden):
        actions.insurance_record(actor=world.outsider, person=user.person, insurer="平安", policy_number="A1",
                                 valid_from=day, valid_until=day)
    with pytest.raises(Forbidden):
        actions.insurance_record(actor=volunteer(world), person=user.person, insurer="平安", policy_number="A1",
                                 valid_from=day, valid_until=day)
    for field, kw in (("insurer", {"insurer": " "}), ("policy_number", {"policy_number": ""}),
                      ("valid_until", {"valid_until": day - dt.timedelta(days=1)}),
                      ("valid_until", {"valid_until": day + dt.timedelta(days=366 * 6)})):
        data = {"insurer": "平安", "policy_number": "A1", "valid_from": day, "valid_until": day, **kw}
        with pytest.raises(InvalidInput) as e:
            actions.insurance_record(actor=user, person=user.person, **data)
        assert e.value.field == field
    assert not Insurance.objects.exists()
    actions.insurance_record(actor=user, person=user.person, insurer="平安", policy_number="A1", valid_from=day,
                             valid_until=day)
    with pytest.raises(Conflict) as e:
        actions.insurance_record(actor=user, person=user.person, insurer="平安", policy_number="a1", valid_from=day,
                                 valid_until=day + dt.timedelta(days=3))
    assert e.value.code == "duplicate" and Insurance.objects.get().valid_until == day


def test_a_team_manager_records_a_members_policy(world):
    manager = volunteer(world)
    team = actions.team_create(actor=world.coordinator, name="保险队", region=world.puanli, join_mode=Team.JoinMode.OPEN,
                               managers=[manager.person])
    member = volunteer(world, region=world.bajiao)
    today = timezone.localdate()
    with pytest.raises(Forbidden):
        actions.insurance_record(actor=manager, person=member.person, insurer="平安", policy_number="M1",
                                 valid_from=today, valid_until=today)
    actions.team_join(actor=member, team=team)
    actions.insurance_record(actor=manager, person=member.person, insurer="平安", policy_number="M1",
                             valid_from=today, valid_until=today)
    assert selectors_teams.volunteer_get(manager, member.person_id).person == member.person
