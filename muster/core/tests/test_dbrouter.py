"""The replica router: heavy pages read the replica, writes and a writer's next reads stay on the primary."""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import resolve

from muster.accounts.models import User
from muster.core import dbrouter

REPLICA_DBS: dict[str, dict] = {"default": {}, "replica": {}}


def _db(settings_dbs=None):
    return dbrouter.ReplicaRouter().db_for_read(User)


def _through_middleware(request, view_name_probe: list):
    """Run the middleware around a view that records where a read would go."""

    def view(req):
        view_name_probe.append(_db())
        return HttpResponse("ok")

    def get_response(req):
        return mw.process_view(req, view, (), {}) or view(req)

    mw = dbrouter.ReplicaMiddleware(get_response)
    return mw(request)


def _get(path: str, **cookies):
    request = RequestFactory().get(path)
    request.COOKIES.update(cookies)
    request.resolver_match = resolve(path)
    return request


@pytest.fixture
def with_replica(settings):
    databases = dict(settings.DATABASES)
    databases["replica"] = dict(databases["default"])
    settings.DATABASES = databases
    yield


def test_without_a_replica_everything_reads_the_primary():
    with dbrouter.replica_reads():
        assert _db() == "default"


def test_heavy_page_reads_the_replica(with_replica):
    seen: list[str] = []
    _through_middleware(_get("/testing/1/board/"), seen)
    assert seen == ["replica"]
    assert _db() == "default"  # and only during that request


def test_other_pages_read_the_primary(with_replica):
    seen: list[str] = []
    _through_middleware(_get("/testing/desk/"), seen)
    assert seen == ["default"]


def test_a_write_pins_the_browser_to_the_primary(with_replica, settings):
    settings.REPLICA_PIN_SECONDS = 30
    request = RequestFactory().post("/needs/new/")
    request.resolver_match = resolve("/needs/new/")
    response = _through_middleware(request, [])
    cookie = response.cookies[dbrouter.PIN_COOKIE]
    assert float(cookie.value) > time.time() + 20 and cookie["httponly"]
    seen: list[str] = []
    _through_middleware(_get("/testing/1/board/", **{dbrouter.PIN_COOKIE: cookie.value}), seen)
    assert seen == ["default"]  # reads its own write


def test_an_expired_pin_reads_the_replica_again(with_replica):
    seen: list[str] = []
    _through_middleware(_get("/testing/1/board/", **{dbrouter.PIN_COOKIE: str(int(time.time()) - 1)}), seen)
    _through_middleware(_get("/testing/1/board/", **{dbrouter.PIN_COOKIE: "garbage"}), seen)
    assert seen == ["replica", "replica"]


def test_a_refused_write_does_not_pin(with_replica):
    def view(req):
        return HttpResponse("no", status=403)

    request = RequestFactory().post("/needs/new/")
    response = dbrouter.ReplicaMiddleware(view)(request)
    assert dbrouter.PIN_COOKIE not in response.cookies


def test_reads_inside_a_transaction_stay_on_the_primary(with_replica, transactional_db):
    with dbrouter.replica_reads():
        assert _db() == "replica"
        with transaction.atomic():
            assert _db() == "default"


def test_writes_and_migrations_go_to_the_primary(with_replica):
    router = dbrouter.ReplicaRouter()
    with dbrouter.replica_reads():
        assert router.db_for_write(User) == "default"
    assert router.allow_migrate("replica", "accounts") is False
    assert router.allow_migrate("default", "accounts") is True
    a, b = User(), User()
    a._state.db, b._state.db = "replica", "default"
    assert router.allow_relation(a, b) is True


def test_settings_enable_the_router_from_the_environment(monkeypatch):
    import importlib
    import os

    import muster.settings as s

    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://replica@127.0.0.1:5433/muster")
    try:
        fresh = importlib.reload(s)
        assert fresh.DATABASES["replica"]["PORT"] == 5433
        assert fresh.DATABASES["replica"]["TEST"] == {"MIRROR": "default"}
        assert fresh.DATABASE_ROUTERS == ["muster.core.dbrouter.ReplicaRouter"]
        assert "muster.core.dbrouter.ReplicaMiddleware" in fresh.MIDDLEWARE
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        importlib.reload(s)
    assert "replica" not in importlib.import_module("muster.settings").DATABASES
    assert os.environ.get("DATABASE_REPLICA_URL") is None


@override_settings(REPLICA_READ_VIEWS=frozenset({"api-v1:campaign_progress"}))
def test_the_list_of_pages_is_a_setting(with_replica):
    seen: list[str] = []
    _through_middleware(_get("/api/v1/testing/campaigns/1/progress"), seen)
    _through_middleware(_get("/testing/1/board/"), seen)
    assert seen == ["replica", "default"]
