from muster.rosters import actions as rosters


def test_api_passage_and_alert(world, login):
    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门")
    c = login(world.coordinator)
    body = {"post": post.pk, "direction": "in", "temperature": "37.3", "health_code": "yellow", "visitor_name": "外卖员"}
    r = c.post("/api/v1/checkpoints/passages", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["fever"] is True
    assert c.post("/api/v1/checkpoints/passages", {**body, "temperature": "50"}, content_type="application/json").status_code == 422
    assert c.post("/api/v1/checkpoints/passages", {**body, "direction": "up"}, content_type="application/json").status_code == 422
    alerts = c.get("/api/v1/checkpoints/alerts").json()
    assert len(alerts) == 1
    r = c.post(f"/api/v1/checkpoints/alerts/{alerts[0]['id']}/close", {"outcome": "复测正常"}, content_type="application/json")
    assert r.json()["status"] == "closed"
    assert c.get("/api/v1/checkpoints/passages").json()["items"][0]["name"] == "外卖员"
    assert len(c.get(f"/api/v1/checkpoints/posts/{post.pk}/hourly?day=2026-01-01").json()) == 24
    out = login(world.clerk)  # clerk of the collection site, not on duty at the gate
    # A post the clerk may not check at is one the clerk cannot see: not found, as for any out-of-scope id.
    assert out.post("/api/v1/checkpoints/passages", body, content_type="application/json").status_code == 404
