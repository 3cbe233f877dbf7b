import json
import re

import pytest
from django.test import Client

from muster.notifications.tests.helpers import sms_text
from muster.testing import actions
from muster.testing.models import Box, Sample
from muster.testing.tests.factories import campaign, people, resident_id_of, sample_all, ship
from muster.web.tests.pdftext import pdf_text


def test_pages_render_for_their_roles(world, login):
    c, point = campaign(world)
    tubes = sample_all(world, point, people(world, 7))
    box = ship(world, point, tubes)
    client = login(world.coordinator)
    for url in ["/testing/", f"/testing/{c.pk}/", f"/testing/{c.pk}/board/", f"/testing/{c.pk}/planning/",
                f"/testing/{c.pk}/unsampled/", f"/testing/{c.pk}/recalls/", "/testing/new/"]:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/testing/{c.pk}/points/add/").status_code == 403  # a district campaign is the district's to run
    assert login(world.district_command).get(f"/testing/{c.pk}/points/add/").status_code == 200
    client = login(world.clerk)
    for url in [f"/testing/desk/{point.pk}/", f"/testing/desk/{point.pk}/boxes/", f"/testing/desk/{point.pk}/boxes/{box.pk}/"]:
        assert client.get(url).status_code == 200, url
    client = login(world.lab_tech)
    r = client.get(f"/testing/lab/{world.lab_site.pk}/")
    assert r.status_code == 200


def test_outsider_sees_nothing(world, login):
    c, point = campaign(world, region=world.puanli)
    client = login(world.outsider)
    assert c.name not in client.get("/testing/").content.decode()
    assert client.get(f"/testing/{c.pk}/").status_code == 404
    assert client.get(f"/testing/desk/{point.pk}/").status_code == 404
    assert login(world.lab_tech).get(f"/testing/desk/{point.pk}/").status_code == 404
    assert login(world.clerk).get(f"/testing/lab/{world.lab_site.pk}/").status_code == 404


def test_lab_never_shows_addresses_or_phones(world, login):
    world.collection.address = "蒲安里2号院"
    world.collection.save()
    c, point = campaign(world, pool_size=5)
    ps = people(world, 5)
    tubes = sample_all(world, point, ps)
    ship(world, point, tubes)
    actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=actions.parse_result_text(f"{tubes[0]} positive")[0])
    html = login(world.lab_tech).get(f"/testing/lab/{world.lab_site.pk}/").content.decode()
    assert "蒲安里2号院" not in html and ps[0].phone not in html and ps[0].name not in html


def test_desk_api_endpoints(world, login):
    c, point = campaign(world, pool_size=5)
    (p,) = people(world, 1)
    client = login(world.clerk)
    api = f"/api/v1/testing/points/{point.pk}"
    post = lambda url, body: client.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    r = post(f"{api}/tubes", {"barcode": "T000000001"})
    assert r.status_code == 201 and r.json()["status"] == "open"
    body = {"tube": "T000000001", "scan": resident_id_of(p), "key": "k1"}
    r1, r2 = post(f"{api}/scan", body), post(f"{api}/scan", body)
    assert r1.json()["sample"] == r2.json()["sample"] and r2.json()["replayed"]
    r = post(f"{api}/scan", {"tube": "T000000001", "scan": "garbage!", "key": "k2"})
    assert r.status_code == 422 and r.json()["type"] == "bad_format"
    r = post(f"{api}/scan", {**body, "key": "k3"})
    assert r.status_code == 409 and r.json()["type"] == "already_sampled"
    r = post(f"{api}/tubes/T000000001/close", {})
    assert r.json()["status"] == "closed"
    r = client.post(f"{api}/scan", b"not json", content_type="application/json")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")


