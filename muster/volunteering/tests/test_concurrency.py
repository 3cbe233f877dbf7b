"""Many volunteers sign up for the last places at the same instant: never over-filled (real transactions, PostgreSQL)."""

import pytest

from muster.testrace import race, skip_unless_concurrent
from muster.volunteering import actions
from muster.volunteering.models import Session, Signup
from muster.volunteering.tests.helpers import project, volunteer


@pytest.mark.django_db(transaction=True)
def test_eight_volunteers_racing_for_two_places_fill_exactly_two(world):
    skip_unless_concurrent()
    _p, s = project(world, places=2)
    users = [volunteer(world) for _ in range(8)]

    def sign(user):
        return lambda: actions.signup_create(actor=user, session=Session.objects.select_related("project").get(pk=s.pk))

    outcomes = race([sign(u) for u in users])
    assert sorted(outcomes) == ["full"] * 6 + ["ok"] * 2
    s.refresh_from_db()
    assert s.taken == 2 == Signup.objects.filter(session=s, status__in=Signup.HOLDING).count()


@pytest.mark.django_db(transaction=True)
def test_a_double_click_signs_up_once(world):
    skip_unless_concurrent()
    _p, s = project(world, places=5)
    user = volunteer(world)

    def sign():
        actions.signup_create(actor=user, session=Session.objects.select_related("project").get(pk=s.pk))

    outcomes = race([sign, sign, sign])
    assert sorted(outcomes) == ["duplicate", "duplicate", "ok"]
    s.refresh_from_db()
    assert s.taken == 1 and Signup.objects.filter(session=s).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_after_a_withdrawal_renews_the_row_once(world):
    skip_unless_concurrent()
    _p, s = project(world, places=5)
    user = volunteer(world)
    actions.signup_withdraw(actor=user, signup=actions.signup_create(actor=user, session=s))

    def sign():
        actions.signup_create(actor=user, session=Session.objects.select_related("project").get(pk=s.pk))

    outcomes = race([sign, sign, sign])
    assert sorted(outcomes) == ["duplicate", "duplicate", "ok"]
    s.refresh_from_db()
    assert s.taken == 1 and Signup.objects.filter(session=s, status__in=Signup.HOLDING).count() == 1
