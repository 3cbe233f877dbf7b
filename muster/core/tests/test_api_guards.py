"""Input that fuzzing showed to reach the database or the arithmetic as a server error is refused up front.

Each answer is a JSON problem with the field that was wrong, never a 500 and never a page.
"""

import json

import pytest

from muster.rosters import actions as rosters


def _problem(r, status, field=None):
    assert r.status_code == status, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["status"] == status
    if field is not None:
        fields = {body.get("field")} | {e.get("field") for e in body.get("errors") or []}
        assert any(f and f.split(".")[-1] == field for f in fields), body
    return body


@pytest.fixture
def post(world):
    return rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")


def test_an_offset_past_the_database_integers_is_refused(world, login):
    c = login(world.coordinator)
    _problem(c.get("/api/v1/rosters/posts", {"offset": 2**63}), 422, "offset")
    _problem(c.get("/api/v1/audit", {"offset": 2**64, "limit": 2**70}), 422)
    assert c.get("/api/v1/rosters/posts", {"offset": 0, "limit": 500}).status_code == 200


def test_nul_in_a_query_is_refused_on_the_api_and_on_pages(world, login):
    c = login(world.coordinator)
    _problem(c.get("/api/v1/people", {"q": "张\x00"}), 422, "q")
    page = c.get("/people/", {"q": "张\x00"})
    assert page.status_code == 400


def test_nul_in_a_body_text_is_refused_with_its_field(world, login, post):
    c = login(world.coordinator)
    r = c.post("/api/v1/rosters/posts", json.dumps({"site": world.gate.pk, "name": "北\x00门"}), content_type="application/json")
    _problem(r, 422, "name")
    r = c.post(f"/api/v1/rosters/posts/{post.pk}/notes", json.dumps({"text": "ok", "kind": "hand\x00over"}),
               content_type="application/json")
    _problem(r, 422, "kind")


def test_a_temperature_of_nan_or_infinity_is_a_field_error(world, login, post):
    c = login(world.coordinator)
    for t in ("NaN", "nan", "Infinity", "-inf", "sNaN"):
        r = c.post("/api/v1/checkpoints/passages", json.dumps({"post": post.pk, "direction": "in", "temperature": t,
                                                               "health_code": "green"}), content_type="application/json")
        _problem(r, 422, "temperature")


def test_a_float_field_refuses_nan(world, login, post):
    c = login(world.coordinator)
    r = c.patch(f"/api/v1/rosters/posts/{post.pk}/rules", '{"fever_threshold": NaN}', content_type="application/json")
    assert r.status_code == 422
    r = c.post("/api/v1/needs/dispatch", json.dumps({"region": world.puanli.code, "max_km": "NaN"}), content_type="application/json")
    _problem(r, 422, "max_km")


def test_a_body_over_the_upload_limit_is_413(world, login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    c = login(world.coordinator)
    r = c.post("/api/v1/rosters/posts", json.dumps({"site": world.gate.pk, "name": "x" * 5000}), content_type="application/json")
    _problem(r, 413)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_dates_outside_a_plausible_window_are_refused_in_paths_and_queries(world, login, post, day):
    c = login(world.coordinator)
    _problem(c.get(f"/api/v1/rosters/posts/{post.pk}/week/{day}"), 422, "date")
    _problem(c.get(f"/api/v1/rosters/posts/{post.pk}/hours", {"start": "2020-06-01", "end": day}), 422, "end")


def test_the_schema_declares_the_problems_every_operation_can_answer(client):
    doc = client.get("/api/v1/openapi.json").json()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert "422" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)


def test_every_api_operation_has_its_own_url_name():
    """Pages reverse API paths by name ({% url 'api-v1:scan' %}); two apps' operations with the same function name
    share a name, and the later one silently took the desk's scan (its JS posted swabs to the volunteer leader's
    scan, which refused them all)."""
    from collections import Counter

    from django.urls import URLResolver, get_resolver

    def names(resolver, namespace=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from names(p, p.namespace or namespace)
            elif p.name and namespace.startswith("api"):
                yield namespace, p.name

    twice = [k for k, n in Counter(names(get_resolver())).items() if n > 1]
    assert twice == []
