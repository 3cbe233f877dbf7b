def test_pages_that_answer_htmx_with_a_fragment_vary_on_it(world, login):
    client = login(world.coordinator)
    full = client.get("/people/")
    fragment = client.get("/people/", headers={"HX-Request": "true"})
    assert full.status_code == fragment.status_code == 200
    assert "<html" in full.content.decode() and "<html" not in fragment.content.decode()
    for r in (full, fragment):
        assert "HX-Request" in r["Vary"]


def test_json_answers_do_not_vary_on_htmx(world, login):
    r = login(world.coordinator).get("/api/v1/me")
    assert r.status_code == 200 and "HX-Request" not in r.get("Vary", "")
