"""Needs: dates outside a plausible window are refused; large dispatch runs never run inside a request."""

import datetime as dt
import json

import pytest

from muster.core.errors import InvalidInput
from muster.needs import actions, dispatching
from muster.needs.models import DispatchRun, Need
from muster.needs.tests.helpers import post, role_of


def _body(world, start, end, **kw):
    return {"role": "gate_duty", "community": world.puanli.code, "start": start, "end": end, "headcount": 1, **kw}


@pytest.mark.parametrize("start,end", [("9999-12-31T08:00:00+08:00", "9999-12-31T12:00:00+08:00"),
                                       ("0001-01-01T08:00:00+08:00", "0001-01-01T12:00:00+08:00"),
                                       ("2020-06-20T08:00:00+08:00", "9999-06-20T12:00:00+08:00")])
def test_a_need_dated_outside_the_window_is_a_field_error(world, login, start, end):
    role_of("gate_duty")
    c = login(world.coordinator)
    r = c.post("/api/v1/needs/", json.dumps(_body(world, start, end)), content_type="application/json")
    assert r.status_code == 422, r.content
    body = r.json()
    fields = {body.get("field")} | {e.get("field") for e in body.get("errors") or []}
    assert fields & {"start", "end", "body.start", "body.end"}, body
    assert not Need.objects.exists()


def test_the_action_refuses_a_year_9999_need_too(world):
    """Pages and imports go through the action, so the window holds there as well."""
    start = dt.datetime(9999, 12, 30, 8, tzinfo=dt.UTC)
    with pytest.raises(InvalidInput) as e:
        post(world, start=start, hours=4)
    assert e.value.field == "start"
    with pytest.raises(InvalidInput):
        actions.need_post(actor=world.coordinator, data=actions.NeedData(
            role=role_of("gate_duty"), region=world.puanli, site=None, start=dt.datetime(2020, 6, 20, 8, tzinfo=dt.UTC),
            end=dt.datetime(9999, 12, 31, 8, tzinfo=dt.UTC), headcount=1))


def test_a_large_dispatch_is_background_only_and_answers_202(world, login, monkeypatch, django_capture_on_commit_callbacks):
    """Asking for an inline run does not keep the request open above the size limit."""
    post(world, headcount=1)
    monkeypatch.setattr(dispatching, "SYNC_MAX_PEOPLE", 0)
    ran = []
    monkeypatch.setattr(dispatching, "dispatch_execute", lambda run_id: ran.append(run_id) or "ready")
    c = login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        r = c.post("/api/v1/needs/dispatch", json.dumps({"region": world.puanli.code, "background": False}),
                   content_type="application/json")
    assert r.status_code == 202, r.content
    run = DispatchRun.objects.get(pk=r.json()["id"])
    assert run.status == DispatchRun.Status.QUEUED and ran == [] and len(queued) == 1


def test_a_small_dispatch_still_answers_in_the_request(world, login):
    post(world, headcount=1)
    r = login(world.coordinator).post("/api/v1/needs/dispatch", json.dumps({"region": world.puanli.code}),
                                      content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] != DispatchRun.Status.QUEUED


def test_a_day_that_is_not_a_date_is_refused_not_read_as_a_unix_time(world, login):
    c = login(world.coordinator)
    assert c.get("/api/v1/needs/open?day=5.1e-212").status_code == 422
    assert c.get("/api/v1/needs/?day=20261201").status_code == 422
    assert c.get("/api/v1/needs/open?day=2026-12-01").status_code == 200
