import datetime as dt

from muster.rosters.models import Post


def test_api_post_cover_team_and_solve(world, login, django_capture_on_commit_callbacks):
    c = login(world.coordinator)
    r = c.post("/api/v1/rosters/posts", {"site": world.gate.pk, "name": "南门"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    bad = [{"weekday": 0, "start": "06:30", "end": "11:30", "required": 1}, {"weekday": 0, "start": "11:00", "end": "12:00", "required": 1}]
    r = c.put(f"/api/v1/rosters/posts/{pid}/cover", bad, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"]
    assert not Post.objects.get(pk=pid).bands.exists()
    good = [{"weekday": d, "start": "08:00", "end": "20:00", "required": 1} for d in range(7)]
    assert c.put(f"/api/v1/rosters/posts/{pid}/cover", good, content_type="application/json").status_code == 200
    r = c.patch(f"/api/v1/rosters/posts/{pid}/rules", {"max_hours_week": 5, "max_hours_day": 12}, content_type="application/json")
    assert r.status_code == 422  # week below day
    assert c.post(f"/api/v1/rosters/posts/{pid}/team", {"person": world.alice.pk}, content_type="application/json").status_code == 201
    monday = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    # one person cannot do seven 12-hour days under a 48-hour week: refused at once, with the reason, nothing queued
    c.patch(f"/api/v1/rosters/posts/{pid}/rules", {"max_hours_week": 48}, content_type="application/json")
    r = c.post(f"/api/v1/rosters/posts/{pid}/rosters", {"start": monday.isoformat()}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"]
    assert c.get(f"/api/v1/rosters/posts/{pid}/rosters").json()["items"] == []
    c.patch(f"/api/v1/rosters/posts/{pid}/rules", {"max_hours_week": 100, "solve_seconds": 5}, content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/api/v1/rosters/posts/{pid}/rosters", {"start": monday.isoformat()}, content_type="application/json")
    assert r.status_code == 202, r.content
    roster = c.get(f"/api/v1/rosters/rosters/{r.json()['id']}").json()
    assert roster["status"] == "ready" and roster["engine_status"] in ("OPTIMAL", "FEASIBLE")
    assert len(c.get(f"/api/v1/rosters/rosters/{roster['id']}/assignments").json()) == 7
    assert c.get(f"/api/v1/rosters/posts/{pid}", ).status_code == 200


def test_api_hides_other_communities(world, login):
    from muster.rosters import actions

    post = actions.post_create(actor=world.coordinator, site=world.gate, name="南门")
    c = login(world.outsider)
    assert c.get(f"/api/v1/rosters/posts/{post.pk}").status_code == 404
    assert c.get("/api/v1/rosters/posts").json()["items"] == []
    assert c.put(f"/api/v1/rosters/posts/{post.pk}/cover", [], content_type="application/json").status_code == 404
