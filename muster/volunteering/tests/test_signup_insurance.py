"""A project that requires accident insurance: a volunteer without a policy covering the session's day is signed up
all the same but told to record one (page: a warning with the link; API: `insurance_missing`); sign-in still refuses."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from muster.core.errors import Conflict
from muster.volunteering import actions
from muster.volunteering.models import Attendance, Signup
from muster.volunteering.tests.helpers import project, volunteer


def _day(s):
    return timezone.localtime(s.starts_at).date()


def _insure(user, first, last):
    return actions.insurance_record(actor=user, person=user.person, insurer="平安保险", policy_number=f"P{first:%m%d}",
                                    valid_from=first, valid_until=last)


def test_uninsured_sign_up_goes_ahead_with_a_note_and_sign_in_still_refuses(world):
    _p, s = project(world, places=3, insurance_required=True)
    user = volunteer(world)
    row = actions.signup_create(actor=user, session=s)
    assert row.status == Signup.Status.CONFIRMED and row.insurance_missing
    s.refresh_from_db()
    assert s.taken == 1
    note = actions.insurance_missing_note(s)
    assert _day(s).isoformat() in note and "意外险" in note
    with pytest.raises(Conflict) as e:
        actions.attendance_scan(actor=user, code=s.code, now=s.starts_at)
    assert e.value.code == "uninsured" and not Attendance.objects.exists()


def test_a_policy_covering_the_day_leaves_no_note_and_one_ending_the_day_before_does(world):
    _p, s = project(world, places=3, insurance_required=True)
    covered, lapsed = volunteer(world), volunteer(world)
    _insure(covered, _day(s), _day(s))
    _insure(lapsed, _day(s) - dt.timedelta(days=30), _day(s) - dt.timedelta(days=1))
    assert actions.signup_create(actor=covered, session=s).insurance_missing is False
    assert actions.signup_create(actor=lapsed, session=s).insurance_missing is True


def test_no_note_when_the_project_does_not_require_insurance(world):
    _p, s = project(world, places=1)
    assert actions.signup_create(actor=volunteer(world), session=s).insurance_missing is False
    # nor on the waiting list
    assert actions.signup_create(actor=volunteer(world), session=s, waitlist=True).insurance_missing is False


def test_the_api_says_insurance_is_missing_and_where_to_record_it(client, world):
    _p, s = project(world, places=3, insurance_required=True)
    bare, covered = volunteer(world), volunteer(world)
    _insure(covered, _day(s) - dt.timedelta(days=1), _day(s) + dt.timedelta(days=1))
    url = f"/api/v1/volunteering/sessions/{s.pk}/signup"
    client.force_login(bare)
    r = client.post(url, data=json.dumps({}), content_type="application/json", HTTP_IDEMPOTENCY_KEY="bare-1")
    body = r.json()
    assert r.status_code == 201 and body["status"] == "confirmed" and body["insurance_missing"] is True
    assert _day(s).isoformat() in body["insurance_note"]
    assert body["insurance_url"] == "/api/v1/volunteering/insurance/mine"
    # the retried request gets the same answer back
    again = client.post(url, data=json.dumps({}), content_type="application/json", HTTP_IDEMPOTENCY_KEY="bare-1")
    assert again.status_code == 201 and again.json() == body
    client.force_login(covered)
    r = client.post(url, data=json.dumps({}), content_type="application/json", HTTP_IDEMPOTENCY_KEY="cov-1")
    assert r.status_code == 201 and r.json()["insurance_missing"] is False
    assert r.json()["insurance_note"] == r.json()["insurance_url"] == ""


def test_the_page_warns_with_a_link_to_record_the_policy(client, world):
    _p, s = project(world, places=3, insurance_required=True)
    bare, covered = volunteer(world), volunteer(world)
    _insure(covered, _day(s), _day(s) + dt.timedelta(days=365))
    client.force_login(bare)
    r = client.post(f"/volunteering/s/{s.pk}/signup/", follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and Signup.objects.filter(person=bare.person, status="confirmed").exists()
    warning = re.search(r'<li class="warning">(.*?)</li>', page)
    assert warning and '<a href="/volunteering/insurance/">登记保单</a>' in warning[1]
    assert "意外险" in warning[1] and _day(s).isoformat() in warning[1]
    client.force_login(covered)
    r = client.post(f"/volunteering/s/{s.pk}/signup/", follow=True)
    assert Signup.objects.filter(person=covered.person, status="confirmed").exists()
    assert '<li class="warning">' not in r.content.decode()
