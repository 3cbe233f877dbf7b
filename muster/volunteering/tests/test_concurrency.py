"""Many volunteers sign up for the last places at the same instant: never over-filled (real transactions, PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from muster.core.errors import Conflict
from muster.volunteering import actions
from muster.volunteering.models import Session, Signup
from muster.volunteering.tests.helpers import project, volunteer


def _race(fns) -> list[str]:
    barrier = threading.Barrier(len(fns))
    outcomes = []

    def run(fn):
        try:
            barrier.wait(timeout=20)
            fn()
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_eight_volunteers_racing_for_two_places_fill_exactly_two(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no concurrent UPDATE to race")
    _p, s = project(world, places=2)
    users = [volunteer(world) for _ in range(8)]

    def sign(user):
        return lambda: actions.signup_create(actor=user, session=Session.objects.select_related("project").get(pk=s.pk))

    outcomes = _race([sign(u) for u in users])
    assert sorted(outcomes) == ["full"] * 6 + ["ok"] * 2
    s.refresh_from_db()
    assert s.taken == 2 == Signup.objects.filter(session=s, status__in=Signup.HOLDING).count()


@pytest.mark.django_db(transaction=True)
def test_a_double_click_signs_up_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no concurrent INSERT to race")
    _p, s = project(world, places=5)
    user = volunteer(world)

    def sign():
        actions.signup_create(actor=user, session=Session.objects.select_related("project").get(pk=s.pk))

    outcomes = _race([sign, sign, sign])
    assert sorted(outcomes) == ["duplicate", "duplicate", "ok"]
    s.refresh_from_db()
    assert s.taken == 1 and Signup.objects.filter(session=s).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_after_a_withdrawal_renews_the_row_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no concurrent renewal to race")
    _p, s = project(world, places=5)
    user = volunteer(world)
    actions.signup_withdraw(actor=user, signup=actions.signup_create(actor=user, session=s))

    def sign():
        actions.signup_create(actor=user, session=Session.objects.select_related("project").get(pk=s.pk))

    outcomes = _race([sign, sign, sign])
    assert sorted(outcomes) == ["duplicate", "duplicate", "ok"]
    s.refresh_from_db()
    assert s.taken == 1 and Signup.objects.filter(session=s, status__in=Signup.HOLDING).count() == 1
