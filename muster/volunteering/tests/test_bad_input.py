"""The issue's "Bad input and faults", through the pages a volunteer uses: each gets a clear message and
changes nothing (the actions' own refusals are tested beside each action)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from muster.volunteering import actions
from muster.volunteering.models import Attendance, Certificate, Correction, Signup
from muster.volunteering.tests.helpers import project, volunteer

pytestmark = pytest.mark.django_db

NO_SESSION = "此时没有您已确认报名、使用此签到码的场次。"


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_full_session_and_duplicate_sign_up_say_so_and_change_nothing(world, login):
    _p, s = project(world, places=1)
    first, second = volunteer(world), volunteer(world)
    c1 = login(first)
    c1.post(f"/volunteering/s/{s.pk}/signup/")
    before = list(Signup.objects.values_list("pk", "status"))
    r = c1.post(f"/volunteering/s/{s.pk}/signup/", follow=True)  # duplicate
    assert any("已" in m for m in _said(r)) and list(Signup.objects.values_list("pk", "status")) == before
    r = login(second).post(f"/volunteering/s/{s.pk}/signup/", follow=True)  # full, no waiting list asked for
    s.refresh_from_db()
    assert _said(r) and s.taken == 1 and Signup.objects.filter(person=second.person).count() == 0


def test_attendance_for_the_wrong_session_or_time_says_so(world, login):
    _p, s = project(world, places=2)
    _p2, other = project(world, places=2, in_days=3)
    user = volunteer(world)
    actions.signup_create(actor=user, session=s)
    client = login(user)
    for code in (other.code, s.code):  # a session they did not sign up for; theirs, but days before it
        r = client.post("/volunteering/attend/", {"code": code})
        assert r.status_code in (200, 422) and NO_SESSION in r.content.decode()
    assert not Attendance.objects.exists()


def test_correction_for_someone_elses_record_and_certificate_for_no_hours(world, login):
    user = volunteer(world)
    client = login(user)
    r = client.post("/volunteering/certificates/", {"period_from": "2020-06-01", "period_to": "2020-07-01"}, follow=True)
    assert any("没有志愿服务时长记录" in m for m in _said(r)) and not Certificate.objects.exists()
    assert client.get("/volunteering/records/999999/correct/").status_code == 404 and not Correction.objects.exists()


def test_minor_without_consent_on_the_public_page(client, world):
    from muster.volunteering.tests.helpers import resident_id, years_ago

    r = client.post("/volunteering/register/", {
        "name": "李同学", "id_type": "resident", "id_number": resident_id(years_ago(16), 77), "district": world.puanli.parent.parent.code
        if world.puanli.parent and world.puanli.parent.parent else "", "community": world.puanli.code, "phone": "13912345677",
        "password": "volunteer-pass-1", "consent": "on", "categories": ["door_knocking"]})
    assert r.status_code in (200, 422) and "监护人" in r.content.decode()
    from muster.volunteering.models import Volunteer
    assert not Volunteer.objects.exists()


def test_nearby_keeps_projects_within_three_km(world, client):
    from muster.geo.models import Region
    from muster.volunteering import selectors

    Region.objects.filter(pk=world.puanli.pk).update(lat=39.86, lon=116.42)
    p, _s = project(world, title="蒲安里敲门")
    near = [x.pk for x in selectors.projects_public(near=(39.87, 116.42))]
    far = [x.pk for x in selectors.projects_public(near=(40.2, 116.42))]
    assert p.pk in near and p.pk not in far
    page = client.get("/volunteering/?lat=39.87&lon=116.42").content.decode()
    assert "蒲安里敲门" in page and 'id="near-on"' in page
    assert "蒲安里敲门" not in client.get("/volunteering/?lat=40.2&lon=116.42").content.decode()
