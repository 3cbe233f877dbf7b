"""The query budget of one sign-up, so that a burst of them (bench/volunteer_burst.py) cannot silently get dearer.

The other domains' fitness check (quarantine, testing...) is counted on its own and allowed as it is: the budget is
what the sign-up itself adds. The action: one read of the volunteer (with their person, any earlier sign-up for the
session and their insurance cover), the place claimed with one conditional UPDATE, the sign-up, its audit event."""

import datetime as dt
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from muster.accounts.actions import token_create
from muster.people import fitness
from muster.volunteering import actions
from muster.volunteering.tests.helpers import project, volunteer

ACTION = 4  # the volunteer, the claim, the sign-up, the audit event
# around it in the API: the token and its last use, the session, the idempotency record read and written, and the
# savepoint of the idempotency transaction inside the test's own transaction (none on a real request)
API = ACTION + 2 + 1 + 2 + 2


def _fitness_queries(user, s) -> int:
    person = user.person
    duty = fitness.Duty.spanning(fitness.Kind.VOLUNTEER, s.starts_at, s.ends_at, min_age=0, night=False)
    with CaptureQueriesContext(connection) as ctx:
        assert fitness.reasons_for(person, duty) == []
    return len(ctx.captured_queries)


def test_one_sign_up_stays_within_its_query_budget(world):
    _p, s = project(world, places=2, insurance_required=True)
    user = volunteer(world)
    checks = _fitness_queries(user, s)
    with CaptureQueriesContext(connection) as ctx:
        row = actions.signup_create(actor=user, session=s)
    assert row.status == "confirmed" and s.taken == 1
    assert len(ctx.captured_queries) == ACTION + checks, [q["sql"][:120] for q in ctx.captured_queries]
    # a refusal for a full session costs no more than the read, the checks and the claim that failed
    actions.signup_create(actor=volunteer(world), session=s)
    late = volunteer(world)
    with CaptureQueriesContext(connection) as ctx:
        try:
            actions.signup_create(actor=late, session=s)
        except actions.Conflict as exc:
            assert exc.code == "full"
    assert len(ctx.captured_queries) == 2 + checks


def test_one_sign_up_through_the_api_stays_within_its_query_budget(client, world):
    _p, s = project(world, places=5)
    user = volunteer(world)
    _t, secret = token_create(actor=user, name="phone")
    checks = _fitness_queries(user, s)
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(f"/api/v1/volunteering/sessions/{s.pk}/signup", data=json.dumps({}),
                        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}",
                        HTTP_IDEMPOTENCY_KEY="q-1")
    assert r.status_code == 201 and r.json()["status"] == "confirmed"
    assert r.json()["starts_at"] and dt.datetime.fromisoformat(r.json()["starts_at"].replace("Z", "+00:00"))
    assert len(ctx.captured_queries) == API + checks, [q["sql"][:120] for q in ctx.captured_queries]
