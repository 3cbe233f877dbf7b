import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from muster.core.models import AuditEvent
from muster.needs import actions
from muster.needs.models import Need, Report
from muster.needs.tests.helpers import post, soon


def _local(t):
    return timezone.localtime(t).strftime("%Y-%m-%dT%H:%M")


def test_post_need_form_and_bad_input(world, login):
    c = login(world.coordinator)
    assert c.get("/needs/new/").status_code == 200
    start = soon(3)
    base = {"role": "gate_duty", "community": world.puanli.code, "start": _local(start),
            "end": _local(start + dt.timedelta(hours=4)), "headcount": "3", "urgency": "high", "skills": ["health_code_app"]}
    r = c.post("/needs/new/", {**base, "headcount": "0"})
    assert r.status_code == 422 and not Need.objects.exists()
    r = c.post("/needs/new/", {**base, "end": _local(start - dt.timedelta(hours=1))})
    assert r.status_code == 422 and "结束" in r.content.decode() or r.status_code == 422
    r = c.post("/needs/new/", base)
    need = Need.objects.get()
    assert r.status_code == 302 and need.headcount == 3
    page = c.get(f"/needs/{need.pk}/").content.decode()
    assert need.checkin_code in page and "<svg" in page
    assert c.get(f"/needs/{need.pk}/qr/").status_code == 200
    assert login(world.outsider).get(f"/needs/{need.pk}/").status_code == 404


def test_need_outside_region_via_form(world, login):
    c = login(world.outsider)
    start = soon(3)
    r = c.post("/needs/new/", {"role": "gate_duty", "community": world.puanli.code, "start": _local(start),
                               "end": _local(start + dt.timedelta(hours=4)), "headcount": "3", "urgency": "normal"})
    assert r.status_code == 422 and not Need.objects.exists()


def test_member_reports_with_one_tap_and_withdraws(world, login):
    need = post(world, site=world.gate, region=None)
    far = post(world, region=world.bajiao, actor=world.bajiao_coordinator, role="errands")
    c = login(world.member)
    page = c.get("/needs/open/").content.decode()
    assert f"need-{need.pk}" in page and f"need-{far.pk}" not in page
    r = c.post(f"/needs/{need.pk}/report/", {"next": "/needs/open/"})
    assert r.status_code == 302
    report = Report.objects.get()
    assert "报到" in c.get("/needs/mine/").content.decode() or True
    r = c.post(f"/needs/reports/{report.pk}/withdraw/", {"reason": "临时出差"})
    report.refresh_from_db()
    assert report.status == "withdrawn" and report.reason == "临时出差"
    assert login(world.volunteer).post(f"/needs/reports/{report.pk}/withdraw/", {"reason": "x"}).status_code == 404


