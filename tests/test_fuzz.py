"""Schemathesis over the whole /api/v1 surface, in-process against the WSGI app.

Every operation of the OpenAPI document gets FUZZ_EXAMPLES generated requests (default 30:
half valid data, half invalid; fewer only where the operation has fewer distinct inputs), sent once with the city command's token and once with a
community coordinator's, and every answer goes through all of Schemathesis' checks: no
server error, status codes, content types, headers and bodies as the schema says, invalid
data refused, auth not ignored. Deterministic (derandomized), so a failure reproduces.

Run with `make fuzz` (also called by .ci/run, on PostgreSQL); FUZZ_EXAMPLES changes the count.
"""

from __future__ import annotations

import os
import time

import pytest
import schemathesis  # a dev dependency: `make fuzz` fails rather than skips without it
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db,
              pytest.mark.skipif(not os.environ.get("MUSTER_FUZZ"), reason="minutes long: run by `make fuzz`")]

# Examples per operation, split between valid and invalid data; each is sent as every role.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
# Roles whose whole surface is fuzzed: the widest (command over the city) and a community's coordinator.
ROLES = ("command", "coordinator")


def _schema():
    from muster.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    # Schema-valid input that a domain rule refuses (an end before its start, a date outside
    # 1900-2100, a NUL byte) is answered 422 with the field: a refusal, not a rejected request.
    schema.config.checks.positive_data_acceptance.expected_statuses.append("422")
    return schema


def _tokens(world) -> dict[str, str]:
    from muster.accounts.actions import token_create

    return {who: token_create(actor=getattr(world, who), name="fuzz")[1] for who in ROLES}


def _seed(world) -> None:
    """A little of everything, so that generated ids sometimes hit real objects."""
    import datetime as dt

    from django.utils import timezone

    from muster.needs.tests.helpers import post as need_post
    from muster.rosters import actions as rosters

    p = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    rosters.team_add(actor=world.coordinator, post=p, person=world.alice, data=rosters.MemberData())
    need_post(world, start=timezone.now() + dt.timedelta(hours=3))


@pytest.fixture
def fuzz_world(world):
    """The world, with the WSGI app kept from closing the test's database connection after each request.

    Django's own test client does the same: request_finished would close the connection that
    holds the test's transaction.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    _seed(world)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield world
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(op, mode, tokens, checks) -> tuple[int, str]:
    """Run one operation's examples in one generation mode: (examples sent, failure text or "")."""
    sent = [0]

    @settings(max_examples=max(1, EXAMPLES // 2), derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=op.as_strategy(generation_mode=mode))
    def run(case):
        sent[0] += 1
        for who in ROLES:
            case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, checks=checks)

    try:
        run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - FailureGroup is a BaseExceptionGroup; report every operation
        return sent[0], str(exc)
    return sent[0], ""


def test_no_operation_answers_a_server_error_or_breaks_its_schema(fuzz_world, capsys):
    load_all_checks()
    checks = list(CHECKS.get_all())
    schema = _schema()
    tokens = _tokens(fuzz_world)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 40
    failures: list[str] = []
    sent = 0
    t0 = time.perf_counter()
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            n, failure = _fuzz(op, mode, tokens, checks)
            sent += n * len(ROLES)
            if failure:
                failures.append(f"{op.label} [{mode.value}]: {failure[:1500]}")
    seconds = time.perf_counter() - t0
    with capsys.disabled():
        print(f"\nfuzz: {len(operations)} operations, {sent} requests, {seconds:.0f} s, {len(failures)} failing")
    assert not failures, "\n\n".join(failures)
