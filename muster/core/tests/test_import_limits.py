"""What an upload may cost (issue 10): rows and errors capped, zip bombs and lying dimensions refused,
large imports run by the worker, all or nothing."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from muster.core import imports
from muster.core.errors import InvalidInput
from muster.core.models import ImportJob
from muster.people.actions import people_import
from muster.people.models import Person

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _cell(v: str) -> str:
    return f'<c t="inlineStr"><is><t>{v}</t></is></c>'


def xlsx(rows: list[list[str]] | None = None, *, dimension: str | None = None, repeat: tuple[list[str], int] | None = None) -> bytes:
    """An XLSX written by hand, so that a test can give it a lying <dimension> or a million rows in a second."""
    body = [b"<row>" + "".join(_cell(v) for v in r).encode() + b"</row>" for r in rows or []]
    if repeat:
        body.append((b"<row>" + "".join(_cell(v) for v in repeat[0]).encode() + b"</row>") * repeat[1])
    head = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", BOOK_RELS)):
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", head.encode() + b"<sheetData>" + b"".join(body) + b"</sheetData></worksheet>")
    return buf.getvalue()


HEADER = ["name", "community_code", "phone"]


def _upload(client, data: bytes, name: str = "people.xlsx"):
    return client.post("/people/import/", {"file": SimpleUploadedFile(name, data)})


# --- a million bad rows ------------------------------------------------------------------------

def test_a_million_bad_rows_are_refused_at_once_in_bounded_memory(world, login):
    data = xlsx([HEADER], repeat=(["某人", "999999999999", "123"], 1_000_000))
    client = login(world.coordinator)
    assert client.get("/people/import/").status_code == 200  # the first request loads the URLconf: not what is measured
    tracemalloc.start()
    t0 = time.perf_counter()
    r = _upload(client, data)
    seconds = time.perf_counter() - t0
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    page = r.content.decode()
    assert r.status_code == 422 and "50,000" in page
    assert seconds < 10 and peak < 40 * 1024 * 1024, (seconds, peak)
    assert len(page) < 100_000 and not Person.objects.filter(name="某人").exists()


def test_the_error_list_is_capped_with_a_count_of_the_rest(world, settings):
    settings.IMPORT_MAX_ERRORS = 200
    data = ("name,community_code\n" + "某人,999999999999\n" * 5_000).encode()
    report = people_import(actor=world.coordinator, data=data, filename="p.csv")
    assert len(report.errors) == 200 and report.error_count == 5_000 and report.more_errors == 4_800
    assert report.as_dict()["more_errors"] == 4_800


def test_the_import_page_shows_the_first_errors_and_how_many_more(world, login, settings):
    settings.IMPORT_MAX_ERRORS = 20
    r = _upload(login(world.coordinator), ("name,community_code\n" + "某人,999999999999\n" * 500).encode(), "p.csv")
    page = r.content.decode()
    assert r.status_code == 422 and page.count("999999999999") == 20 and 'id="more-errors"' in page and "480" in page


def test_rows_over_the_cap_are_refused_even_when_the_count_is_fooled(world, settings):
    settings.IMPORT_MAX_ROWS = 10
    with pytest.raises(InvalidInput):
        list(imports.read_table(("a\n" + "x\n" * 11).encode(), "p.csv", max_rows_=10))
    assert len(list(imports.read_table(("a\n" + "x\n" * 10).encode(), "p.csv", max_rows_=10))) == 10


# --- zip bombs and lying dimensions -------------------------------------------------------------

def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(world, settings, monkeypatch):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b"\0" * (50 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < 200_000

    import openpyxl

    def never(*a, **k):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(InvalidInput) as e:
        people_import(actor=world.coordinator, data=data, filename="bomb.xlsx")
    assert e.value.field == "file" and "MB" in str(e.value.message)


def test_a_wrong_dimension_imports_every_row(world):
    rows = [HEADER] + [[f"行{i}", world.puanli.code, ""] for i in range(5)]
    report = people_import(actor=world.coordinator, data=xlsx(rows, dimension="A1:C2"), filename="p.xlsx")
    assert report.ok and report.total == 5 and report.created == 5
    assert Person.objects.filter(name__startswith="行").count() == 5


def test_a_wrong_dimension_hiding_a_bad_row_imports_none(world):
    rows = [HEADER] + [[f"行{i}", world.puanli.code, ""] for i in range(5)] + [["坏", "999999999999", ""]]
    report = people_import(actor=world.coordinator, data=xlsx(rows, dimension="A1:C2"), filename="p.xlsx")
    assert not report.ok and [e.line for e in report.errors] == [7]
    assert not Person.objects.filter(name__startswith="行").exists()


# --- large imports run as background jobs ---------------------------------------------------------

def test_a_large_valid_import_runs_in_the_background_and_completes(world, login, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client = login(world.coordinator)
    rows = [HEADER] + [[f"后台{i}", world.puanli.code, ""] for i in range(8)]
    with django_capture_on_commit_callbacks(execute=True):
        r = _upload(client, xlsx(rows))
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/imports/{job.pk}/"
    assert job.status == ImportJob.Status.DONE and job.rows == 8 and job.done == 8 and job.data == b""
    assert job.report["created"] == 8 and Person.objects.filter(name__startswith="后台").count() == 8
    page = client.get(r["Location"]).content.decode()
    assert "every 2s" not in page and "/people/" in page
    assert login(world.outsider).get(r["Location"]).status_code == 404


def test_a_large_import_with_one_bad_row_imports_nothing_and_reports_it(world, login, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client = login(world.coordinator)
    rows = [HEADER] + [[f"后台{i}", world.puanli.code, ""] for i in range(8)] + [["外人", world.bajiao.code, ""]]
    with django_capture_on_commit_callbacks(execute=True):
        r = _upload(client, xlsx(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REFUSED and [e["line"] for e in job.report["errors"]] == [10]
    assert not Person.objects.filter(name__startswith="后台").exists()
    page = client.get(r["Location"]).content.decode()
    assert 'id="import-report"' in page and ">10<" in page


def test_a_queued_import_page_polls_every_two_seconds(world, login, settings):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client = login(world.coordinator)
    r = _upload(client, xlsx([HEADER] + [[f"等{i}", world.puanli.code, ""] for i in range(5)]))  # never committed: stays queued
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    page = client.get(r["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    fragment = client.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="import-job"' in fragment


def test_a_large_flag_import_runs_in_the_background(world, login, settings, django_capture_on_commit_callbacks):
    from muster.testing.models import SingleTubeFlag
    from muster.testing.tests.factories import people, resident_id_of

    settings.IMPORT_BACKGROUND_ROWS = 2
    ps = people(world, 4)
    data = ("id_number\n" + "".join(f"{resident_id_of(p)}\n" for p in ps)).encode()
    with django_capture_on_commit_callbacks(execute=True):
        r = login(world.coordinator).post("/testing/flags/import/", {"file": SimpleUploadedFile("f.csv", data),
                                                                     "reason": "contact", "note": ""})
    job = ImportJob.objects.get()
    assert r.status_code == 302 and job.status == ImportJob.Status.DONE, job.report
    assert SingleTubeFlag.objects.filter(person__in=ps, active=True).count() == 4


def test_a_large_results_file_runs_in_the_background_all_or_nothing(world, login, settings, django_capture_on_commit_callbacks):
    from muster.testing.models import Tube
    from muster.testing.tests.factories import campaign, people, sample_all, ship

    settings.IMPORT_BACKGROUND_ROWS = 3
    _c, point = campaign(world, pool_size=1)
    tubes = sample_all(world, point, people(world, 5))
    ship(world, point, tubes)
    client = login(world.lab_tech)
    bad = ("tube,result\n" + "".join(f"{t},negative\n" for t in tubes) + "T999999999,negative\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/testing/lab/{world.lab_site.pk}/", {"op": "results", "file": SimpleUploadedFile("r.csv", bad)})
    job = ImportJob.objects.get()
    assert r.status_code == 302 and job.status == ImportJob.Status.REFUSED and job.report["errors"][0]["line"] == 7
    assert not Tube.objects.filter(barcode__in=tubes).exclude(result="").exists()
    good = ("tube,result\n" + "".join(f"{t},negative\n" for t in tubes)).encode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/testing/lab/{world.lab_site.pk}/", {"op": "results", "file": SimpleUploadedFile("r.csv", good)})
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.DONE and job.report["updated"] == 5
    assert Tube.objects.filter(barcode__in=tubes, result="negative").count() == 5
