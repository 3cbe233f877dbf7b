"""Corrections (asked by the volunteer, decided by the organiser, audited, in the organiser's inbox), trainings and
awards, certificates of service (PDF with Chinese text and a QR to the verify page) and their verification, stars."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.models import AuditEvent
from muster.notifications import inbox
from muster.volunteering import actions, selectors
from muster.volunteering.models import Certificate, Correction, ServiceRecord, stars_for
from muster.volunteering.tests.helpers import project, volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(world):
    p, s = project(world, places=3, hours=4, description="逐户敲门登记")
    user = volunteer(world)
    actions.signup_create(actor=user, session=s)
    actions.attendance_scan(actor=user, code=s.code, now=s.starts_at)
    actions.attendance_scan(actor=user, code=s.code, now=s.ends_at)
    return user, ServiceRecord.objects.get(person=user.person)


def test_correction_asked_and_accepted_changes_the_record(world, served):
    user, record = served
    c = actions.correction_request(actor=user, record=record, reason="我实际服务到 14:00", hours="4.5")
    items = [i for i in inbox.gather(world.coordinator) if i.kind == "volunteering.corrections"]
    assert len(items) == 1 and user.person.name in items[0].title
    with pytest.raises(Conflict):  # one open request per record
        actions.correction_request(actor=user, record=record, reason="again")
    with pytest.raises(Forbidden):  # the volunteer cannot decide their own
        actions.correction_decide(actor=user, correction=c, accept=True, answer="ok")
    with pytest.raises(InvalidInput):
        actions.correction_decide(actor=world.coordinator, correction=c, accept=True, answer=" ")
    c = actions.correction_decide(actor=world.coordinator, correction=c, accept=True, answer="签到表核实")
    record.refresh_from_db()
    assert c.status == Correction.Status.ACCEPTED and record.hours == Decimal("4.50")
    assert AuditEvent.objects.filter(action="service_record.correction_decide").get().changes["hours"] == ["4.00", "4.50"]
    with pytest.raises(Conflict):
        actions.correction_decide(actor=world.coordinator, correction=c, accept=False, answer="twice")


def test_correction_refused_keeps_the_record(world, served):
    user, record = served
    c = actions.correction_request(actor=user, record=record, reason="时长不对", hours="6")
    actions.correction_decide(actor=world.coordinator, correction=c, accept=False, answer="本场只有 4 小时")
    record.refresh_from_db()
    assert record.hours == Decimal("4.00") and Correction.objects.get().answer == "本场只有 4 小时"


def test_correction_of_someone_elses_record_refused(world, served, login):
    _user, record = served
    other = volunteer(world)
    with pytest.raises(Forbidden):
        actions.correction_request(actor=other, record=record, reason="不是我的")
    with pytest.raises(NotFound):
        selectors.record_mine(other, record.pk)
    assert login(other).post(f"/volunteering/records/{record.pk}/correct/", {"reason": "x"}).status_code == 404
    assert not Correction.objects.exists()


def test_training_and_award_recorded_by_the_organiser(world, served):
    user, _record = served
    h = actions.honour_record(actor=world.coordinator, person=user.person, kind="training", title="防疫知识培训",
                              date=timezone.localdate(), organiser="蒲安里社区", hours=Decimal("2"))
    actions.honour_record(actor=world.coordinator, person=user.person, kind="award", title="优秀志愿者",
                          date=timezone.localdate(), organiser="东城区")
    assert sorted(x.kind for x in selectors.honours_mine(user)) == ["award", "training"] and h.hours == Decimal("2")
    with pytest.raises(Forbidden):
        actions.honour_record(actor=volunteer(world), person=user.person, kind="award", title="自封", date=timezone.localdate(),
                              organiser="x")


def test_evaluation_of_service_needs_a_rating_and_shows_on_the_volunteers_page(world, served, login):
    from muster.core.errors import InvalidInput
    from muster.volunteering.models import Honour

    user, _record = served
    with pytest.raises(InvalidInput) as e:
        actions.honour_record(actor=world.coordinator, person=user.person, kind="evaluation", title="值守认真",
                              date=timezone.localdate(), organiser="蒲安里社区")
    assert e.value.field == "rating" and not Honour.objects.exists()
    h = actions.honour_record(actor=world.coordinator, person=user.person, kind="evaluation", title="值守认真，主动补位",
                              date=timezone.localdate(), organiser="蒲安里社区", rating="excellent")
    assert (h.kind, h.rating) == ("evaluation", "excellent")
    # A training carries no rating even if one is sent.
    t = actions.honour_record(actor=world.coordinator, person=user.person, kind="training", title="培训",
                              date=timezone.localdate(), organiser="蒲安里社区", rating="poor")
    assert t.rating == ""
    page = login(user).get("/volunteering/me/").content.decode()
    assert "服务评价 (优秀) · 值守认真，主动补位" in page


def test_certificate_pdf_in_chinese_and_verify(world, served, login, settings):
    settings.SITE_URL = "https://muster.example.cn"
    user, record = served
    client = login(user)
    today = timezone.localdate()
    r = client.post("/volunteering/certificates/", {"period_from": f"{today - dt.timedelta(days=30):%Y-%m-%d}",
                                                    "period_to": f"{today + dt.timedelta(days=30):%Y-%m-%d}"})
    c = Certificate.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/certificates/{c.pk}.pdf")
    pdf = client.get(r["Location"])
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
        assert "志愿服务证明" in text and c.number in text and "4.00" in text and world.puanli.name in text
        assert f"https://muster.example.cn/volunteering/verify/{c.number}/" in text
    assert (c.hours, c.records, c.units) == (Decimal("4.00"), 1, world.puanli.name)
    # Anyone verifies it (no sign-in): the QR's address says valid.
    anon = client.__class__()
    page = anon.get(f"/volunteering/verify/{c.number}/?d={c.digest[:16]}").content.decode()
    assert "verdict-valid" in page and "4.00" in page and user.person.name not in page  # the name is masked
    # A forged number, or a QR digest that does not match, says invalid.
    assert "verdict-invalid" in anon.get("/volunteering/verify/ZY20260101DEADBEEF/").content.decode()
    assert "verdict-invalid" in anon.get(f"/volunteering/verify/{c.number}/?d=0000000000000000").content.decode()
    # Altered in the database (hours raised): its digest no longer matches.
    Certificate.objects.filter(pk=c.pk).update(hours=Decimal("400"))
    assert "verdict-invalid" in anon.get(f"/volunteering/verify/{c.number}/?d={c.digest[:16]}").content.decode()


def test_a_certificate_still_verifies_after_the_site_key_is_rotated(world, served, settings):
    from muster.volunteering import selectors

    user, _record = served
    c = actions.certificate_issue(actor=user, period_from=dt.date(2020, 1, 1), period_to=timezone.localdate() + dt.timedelta(days=9))
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 40, [old]
    assert selectors.certificate_check(c.number, c.digest[:16])[0] == "valid"
    settings.SECRET_KEY_FALLBACKS = []  # the old key dropped altogether: nothing vouches for it any more
    assert selectors.certificate_check(c.number, c.digest[:16])[0] == "invalid"


def test_certificate_for_nobodys_hours_refused(world):
    user = volunteer(world)
    with pytest.raises(NotFound) as e:
        actions.certificate_issue(actor=user, period_from=dt.date(2020, 6, 1), period_to=dt.date(2020, 7, 1))
    assert e.value.code == "no_hours" and not Certificate.objects.exists()
    with pytest.raises(InvalidInput):
        actions.certificate_issue(actor=user, period_from=dt.date(2020, 7, 1), period_to=dt.date(2020, 6, 1))


def test_another_persons_certificate_is_not_found(world, served, login):
    user, _record = served
    c = actions.certificate_issue(actor=user, period_from=dt.date(2020, 1, 1), period_to=timezone.localdate() + dt.timedelta(days=9))
    assert login(volunteer(world)).get(f"/volunteering/certificates/{c.pk}.pdf").status_code == 404


def test_star_levels():
    assert [stars_for(h) for h in (0, 99.99, 100, 299, 300, 600, 999, 1000, 1500, 5000)] == [0, 0, 1, 1, 2, 3, 3, 4, 5, 5]


def test_stars_on_the_volunteers_page_and_team_roll(world, served, login):
    user, record = served
    ServiceRecord.objects.filter(pk=record.pk).update(hours=Decimal("320"))
    page = login(user).get("/volunteering/me/").content.decode()
    assert 'id="stars"' in page and "★★" in page and "★★★" not in page
    t = actions.team_create(actor=world.coordinator, name="西关青年志愿队", region=world.puanli)
    actions.team_member_add(actor=world.coordinator, team=t, person=user.person)
    roll = selectors.team_roll(t)
    assert [(m.person_id, m.stars) for m in roll if m.person_id == user.person_id] == [(user.person_id, 2)]


def test_report_by_community_street_district_and_unit_with_export(world, served, login):
    from io import BytesIO

    from openpyxl import load_workbook

    from muster.volunteering import reports

    user, record = served
    month = f"{record.date:%Y-%m}"
    by = {g: [(r.group, r.month, r.volunteers, r.hours, r.records) for r in reports.report(world.coordinator, group=g)]
          for g in reports.GROUPS}
    street = world.puanli.parent
    assert by["community"] == [(world.puanli.name, month, 1, Decimal("4.00"), 1)]
    assert by["unit"] == [(record.organiser, month, 1, Decimal("4.00"), 1)]
    assert by["street"] == [(street.name, month, 1, Decimal("4.00"), 1)]
    assert by["district"][0][2:] == (1, Decimal("4.00"), 1)
    assert reports.report(world.outsider if hasattr(world, "outsider") else user, group="community") == []
    client = login(world.coordinator)
    assert world.puanli.name in client.get("/volunteering/manage/report/").content.decode()
    x = client.get("/volunteering/manage/report/?group=street&format=xlsx")
    body = b"".join(x.streaming_content) if x.streaming else x.content
    rows = list(load_workbook(BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[1][0] == street.name and AuditEvent.objects.filter(action="volunteer_report.export").exists()
