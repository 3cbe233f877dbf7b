"""Failures on /api/ answer JSON problems with a status that means what it says, never a page.

A queueing client (the desk) keeps an item on 401, 403, 429 and 5xx and drops it on a refusal:
an HTML page with 200 or 500 is what made it drop swabs (issue 9).
"""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.test import Client


def _problem(response, status, type_):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and body["type"] == type_ and body["title"]
    return body


@pytest.fixture
def anon():
    return Client(raise_request_exception=False)


@pytest.fixture
def signed_in(world):
    c = Client(raise_request_exception=False, enforce_csrf_checks=True)
    c.force_login(world.coordinator)
    return c


def test_no_session_is_401_json(anon, db):
    _problem(anon.get("/api/v1/me"), 401, "unauthenticated")


def test_unknown_api_route_is_a_json_404(anon, db):
    _problem(anon.get("/api/v1/no-such-thing"), 404, "not_found")


def test_stale_csrf_token_is_a_json_403_of_type_csrf(signed_in):
    signed_in.cookies["csrftoken"] = "a" * 32
    r = signed_in.post("/api/v1/people", "{}", content_type="application/json", HTTP_X_CSRFTOKEN="b" * 32)
    _problem(r, 403, "csrf")


def test_stale_csrf_token_on_a_page_keeps_djangos_page(signed_in):
    r = signed_in.post("/logout/", {})
    assert r.status_code == 403 and r["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_session_that_cannot_be_loaded_is_503_with_retry_after(signed_in, monkeypatch, error):
    def down(self):
        raise error("the database system is starting up")

    monkeypatch.setattr(SessionStore, "load", down)
    r = signed_in.get("/api/v1/me")
    _problem(r, 503, "unavailable")
    assert int(r["Retry-After"]) > 0


def test_database_gone_in_middleware_is_503_on_the_api_and_a_page_elsewhere(signed_in, monkeypatch):
    def down(self, request):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionMiddleware, "process_request", down)
    r = signed_in.get("/api/v1/me")
    _problem(r, 503, "unavailable")
    assert r["Retry-After"]
    page = signed_in.get("/people/")
    assert page.status_code == 500 and not page["Content-Type"].startswith("application/json")


def test_unhandled_error_in_an_endpoint_is_a_json_500(signed_in, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("muster.core.api.SessionAuth.authenticate", boom)
    _problem(signed_in.get("/api/v1/me"), 500, "server_error")


def test_problem_titles_follow_the_clients_language(anon, db):
    zh = anon.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["title"]
    en = anon.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en").json()["title"]
    assert en == "Not found." and zh != en
