"""The emergencies over the API: command declares, lists, sees the work attached, declares it over."""

import json

from muster.emergencies.models import Emergency
from muster.needs.tests.helpers import post as need_post


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_command_declares_lists_and_closes_over_the_api(world, login):
    client = login(world.district_command)
    r = _post(client, "/api/v1/emergencies/", {"name": "丰台区疫情", "region": world.fengtai.code, "level": "3",
                                             "purpose": "全员核酸筛查与封控"})
    assert r.status_code == 201 and r.json()["region_name"] == "丰台区" and r.json()["status"] == "active"
    pk = r.json()["id"]
    need_post(world)  # a need in 蒲安里 joins it
    detail = client.get(f"/api/v1/emergencies/{pk}").json()
    assert sum(w["count"] for w in detail["work"]) == 1
    assert [e["id"] for e in client.get("/api/v1/emergencies/").json()] == [pk]
    closed = _post(client, f"/api/v1/emergencies/{pk}/close", {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["ended_at"]


def test_others_can_neither_declare_nor_see(world, login):
    e = Emergency.objects.create(name="丰台", region=world.fengtai, level="3", purpose="筛查", started_at="2026-06-11T08:00:00Z")
    coordinator = login(world.coordinator)
    assert coordinator.get("/api/v1/emergencies/").json() == []
    assert coordinator.get(f"/api/v1/emergencies/{e.pk}").status_code == 404
    r = _post(coordinator, "/api/v1/emergencies/", {"name": "x", "region": world.puanli.code, "level": "4", "purpose": "y"})
    assert r.status_code == 403
    # A region outside the caller's sight is not found, whoever asks.
    r = _post(login(world.district_command), "/api/v1/emergencies/",
              {"name": "x", "region": world.bajiao.code, "level": "4", "purpose": "y"})
    assert r.status_code == 404 and r.json()["field"] == "region"


def test_the_declare_page_says_when_the_region_is_unknown(world, login):
    r = login(world.district_command).post("/emergencies/", {"name": "x", "region_code": "999999999999", "level": "4",
                                                            "purpose": "y"})
    assert "您的辖区内没有该代码的区划。" in r.content.decode() and not Emergency.objects.exists()


def test_command_attaches_older_work_over_the_api(world, login):
    need = need_post(world)  # before the emergency: it belongs to none
    client = login(world.district_command)
    pk = _post(client, "/api/v1/emergencies/", {"name": "丰台区疫情", "region": world.fengtai.code, "level": "3",
                                              "purpose": "筛查"}).json()["id"]
    r = _post(client, f"/api/v1/emergencies/{pk}/attach", {"kind": "needs.Need", "ids": [need.pk]})
    assert r.status_code == 200 and r.json() == {"attached": 1}
    need.refresh_from_db()
    assert need.emergency_id == pk
    bad = _post(client, f"/api/v1/emergencies/{pk}/attach", {"kind": "needs.Need", "ids": [need.pk + 10_000]})
    assert bad.status_code == 422 and bad.json()["field"] == "ids"
    assert _post(client, f"/api/v1/emergencies/{pk}/attach", {"kind": "needs.Need", "ids": []}).status_code == 422
    assert _post(login(world.coordinator), f"/api/v1/emergencies/{pk}/attach",
                 {"kind": "needs.Need", "ids": [need.pk]}).status_code == 404
