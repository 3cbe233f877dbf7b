import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from muster.core.errors import Conflict, Forbidden
from muster.geo.models import Site
from muster.quarantine import actions, selectors
from muster.quarantine.models import Case
from muster.testing import actions as testing
from muster.testing.tests.factories import campaign, resident_id_of
from muster.web.tests.pdftext import pdf_text


@pytest.fixture
def hotel(world):
    return Site.objects.create(region=world.puanli, kind=Site.Kind.HOTEL, name="丰台隔离酒店", address="某路1号")


def open_case(world, hotel, person=None, days_ago=15):
    today = timezone.localdate()
    return actions.case_open(actor=world.coordinator, data=actions.CaseData(
        person=person or world.alice, site=hotel, start=today - dt.timedelta(days=days_ago),
        planned_end=today - dt.timedelta(days=days_ago - 14), room="301"))


def test_release_rules_and_notice(world, hotel, login):
    case = open_case(world, hotel)
    ok, reasons = selectors.release_check(case)
    assert not ok and any("0" in r for r in reasons)
    with pytest.raises(Conflict):
        actions.case_release(actor=world.coordinator, case=case)
    today = timezone.localdate()
    actions.case_test_record(actor=world.coordinator, case=case, taken_on=today - dt.timedelta(days=3), result="negative")
    actions.case_test_record(actor=world.coordinator, case=case, taken_on=today - dt.timedelta(days=1), result="negative")
    notice = actions.case_release(actor=world.coordinator, case=case)
    case.refresh_from_db()
    assert case.status == Case.Status.RELEASED and notice.number
    client = login(world.coordinator)
    pdf = client.get(f"/quarantine/{case.pk}/notice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "解除医学观察通知书" in text and "张秀英" in text
    page = Client().get(f"/quarantine/verify/{notice.token}/").content.decode()
    assert "张*英" in page and notice.number in page
    assert Client().get("/quarantine/verify/nope/").status_code == 404


def test_positive_blocks_release_and_planned_end_counts(world, hotel):
    case = open_case(world, hotel, days_ago=5)
    today = timezone.localdate()
    actions.case_test_record(actor=world.coordinator, case=case, taken_on=today - dt.timedelta(days=3), result="negative")
    actions.case_test_record(actor=world.coordinator, case=case, taken_on=today - dt.timedelta(days=2), result="negative")
    ok, reasons = selectors.release_check(case)
    assert not ok and len(reasons) == 1  # only the period is left
    assert selectors.release_check(case, today=today + dt.timedelta(days=10))[0]
    actions.case_test_record(actor=world.coordinator, case=case, taken_on=today, result="positive")
    assert not selectors.release_check(case, today=today + dt.timedelta(days=10))[0]


def test_quarantined_person_goes_in_a_single_tube_and_campaign_results_count(world, hotel):
    case = open_case(world, hotel)
    c, point = campaign(world, pool_size=5)
    testing.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    res = testing.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=resident_id_of(world.alice))
    assert res["tube"]["capacity"] == 1
    from muster.testing.tests.factories import ship

    ship(world, point, ["T000000001"])
    testing.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=testing.parse_result_text("T000000001 negative")[0])
    assert [t["result"] for t in selectors.case_tests(case)] == ["negative"]


def test_bulk_release_per_hotel_and_printable_notices(world, hotel, login):
    from muster.testing.tests.factories import people

    ps = people(world, 3)
    today = timezone.localdate()
    cases = [open_case(world, hotel, person=p) for p in ps]
    for c in cases[:2]:
        for d in (3, 1):
            actions.case_test_record(actor=world.coordinator, case=c, taken_on=today - dt.timedelta(days=d), result="negative")
    client = login(world.coordinator)
    r = client.post(f"/quarantine/hotel/{hotel.pk}/release/")
    assert r.status_code == 302
    assert Case.objects.filter(status=Case.Status.RELEASED).count() == 2
    pdf = client.get(f"/quarantine/hotel/{hotel.pk}/notices.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.status_code == 200
    assert pdf_text(pdf.content).count("解除医学观察通知书") == 2


def test_scoping(world, hotel, login):
    case = open_case(world, hotel)
    with pytest.raises(Forbidden):
        open_case(type("W", (), {"coordinator": world.outsider, "alice": world.bob})(), hotel, person=world.bob)
    assert login(world.outsider).get(f"/quarantine/{case.pk}/").status_code == 404  # out of scope: not found
    assert login(world.coordinator).get("/quarantine/").status_code == 200
    assert login(world.coordinator).get(f"/quarantine/{case.pk}/").status_code == 200
    assert login(world.coordinator).get("/quarantine/new/").status_code == 200
    assert login(world.lab_tech).get("/quarantine/").status_code == 403


def test_api(world, hotel, login):
    client = login(world.coordinator)
    today = timezone.localdate()
    r = client.post("/api/v1/quarantine/cases", {"id_number": "11010519491231002X", "site": hotel.pk, "start": str(today),
                                                 "planned_end": str(today + dt.timedelta(days=14))}, content_type="application/json")
    assert r.status_code == 201 and r.json()["person"] == "张秀英"
    again = client.post("/api/v1/quarantine/cases", {"id_number": "11010519491231002X", "site": hotel.pk, "start": str(today),
                                                     "planned_end": str(today + dt.timedelta(days=14))}, content_type="application/json")
    assert again.status_code == 409
    assert client.get("/api/v1/quarantine/cases").json()["items"][0]["releasable"] is False
    assert client.post(f"/api/v1/quarantine/cases/{r.json()['id']}/release").status_code == 409
