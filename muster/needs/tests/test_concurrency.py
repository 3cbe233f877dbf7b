"""Two coordinators accept at the same instant: never more accepted than places (real transactions, PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from muster.core.errors import Conflict
from muster.needs import actions
from muster.needs.models import Need, Report
from muster.needs.tests.helpers import post
from muster.people.actions import PersonData, person_create


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_accept_at_once_never_overfill(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no concurrent UPDATE to race")
    need = post(world, headcount=1)
    other = person_create(actor=world.admin, data=PersonData(name="赵敏", region=world.puanli))
    r1 = actions.report_create(actor=world.member, need=need)
    r2 = actions.report_create(actor=world.coordinator, need=need, person=other)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(actor, report_id):
        try:
            report = Report.objects.select_related("need", "need__region", "person").get(pk=report_id)
            barrier.wait(timeout=10)
            actions.report_accept(actor=actor, report=report)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(world.coordinator, r1.pk)),
               threading.Thread(target=accept, args=(world.street_coordinator, r2.pk))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "ok"]
    need.refresh_from_db()
    assert need.accepted_count == 1
    assert Report.objects.filter(need=need, status=Report.Status.ACCEPTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_same_person_cannot_be_double_booked_concurrently(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no concurrent INSERT to race")
    a = post(world, headcount=3)
    b = post(world, headcount=3, role="errands", start=a.start)
    barrier = threading.Barrier(2)
    outcomes = []

    def report(need_id):
        try:
            need = Need.objects.select_related("region").get(pk=need_id)
            barrier.wait(timeout=10)
            actions.report_create(actor=world.member, need=need)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=(n.pk,)) for n in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Report.objects.filter(person=world.alice).count() == 1
