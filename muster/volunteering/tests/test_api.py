import json

from muster.volunteering.models import Signup
from muster.volunteering.tests.helpers import project, volunteer


def test_anyone_lists_projects_and_reads_one_with_its_sessions(client, world):
    p, s = project(world, places=3)
    r = client.get("/api/v1/volunteering/projects")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["id"] for i in items] == [p.pk] and items[0]["open_places"] == 3
    r = client.get(f"/api/v1/volunteering/projects/{p.pk}")
    assert r.status_code == 200 and r.json()["sessions"][0]["id"] == s.pk
    assert client.get("/api/v1/volunteering/projects/999999").status_code == 404
    assert client.get("/api/v1/volunteering/projects", {"category": "nonsense"}).status_code == 422
    assert client.get("/api/v1/volunteering/projects", {"day": "not-a-date"}).status_code == 422


def _post(client, url, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_sign_up_is_idempotent_withdraw_and_mine(client, world):
    _p, s = project(world, places=1)
    user = volunteer(world)
    client.force_login(user)
    url = f"/api/v1/volunteering/sessions/{s.pk}/signup"
    assert _post(client, url, {}).status_code == 422  # a key is required
    r1 = _post(client, url, {}, key="k-1")
    r2 = _post(client, url, {}, key="k-1")
    assert r1.status_code == r2.status_code == 201 and r1.json() == r2.json()
    assert r1.json()["status"] == "confirmed" and Signup.objects.count() == 1
    dup = _post(client, url, {}, key="k-2")
    assert dup.status_code == 409 and dup.json()["type"] == "duplicate"
    mine = client.get("/api/v1/volunteering/signups/mine").json()["items"]
    assert [m["id"] for m in mine] == [r1.json()["id"]]
    w = client.post(f"/api/v1/volunteering/signups/{r1.json()['id']}/withdraw")
    assert w.status_code == 200 and w.json()["status"] == "withdrawn"


def test_api_refusals_are_json_problems(client, world):
    _p, s = project(world, places=1)
    first, second = volunteer(world), volunteer(world)
    client.force_login(first)
    assert _post(client, f"/api/v1/volunteering/sessions/{s.pk}/signup", {}, key="a").status_code == 201
    client.force_login(second)
    full = _post(client, f"/api/v1/volunteering/sessions/{s.pk}/signup", {}, key="b")
    assert full.status_code == 409 and full.json()["type"] == "full"
    waiting = _post(client, f"/api/v1/volunteering/sessions/{s.pk}/signup", {"waitlist": True}, key="c")
    assert waiting.status_code == 201 and waiting.json()["waiting_position"] == 1
    assert _post(client, "/api/v1/volunteering/sessions/0/signup", {}, key="d").status_code == 404
    bad = client.post(f"/api/v1/volunteering/sessions/{s.pk}/signup", data="{not json", content_type="application/json",
                      HTTP_IDEMPOTENCY_KEY="e")
    assert bad.status_code in (400, 422) and bad["Content-Type"].startswith("application/")
    other = client.post(f"/api/v1/volunteering/signups/{Signup.objects.get(person=first.person).pk}/withdraw")
    assert other.status_code == 404
    client.logout()
    anon = _post(client, f"/api/v1/volunteering/sessions/{s.pk}/signup", {}, key="f")
    assert anon.status_code == 401 and anon.json()["status"] == 401
    assert client.get("/api/v1/volunteering/signups/mine").status_code == 401
