import json
import uuid

from django.utils import timezone

from muster.canvass.models import Door, Visit, VisitPerson
from muster.canvass.tests.helpers import campaign

URL = "/api/v1/canvass/sync"


def _sync(client, visits):
    return client.post(URL, data=json.dumps({"visits": visits}), content_type="application/json")


def _v(door, result="completed", key=None, **kw):
    return {"key": key or uuid.uuid4().hex, "door": door.pk, "result": result, "recorded_at": timezone.now().isoformat(), **kw}


def test_batch_resent_is_recorded_once(client, world):
    c, wls, (v0, _v1) = campaign(world, buildings=2, units=2, rooms=5)
    client.force_login(v0)
    batch = [_v(d, "completed" if i % 2 else "not_home") for i, d in enumerate(wls[0].doors.all())]
    first = _sync(client, batch)
    assert first.status_code == 200
    assert {r["outcome"] for r in first.json()["results"]} == {"recorded"}
    again = _sync(client, batch)  # the answer was lost on the way back: the phone sends it all again
    assert {r["outcome"] for r in again.json()["results"]} == {"replayed"}
    assert [r["visit"] for r in again.json()["results"]] == [r["visit"] for r in first.json()["results"]]
    assert Visit.objects.count() == len(batch)
    assert Door.objects.filter(walk_list=wls[0], status=Door.Status.PENDING).count() == 0


def test_bad_answers_are_refused_per_item_with_the_field(client, world):
    c, wls, (v0, _v1) = campaign(world)
    client.force_login(v0)
    d1, d2 = list(wls[0].doors.all()[:2])
    r = _sync(client, [_v(d1, people=[{"name": "甲", "answers": {"market": "maybe"}}]), _v(d2)])
    assert r.status_code == 200
    bad, good = r.json()["results"]
    assert bad["status"] == 422 and bad["field"] == "people.0.answers.market" and bad["outcome"] == "refused"
    assert good["outcome"] == "recorded"
    assert Visit.objects.count() == 1


def test_visit_outside_own_lists_is_403_per_item(client, world):
    c, wls, (v0, _v1) = campaign(world)
    client.force_login(v0)
    r = _sync(client, [_v(wls[1].doors.first())])
    item = r.json()["results"][0]
    assert item["status"] == 403 and item["outcome"] == "refused"
    assert not Visit.objects.exists()


def test_conflict_is_409_per_item_and_kept(client, world):
    from muster.canvass import actions

    c, wls, (v0, v1) = campaign(world)
    door = wls[0].doors.first()
    client.force_login(v0)
    _sync(client, [_v(door)])
    actions.building_move(actor=world.coordinator, campaign=c, building=door.building, to_list=wls[1])
    client.force_login(v1)
    item = _sync(client, [_v(door, "refused")]).json()["results"][0]
    assert item["status"] == 409 and item["outcome"] == "conflict"
    assert Visit.objects.filter(state=Visit.State.CONFLICT).count() == 1


def test_whole_batch_errors_are_json_never_a_login_page(client, world):
    c, wls, (v0, _v1) = campaign(world)
    r = _sync(client, [_v(wls[0].doors.first())])
    assert r.status_code == 401 and r["Content-Type"].startswith("application/json")
    client.force_login(v0)
    r = client.post(URL, data="{not json", content_type="application/json")
    assert r.status_code in (400, 422) and r["Content-Type"].startswith("application/json")
    r = _sync(client, [{"key": "x", "door": "abc", "result": "completed", "recorded_at": "now"}])
    assert r.status_code == 422 and r["Content-Type"].startswith("application/json")


def test_csrf_is_checked_for_the_session(world):
    from django.test import Client

    c, wls, (v0, _v1) = campaign(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(v0)
    r = _sync(client, [_v(wls[0].doors.first())])
    assert r.status_code == 403 and r.json()["type"] == "csrf"
    assert not Visit.objects.exists()


def test_people_not_in_registry_are_kept_with_answers(client, world):
    c, wls, (v0, _v1) = campaign(world)
    client.force_login(v0)
    r = _sync(client, [_v(wls[0].doors.first(), people=[{"name": "新住户", "answers": {"market": False, "last_test": "2020-06-15"}}])])
    assert r.json()["results"][0]["outcome"] == "recorded"
    vp = VisitPerson.objects.get()
    assert vp.person is None and vp.name == "新住户" and vp.answers == {"market": False, "last_test": "2020-06-15"}


def test_my_lists(client, world):
    c, wls, (v0, _v1) = campaign(world)
    client.force_login(v0)
    r = client.get("/api/v1/canvass/lists")
    assert r.status_code == 200 and [x["id"] for x in r.json()] == [wls[0].pk]


def test_household_added_at_the_door_through_the_api(client, world):
    c, wls, (v0, v1) = campaign(world)
    b = wls[0].doors.first().building
    url = f"/api/v1/canvass/lists/{wls[0].pk}/doors"
    client.force_login(v0)
    r = client.post(url, data=json.dumps({"building": b.pk, "unit": "1", "room": "1001"}), content_type="application/json")
    assert r.status_code == 201 and r.json()["room"] == "1001"
    again = client.post(url, data=json.dumps({"building": b.pk, "unit": "1", "room": "1001"}), content_type="application/json")
    assert again.status_code == 409
    bad = client.post(url, data=json.dumps({"building": b.pk, "unit": "1", "room": ""}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "room"
    client.force_login(v1)  # not their list
    r = client.post(url, data=json.dumps({"building": b.pk, "unit": "1", "room": "1002"}), content_type="application/json")
    assert r.status_code == 404
    r = _sync(client, [_v(Door.objects.get(household__room="1001"))])
    assert r.json()["results"][0]["status"] == 403