def test_box_pages_flow(world, login):
    c, point = campaign(world, pool_size=5)
    tubes = sample_all(world, point, people(world, 5))
    client = login(world.clerk)
    r = client.post(f"/testing/desk/{point.pk}/boxes/", {"barcode": "B0001", "lab": world.lab_site.pk})
    box = Box.objects.get()
    assert r.status_code == 302
    client.post(f"/testing/desk/{point.pk}/boxes/{box.pk}/", {"op": "add", "tubes": "\n".join(tubes)})
    client.post(f"/testing/desk/{point.pk}/boxes/{box.pk}/", {"op": "seal"})
    client.post(f"/testing/desk/{point.pk}/boxes/{box.pk}/", {"op": "hand", "courier": "老刘"})
    box.refresh_from_db()
    assert box.status == Box.Status.IN_TRANSIT and box.courier == "老刘"
    lab = login(world.lab_tech)
    lab.post(f"/testing/lab/{world.lab_site.pk}/", {"op": "receive", "barcode": "B0001"})
    box.refresh_from_db()
    assert box.status == Box.Status.RECEIVED
    r = lab.post(f"/testing/lab/{world.lab_site.pk}/", {"op": "results", "lines": f"{tubes[0]} negative\nT9 what"})
    assert r.status_code == 200 and "T9" not in "" and "2" in r.content.decode()
    r = lab.post(f"/testing/lab/{world.lab_site.pk}/", {"op": "results", "lines": f"{tubes[0]} negative"})
    assert r.status_code == 302


def test_resident_preregisters_looks_up_and_downloads_a_verifiable_report(world):
    c, point = campaign(world, pool_size=5)
    resident = Client()
    r = resident.post(f"/testing/c/{c.pk}/register/", {"name": "张秀英", "id_type": "resident", "id_number": "11010519491231002X"})
    # Already in the registry: the code goes to the phone on record, never onto this page.
    code = re.search(r"MP[0-9A-Z]{12}", sms_text("13800000001")).group(0)
    # (The code itself, not "MP": the page's random CSRF token may hold those two letters.)
    assert r.status_code == 200 and 'id="sent"' in r.content.decode() and code not in r.content.decode()
    actions.tube_open(actor=world.clerk, point=point, barcode="T000000001")
    actions.desk_scan(actor=world.clerk, point=point, tube_barcode="T000000001", scan=code)
    actions.tube_close(actor=world.clerk, point=point, barcode="T000000001")
    ship(world, point, ["T000000001"])
    actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=actions.parse_result_text("T000000001 negative")[0])
    other = Client()
    r = other.post("/testing/result/", {"name": "张秀英", "id_number": "11010519491231002X"})
    assert r.status_code == 302 and r["Location"].endswith("?step=code")
    otp = re.search(r"\b\d{6}\b", sms_text("13800000001")).group(0)
    r = other.post("/testing/result/", {"otp": otp})
    assert r.status_code == 302 and r["Location"].endswith("/result/mine/")
    page = other.get("/testing/result/mine/").content.decode()
    assert "阴性" in page
    sample = Sample.objects.get()
    url = f"/testing/result/report/{sample.pk}.pdf"
    # Reading issues nothing: the page's button posts, which issues the report, then the download is a GET.
    assert other.get(url)["Location"].endswith("/result/mine/") and not sample.reports.exists()
    issued = other.post(url)
    assert issued.status_code == 303 and issued["Location"] == url
    assert other.post(url).status_code == 303 and sample.reports.count() == 1  # issued once per sample and result
    pdf = other.get(url)
    assert pdf["Content-Type"] == "application/pdf"
    token = sample.reports.get().token
    verify = Client().get(f"/testing/verify/{token}/").content.decode()
    assert "张*英" in verify and "阴性" in verify and "11010519491231002X" not in verify
    assert Client().get("/testing/verify/forged/").status_code == 404
    # Someone else's sample cannot be fetched with this session.
    assert Client().get(url).status_code == 404
    assert Client().post(url).status_code == 404
    text = pdf_text(pdf.content)
    assert "核酸检测报告" in text and "阴性" in text and "张秀英" in text


