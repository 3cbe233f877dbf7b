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


def test_records_correction_and_certificate_through_the_api(client, world, settings):
    import datetime as dt

    from muster.volunteering import actions
    from muster.volunteering.models import Certificate, Correction

    settings.SITE_URL = "https://muster.example.cn"
    _p, s = project(world, places=2, hours=4)
    user, other = volunteer(world), volunteer(world)
    actions.signup_create(actor=user, session=s)
    actions.attendance_scan(actor=user, code=s.code, now=s.starts_at)
    actions.attendance_scan(actor=user, code=s.code, now=s.ends_at)
    client.force_login(user)
    mine = client.get("/api/v1/volunteering/records/mine").json()["items"]
    assert len(mine) == 1 and mine[0]["hours"] == 4.0 and not mine[0]["backfilled"]
    r = _post(client, f"/api/v1/volunteering/records/{mine[0]['id']}/correction", {"reason": "实际 4.5 小时", "hours": 4.5})
    assert r.status_code == 201 and r.json()["status"] == "open"
    again = _post(client, f"/api/v1/volunteering/records/{mine[0]['id']}/correction", {"reason": "again"})
    assert again.status_code == 409
    day = s.starts_at.date()
    c = _post(client, "/api/v1/volunteering/certificates", {"period_from": f"{day - dt.timedelta(days=3)}",
                                                              "period_to": f"{day + dt.timedelta(days=3)}"})
    assert c.status_code == 201 and c.json()["verify_url"].startswith("https://muster.example.cn/volunteering/verify/")
    none = _post(client, "/api/v1/volunteering/certificates", {"period_from": "2020-06-01", "period_to": "2020-07-01"})
    assert none.status_code == 404 and Certificate.objects.count() == 1
    client.force_login(other)
    assert _post(client, f"/api/v1/volunteering/records/{mine[0]['id']}/correction", {"reason": "x"}).status_code == 404
    assert Correction.objects.count() == 1
