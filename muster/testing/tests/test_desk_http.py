"""The desk's endpoints over HTTP: JSON for every outcome, and resends that are safe.

The desk keeps an item on 401, 403, 429 and 5xx and drops it on a refusal (a JSON problem
about the item). These tests pin the answers it relies on, on the API endpoints the desk
page calls.
"""

import json

import pytest
from django.db import OperationalError
from django.test import Client

from muster.testing import actions
from muster.testing.models import Sample, Tube
from muster.testing.tests.factories import campaign, people, resident_id, resident_id_of


def _api(point, what):
    return f"/api/v1/testing/points/{point.pk}/{what}"


def _post(client, url, body=None, **extra):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def _problem(r, status, type_):
    assert r.status_code == status, r.content[:300]
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    assert r.json()["type"] == type_
    return r.json()


@pytest.fixture
def desk(world):
    c, point = campaign(world, pool_size=5)
    return point, people(world, 3)


@pytest.fixture
def clerk(world):
    c = Client(raise_request_exception=False, enforce_csrf_checks=True)
    c.force_login(world.clerk)
    c.get("/")  # the home page sets the CSRF cookie, as the desk page does
    c.token = c.cookies["csrftoken"].value
    return c


def _every_endpoint(point):
    return [_api(point, "tubes"), _api(point, "scan"), _api(point, "tubes/T000000001/close"), _api(point, "walkins")]


def test_no_session_is_401_json_on_every_desk_endpoint_never_the_login_page(desk):
    point, _ = desk
    anon = Client(raise_request_exception=False)
    for url in _every_endpoint(point):
        _problem(_post(anon, url, {"tube": "T000000001", "scan": "x", "key": "k"}), 401, "unauthenticated")


def test_stale_csrf_token_is_403_csrf_on_every_desk_endpoint(desk, clerk):
    point, ps = desk
    for url in _every_endpoint(point):
        _problem(_post(clerk, url, {"barcode": "T000000001"}, HTTP_X_CSRFTOKEN="x" * 32), 403, "csrf")
    assert not Tube.objects.exists()


def test_database_away_during_a_scan_is_503_with_retry_after(desk, clerk, monkeypatch):
    point, ps = desk

    def down(**kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(actions, "desk_scan", down)
    monkeypatch.setattr(actions, "desk_scan_direct", down)
    body = {"tube": "T000000001", "scan": resident_id_of(ps[0]), "key": "k1"}
    r = _post(clerk, _api(point, "scan"), body, HTTP_X_CSRFTOKEN=clerk.token)
    _problem(r, 503, "unavailable")
    assert int(r["Retry-After"]) > 0


def test_a_point_the_user_cannot_see_is_a_json_404_on_every_desk_endpoint(world, desk):
    point, _ = desk
    c = Client(raise_request_exception=False)
    c.force_login(world.outsider)
    bodies = [{"barcode": "T000000001"}, {"tube": "T000000001", "scan": "x", "key": "k"}, {},
              {"id_number": resident_id(903), "name": "路人丙", "key": "w"}]
    for url, body in zip(_every_endpoint(point), bodies, strict=True):
        _problem(_post(c, url, body), 404, "not_found")


def test_resends_of_every_desk_action_answer_as_the_first_time(desk, clerk):
    point, ps = desk
    h = {"HTTP_X_CSRFTOKEN": clerk.token}
    first = _post(clerk, _api(point, "tubes"), {"barcode": "T000000001"}, **h)
    again = _post(clerk, _api(point, "tubes"), {"barcode": "T000000001"}, **h)
    assert first.status_code == again.status_code == 201 and again.json()["barcode"] == "T000000001"
    scan = {"tube": "T000000001", "scan": resident_id_of(ps[0]), "key": "s1"}
    assert _post(clerk, _api(point, "scan"), scan, **h).json()["replayed"] is False
    assert _post(clerk, _api(point, "scan"), scan, **h).json()["replayed"] is True
    walkin = {"id_number": resident_id(900), "name": "路人甲", "key": "w1"}
    assert _post(clerk, _api(point, "walkins"), walkin, **h).status_code == 201
    assert _post(clerk, _api(point, "walkins"), walkin, **h).json() == {"person": "路人甲"}
    _problem(_post(clerk, _api(point, "walkins"), {**walkin, "key": "w2"}, **h), 409, "conflict")
    closed = _post(clerk, _api(point, "tubes/T000000001/close"), **h)
    closed_again = _post(clerk, _api(point, "tubes/T000000001/close"), **h)
    assert closed.status_code == closed_again.status_code == 200
    assert closed_again.json() == {"barcode": "T000000001", "count": 1, "capacity": 5, "status": "closed"}
    assert Sample.objects.count() == 1


def test_refusals_about_the_item_are_json_problems_with_their_domain_code(desk, clerk):
    point, ps = desk
    h = {"HTTP_X_CSRFTOKEN": clerk.token}
    _post(clerk, _api(point, "tubes"), {"barcode": "T000000001"}, **h)
    r = _post(clerk, _api(point, "scan"), {"tube": "T000000001", "scan": resident_id(901), "key": "u1"}, **h)
    _problem(r, 404, "unknown_person")
    _problem(_post(clerk, _api(point, "tubes/T000000009/close"), **h), 404, "tube_unknown")


def test_walkin_with_a_key_is_registered_once(world, desk):
    point, _ = desk
    a = actions.walkin_register(actor=world.clerk, point=point, name="路人乙", id_number=resident_id(902), client_key="wk")
    b = actions.walkin_register(actor=world.clerk, point=point, name="路人乙", id_number=resident_id(902), client_key="wk")
    assert a.pk == b.pk