def test_wrong_name_gives_nothing(world):
    c, point = campaign(world)
    resident = Client()
    resident.post("/testing/result/", {"name": "王五", "id_number": "11010519491231002X"})
    r = resident.post("/testing/result/", {"otp": "123456"})
    assert "/result/mine/" not in r.get("Location", "") and "testing_person" not in resident.session


@pytest.mark.parametrize("query, expect", [
    ("prevalence=0.01&max_pool=20&stages=2&people=11450&hours=7&service_seconds=30&max_mean_wait_minutes=5&points=1&turnaround_hours=24",
     ["0.1956", 'id="pool-sizes">11<', 'id="desks">14<', "13.63", "1.2 分钟"]),
    ("prevalence=0.02&max_pool=200&stages=4&people=1000&hours=7&service_seconds=30&max_mean_wait_minutes=5&points=1&turnaround_hours=24",
     ["0.1980", "27 → 9 → 3"]),
])
def test_planning_page_shows_the_engine_figures(world, login, query, expect):
    c, point = campaign(world)
    html = login(world.coordinator).get(f"/testing/{c.pk}/planning/?{query}").content.decode()
    for e in expect:
        assert e in html, e


def test_planning_page_bad_input(world, login):
    c, point = campaign(world)
    r = login(world.coordinator).get(f"/testing/{c.pk}/planning/?prevalence=2&people=-1")
    assert r.status_code == 200


def test_api_desk_and_results(world, login):
    c, point = campaign(world, pool_size=5)
    (p,) = people(world, 1)
    client = login(world.clerk)
    r = client.post(f"/api/v1/testing/points/{point.pk}/tubes", {"barcode": "T000000001"}, content_type="application/json")
    assert r.status_code == 201
    body = {"tube": "T000000001", "scan": resident_id_of(p), "key": "api-1"}
    a = client.post(f"/api/v1/testing/points/{point.pk}/scan", body, content_type="application/json").json()
    b = client.post(f"/api/v1/testing/points/{point.pk}/scan", body, content_type="application/json").json()
    assert a["sample"] == b["sample"] and b["replayed"]
    client.post(f"/api/v1/testing/points/{point.pk}/tubes/T000000001/close")
    ship(world, point, ["T000000001"])
    lab = login(world.lab_tech)
    r = lab.post(f"/api/v1/testing/labs/{world.lab_site.pk}/results", {"results": [{"tube": "T000000001", "result": "neg"},
                                                                                  {"tube": "T000000002", "result": "neg"}]},
                 content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["line"] == "2"
    r = lab.post(f"/api/v1/testing/labs/{world.lab_site.pk}/results", {"results": [{"tube": "T000000001", "result": "negative", "ct": 35}]},
                 content_type="application/json")
    assert r.json() == {"updated": 1, "unchanged": 0}
    r = lab.get(f"/api/v1/testing/labs/{world.lab_site.pk}/tubes").json()
    assert r["items"][0]["result"] == "negative" and "person" not in r["items"][0]
    board = login(world.district_command).get(f"/api/v1/testing/campaigns/{c.pk}/progress").json()
    assert board["campaign"]["sampled"] == 1 and board["campaign"]["resulted"] == 1
    assert login(world.bajiao_coordinator).get(f"/api/v1/testing/campaigns/{c.pk}").status_code == 404


def test_unsampled_lists_a_community_and_asks_a_district_to_narrow(world, login):
    c, point = campaign(world)
    ps = people(world, 4)
    sample_all(world, point, ps[:2])
    page = login(world.coordinator).get(f"/testing/{c.pk}/unsampled/").content.decode()
    assert ps[2].name in page and ps[3].name in page and ps[0].name not in page
    district = login(world.district_command)
    page = district.get(f"/testing/{c.pk}/unsampled/").content.decode()
    assert ps[2].name not in page and 'name="region"' in page  # a district is too wide to list
    page = district.get(f"/testing/{c.pk}/unsampled/?region={world.street.code}").content.decode()
    assert ps[2].name in page and ps[0].name not in page