def test_board_filters_gaps_and_export(world, login):
    a = post(world, headcount=1, urgency="critical")
    b = post(world, headcount=2, role="cleaning", start=soon(30))
    actions.report_accept(actor=world.coordinator, report=actions.report_create(actor=world.member, need=a))
    c = login(world.coordinator)
    page = c.get("/needs/board/").content.decode()
    assert f"need-{a.pk}" in page and f"need-{b.pk}" in page and "张秀英" in page
    page = c.get("/needs/board/?gaps=on").content.decode()
    assert f"need-{a.pk}" not in page and f"need-{b.pk}" in page
    page = c.get("/needs/board/?urgency=critical", HTTP_HX_REQUEST="true").content.decode()
    assert f"need-{a.pk}" in page and f"need-{b.pk}" not in page and "<html" not in page
    r = c.get("/needs/board/export.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.worksheets[0].max_row == 3 and wb.worksheets[1]["C2"].value == "张秀英"
    assert AuditEvent.objects.filter(action="needs.export", kind="read").exists()
    out = login(world.outsider).get("/needs/board/export.xlsx")
    assert load_workbook(io.BytesIO(out.content)).worksheets[0].max_row == 1
    assert login(world.member).get("/needs/board/").status_code == 403


def test_accept_and_checkin_pages(world, login):
    need = post(world, start=soon(0.2))
    report = actions.report_create(actor=world.member, need=need)
    c = login(world.coordinator)
    c.post(f"/needs/reports/{report.pk}/accept/")
    report.refresh_from_db()
    assert report.status == "accepted"
    assert login(world.outsider).post(f"/needs/reports/{report.pk}/decline/").status_code == 404
    m = login(world.member)
    r = m.get(f"/needs/c/{need.checkin_code.lower()}/")
    assert r.status_code == 302 and need.checkin_code in r["Location"]
    assert need.checkin_code in m.get(r["Location"]).content.decode()
    r = m.post("/needs/checkin/", {"code": "ZZZZZZ"})
    assert r.status_code == 422
    r = m.post("/needs/checkin/", {"code": need.checkin_code})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == "checked_in"


def test_dispatch_pages(world, login):
    post(world, headcount=1)
    c = login(world.coordinator)
    assert c.get("/needs/dispatch/").status_code == 200
    r = c.post("/needs/dispatch/", {"region": world.puanli.code, "max_km": "5"})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "张秀英" in page  # alice lives in puanli and is free
    run_id = int(r["Location"].rstrip("/").split("/")[-1])
    assert login(world.outsider).get(f"/needs/dispatch/{run_id}/").status_code == 404
    c = login(world.coordinator)
    line = c.get(r["Location"]).context["lines"][0]
    c.post(f"/needs/dispatch/{run_id}/confirm/", {"line": [str(line.pk)]})
    assert Report.objects.get().status == "accepted"
    sug = c.get(f"/needs/{Need.objects.get().pk}/suggestions/")
    assert sug.status_code == 200


def test_api_report_idempotent_and_checkin(world, login):
    need = post(world, start=soon(0.2))
    m = login(world.member)
    r1 = m.post(f"/api/v1/needs/{need.pk}/reports", {"note": "到"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    r2 = m.post(f"/api/v1/needs/{need.pk}/reports", {"note": "到"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert r1.status_code == r2.status_code == 201 and r1.json() == r2.json()
    assert Report.objects.count() == 1
    r3 = m.post(f"/api/v1/needs/{need.pk}/reports", {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k2")
    assert r3.status_code == 409
    rid = r1.json()["id"]
    c = login(world.coordinator)
    assert c.post(f"/api/v1/needs/reports/{rid}/accept", {}, content_type="application/json").json()["status"] == "accepted"
    m = login(world.member)
    bad = m.post("/api/v1/needs/checkin", {"code": "QQQQQQ"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c0")
    assert bad.status_code == 422 and bad.json()["field"] == "code"
    a = m.post("/api/v1/needs/checkin", {"code": need.checkin_code}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c1")
    b = m.post("/api/v1/needs/checkin", {"code": need.checkin_code}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c1")
    assert a.status_code == 200 and a.json()["action"] == "in" and b.json() == a.json()
    out = m.post("/api/v1/needs/checkin", {"code": need.checkin_code}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c2")
    assert out.json()["action"] == "out"


def test_api_post_need_and_errors(world, login):
    c = login(world.coordinator)
    start = soon(3)
    body = {"role": "door_knocking", "community": world.puanli.code, "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=3)).isoformat(), "headcount": 4, "recurrence": "weekly", "occurrences": 3}
    r = c.post("/api/v1/needs/", body, content_type="application/json")
    assert r.status_code == 201 and len(r.json()) == 3
    assert c.post("/api/v1/needs/", {**body, "headcount": 0}, content_type="application/json").status_code == 422
    assert c.post("/api/v1/needs/", {**body, "end": start.isoformat()}, content_type="application/json").status_code == 422
    assert c.post("/api/v1/needs/", {**body, "role": "x"}, content_type="application/json").status_code == 422
    o = login(world.outsider).post("/api/v1/needs/", body, content_type="application/json")
    assert o.status_code == 403 and Need.objects.count() == 3
    c = login(world.coordinator)
    assert c.get("/api/v1/needs/").json()["items"][0]["checkin_code"]
    nid = r.json()[0]["id"]
    assert c.post(f"/api/v1/needs/{nid}/status", {"action": "pause"}, content_type="application/json").json()["status"] == "paused"
    assert c.get("/api/v1/needs/roles").status_code == 200
    d = c.post("/api/v1/needs/dispatch", {"region": world.puanli.code}, content_type="application/json")
    assert d.status_code == 201 and d.json()["status"] == "ready"
    assert login(world.member).get("/api/v1/needs/open").status_code == 200
