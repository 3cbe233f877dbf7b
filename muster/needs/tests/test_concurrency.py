"""Two coordinators accept at the same instant: never more accepted than places (real transactions, PostgreSQL)."""

import pytest

from muster.needs import actions
from muster.needs.models import Need, Report
from muster.needs.tests.helpers import post
from muster.people.actions import PersonData, person_create
from muster.testrace import race, skip_unless_concurrent


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_accept_at_once_never_overfill(world):
    skip_unless_concurrent()
    need = post(world, headcount=1)
    other = person_create(actor=world.admin, data=PersonData(name="赵敏", region=world.puanli))
    r1 = actions.report_create(actor=world.member, need=need)
    r2 = actions.report_create(actor=world.coordinator, need=need, person=other)
    # Read before the start, so that the two threads race on the acceptance alone.
    reports = Report.objects.select_related("need", "need__region", "person").in_bulk([r1.pk, r2.pk])
    outcomes = race([lambda: actions.report_accept(actor=world.coordinator, report=reports[r1.pk]),
                     lambda: actions.report_accept(actor=world.street_coordinator, report=reports[r2.pk])])
    assert sorted(outcomes) == ["conflict", "ok"]
    need.refresh_from_db()
    assert need.accepted_count == 1
    assert Report.objects.filter(need=need, status=Report.Status.ACCEPTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_same_person_cannot_be_double_booked_concurrently(world):
    skip_unless_concurrent()
    a = post(world, headcount=3)
    b = post(world, headcount=3, role="errands", start=a.start)
    needs = Need.objects.select_related("region").in_bulk([a.pk, b.pk])
    outcomes = race([lambda: actions.report_create(actor=world.member, need=needs[a.pk]),
                     lambda: actions.report_create(actor=world.member, need=needs[b.pk])])
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Report.objects.filter(person=world.alice).count() == 1
