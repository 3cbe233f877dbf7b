"""The leader's attendance page (QR on SITE_URL, personal-code scan, back-fill, no-show) and the volunteer's code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from muster.volunteering import actions
from muster.volunteering.models import Attendance, ServiceRecord, Session, Signup
from muster.volunteering.tests.helpers import project, volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(world):
    """A session going on now, with one confirmed volunteer."""
    p, s = project(world, places=3, hours=4)
    user, other = volunteer(world), volunteer(world)
    row = actions.signup_create(actor=user, session=s)
    actions.signup_create(actor=other, session=s)
    # Signed up ahead; the day has come (sessions cannot be created in the past).
    now = timezone.now().replace(microsecond=0)
    Session.objects.filter(pk=s.pk).update(starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=3))
    s.refresh_from_db()
    return p, s, user, row


def test_leader_page_shows_the_qr_to_the_attend_page_on_site_url(world, login, running, settings):
    settings.SITE_URL = "https://muster.example.cn"
    _p, s, _u, _row = running
    page = login(world.coordinator).get(f"/volunteering/manage/s/{s.pk}/attendance/").content.decode()
    assert f"https://muster.example.cn/volunteering/attend/?code={s.code}" in page and "<svg" in page


def test_the_qr_link_fills_in_the_code(world, login, running):
    _p, s, user, _row = running
    page = login(user).get(f"/volunteering/attend/?code={s.code}").content.decode()
    assert f'value="{s.code}"' in page


def test_leader_scans_personal_code_then_backfills_and_marks_no_show(world, login, running):
    _p, s, user, row = running
    other_row = Signup.objects.filter(session=s).exclude(pk=row.pk).get()
    other = other_row.person
    url = f"/volunteering/manage/s/{s.pk}/attendance/"
    me = login(user).get("/volunteering/me/").content.decode()
    code = actions.personal_code(user.person)
    assert code in me
    client = login(world.coordinator)
    r = client.post(url, {"scan-personal": code})
    assert r.status_code == 302 and Attendance.objects.get(signup=row).method == "leader"
    r = client.post(url, {"scan-personal": "V1:forged"})
    assert r.status_code == 200 and Attendance.objects.count() == 1
    r = client.post(url, {"fill-signup": other_row.pk, "fill-hours": "9", "fill-reason": "纸质签到"})
    assert r.status_code == 200 and not ServiceRecord.objects.filter(person=other).exists()  # over the session
    r = client.post(url, {"no_show": other_row.pk})
    assert r.status_code == 302 and Signup.objects.get(pk=other_row.pk).status == "no_show"
    page = client.get(url).content.decode()
    assert 'id="no-shows"' in page and "1" in page.split('id="no-shows"')[1][:40]


def test_only_the_organiser_opens_the_attendance_page(world, login, running):
    _p, s, user, _row = running
    assert login(user).get(f"/volunteering/manage/s/{s.pk}/attendance/").status_code in (403, 404)
