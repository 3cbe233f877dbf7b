import io

import pytest
from openpyxl import Workbook

from muster.core.models import AuditEvent
from muster.people.actions import people_import
from muster.people.models import Affiliation, Person


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_valid_csv_imports_every_row_with_skills_and_affiliations(world):
    data = _csv(
        "name,community_code,phone,sex,id_number,skills,organisation,organisation_kind,role\n"
        "赵一,110106007005,13900000001,男,11010519491231010X,car;medical,蒲安里党支部,party_branch,member\n"
        "钱二,110106007005,,F,,,,,\n"
    )
    report = people_import(actor=world.coordinator, data=data, filename="p.csv")
    assert report.ok and report.created == 2
    zhao = Person.objects.get(name="赵一")
    assert zhao.birth_year == 1949 and zhao.sex == "M"
    assert set(zhao.skills.values_list("code", flat=True)) == {"car", "medical"}
    assert Affiliation.objects.get(person=zhao).organisation.kind == "party_branch"
    assert AuditEvent.objects.filter(action="people.import", actor=world.coordinator).exists()
    world.puanli.refresh_from_db()
    assert world.puanli.people_count == 3


def test_one_bad_row_saves_nothing_and_reports_every_problem_by_line(world):
    before = Person.objects.count()
    data = _csv(
        "name,community_code,phone,id_number,skills\n"
        "好人,110106007005,13900000001,,\n"
        ",110106007005,,,\n"
        "坏号,110106007005,123,,\n"
        "外人,110107003009,,,\n"
        "无码,999999999999,,,\n"
        "怪技,110106007005,,,flying\n"
        "重复,110106007005,,11010519491231002X,\n"
    )
    report = people_import(actor=world.coordinator, data=data, filename="p.csv")
    assert not report.ok
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "name"), (4, "phone"), (5, "community_code"), (6, "community_code"), (7, "skills"), (8, "id_number"),
    ]
    assert Person.objects.count() == before


def test_duplicate_document_within_the_file_is_refused(world):
    data = _csv("name,community_code,id_number\n甲,110106007005,11010519491231010X\n乙,110106007005,11010519491231010X\n")
    report = people_import(actor=world.coordinator, data=data, filename="p.csv")
    assert [(e.line, e.field) for e in report.errors] == [(3, "id_number")]


def test_xlsx_with_chinese_headers_imports(world):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "社区代码", "手机", "性别", "出生年份"])
    ws.append(["孙三", 110106007005, 13900000003, "女", 1960])
    buf = io.BytesIO()
    wb.save(buf)
    report = people_import(actor=world.coordinator, data=buf.getvalue(), filename="p.xlsx")
    assert report.ok, report.errors
    assert Person.objects.get(name="孙三").birth_year == 1960


@pytest.mark.parametrize("payload, name", [(b"", "p.csv"), (b"\xff\xfe\x00garbage", "p.csv"), (b"PK\x03\x04broken", "p.xlsx"), (b"a", "p.pdf")])
def test_unreadable_files_get_a_clear_error(world, payload, name):
    from muster.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        people_import(actor=world.coordinator, data=payload, filename=name)
    assert err.value.field == "file"


def test_gb18030_csv_from_excel_is_read(world):
    data = "姓名,社区代码\n周四,110106007005\n".encode("gb18030")
    assert people_import(actor=world.coordinator, data=data, filename="p.csv").ok
