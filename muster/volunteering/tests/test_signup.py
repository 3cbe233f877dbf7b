import datetime as dt

import pytest
from django.utils import timezone

from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.notifications.models import Notification
from muster.volunteering import actions
from muster.volunteering.models import Session, Signup
from muster.volunteering.tests.helpers import project, volunteer


def test_sign_up_takes_a_place_and_a_duplicate_changes_nothing(world):
    _p, s = project(world, places=2)
    user = volunteer(world)
    row = actions.signup_create(actor=user, session=s)
    assert row.status == Signup.Status.CONFIRMED
    s.refresh_from_db()
    assert s.taken == 1
    with pytest.raises(Conflict) as e:
        actions.signup_create(actor=user, session=s)
    assert e.value.code == "duplicate"
    s.refresh_from_db()
    assert s.taken == 1 and Signup.objects.count() == 1


def test_a_full_session_refuses_and_the_waiting_list_moves_up_on_withdrawal(world):
    _p, s = project(world, places=1)
    first, second, third = volunteer(world), volunteer(world), volunteer(world)
    a = actions.signup_create(actor=first, session=s)
    with pytest.raises(Conflict) as e:
        actions.signup_create(actor=second, session=s)
    assert e.value.code == "full" and not Signup.objects.filter(person=second.person).exists()
    w2 = actions.signup_create(actor=second, session=s, waitlist=True)
    w3 = actions.signup_create(actor=third, session=s, waitlist=True)
    assert w2.status == w3.status == Signup.Status.WAITING
    actions.signup_withdraw(actor=first, signup=a)
    w2.refresh_from_db()
    w3.refresh_from_db()
    s.refresh_from_db()
    assert w2.status == Signup.Status.CONFIRMED and w3.status == Signup.Status.WAITING and s.taken == 1
    assert Notification.objects.filter(person=second.person, event="volunteering.moved_up").exists()
    assert not Notification.objects.filter(person=third.person, event="volunteering.moved_up").exists()


def test_withdrawing_with_nobody_waiting_frees_the_place_and_a_new_sign_up_reuses_the_row(world):
    _p, s = project(world, places=1)
    user = volunteer(world)
    row = actions.signup_create(actor=user, session=s)
    actions.signup_withdraw(actor=user, signup=row)
    s.refresh_from_db()
    assert s.taken == 0
    with pytest.raises(Conflict):
        actions.signup_withdraw(actor=user, signup=row)
    again = actions.signup_create(actor=user, session=s)
    assert again.pk == row.pk and again.status == Signup.Status.CONFIRMED


def test_only_the_volunteer_withdraws_their_sign_up(world):
    _p, s = project(world)
    row = actions.signup_create(actor=volunteer(world), session=s)
    with pytest.raises(Forbidden):
        actions.signup_withdraw(actor=volunteer(world), signup=row)


def test_the_conditional_update_refuses_a_place_past_the_last(world):
    _p, s = project(world, places=1)
    assert Session.objects.filter(pk=s.pk, taken__lt=s.places).update(taken=1) == 1
    with pytest.raises(Conflict) as e:
        actions.signup_create(actor=volunteer(world), session=s)
    assert e.value.code == "full"
    s.refresh_from_db()
    assert s.taken == 1


def test_someone_not_registered_is_sent_to_register(world):
    _p, s = project(world)
    with pytest.raises(InvalidInput) as e:
        actions.signup_create(actor=world.coordinator, session=s)
    assert e.value.code == "not_registered"


def test_below_the_projects_minimum_age_is_refused(world):
    _p, s = project(world, min_age=18)
    minor = volunteer(world, age=16, guardian=True)
    with pytest.raises(Conflict) as e:
        actions.signup_create(actor=minor, session=s)
    assert e.value.code == "under_age" and "18" in str(e.value.message)
    s.refresh_from_db()
    assert s.taken == 0 and not Signup.objects.exists()


def test_a_minor_may_join_a_daytime_project_open_to_them_but_not_one_at_night(world):
    _p, s = project(world, min_age=14)
    minor = volunteer(world, age=15, guardian=True)
    assert actions.signup_create(actor=minor, session=s).status == Signup.Status.CONFIRMED
    p = s.project
    day = timezone.localtime(s.starts_at).date() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(21, 0)))
    night = actions.session_add(actor=world.coordinator, project=p, starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                places=3)
    with pytest.raises(Conflict) as e:
        actions.signup_create(actor=minor, session=night)
    assert e.value.code == "under_age"


def test_a_volunteer_who_turned_14_this_year_joins_a_project_open_from_14(world):
    # Their full date of birth is known: not "maybe under 14" as a birth year alone would say.
    _p, s = project(world, min_age=14)
    minor = volunteer(world, age=14, guardian=True)
    assert actions.signup_create(actor=minor, session=s).status == Signup.Status.CONFIRMED


def test_a_minor_without_guardian_consent_on_record_is_refused(world):
    _p, s = project(world, min_age=14)
    minor = volunteer(world, age=15, guardian=True)
    v = minor.person.volunteer
    v.guardian_consent_at = None  # a record from before the rule (or withdrawn consent)
    v.save(update_fields=["guardian_consent_at"])
    with pytest.raises(Conflict) as e:
        actions.signup_create(actor=minor, session=s)
    assert e.value.code == "no_guardian_consent"
    assert not Signup.objects.exists()


def test_a_person_in_quarantine_is_unfit_and_nothing_changes(world):
    from muster.geo.models import Site
    from muster.quarantine import actions as quarantine

    _p, s = project(world)
    user = volunteer(world)
    hotel = Site.objects.create(region=world.puanli, kind=Site.Kind.HOTEL, name="隔离酒店")
    today = timezone.localdate()
    quarantine.case_open(actor=world.coordinator, data=quarantine.CaseData(
        person=user.person, site=hotel, start=today, planned_end=today + dt.timedelta(days=14), room="301"))
    with pytest.raises(Conflict) as e:
        actions.signup_create(actor=user, session=s)
    assert e.value.code == "unfit"
    s.refresh_from_db()
    assert s.taken == 0 and not Signup.objects.exists()


def test_manual_approval_holds_the_place_until_the_organiser_decides(world):
    _p, s = project(world, places=1, approval="manual")
    a, b = volunteer(world), volunteer(world)
    ra = actions.signup_create(actor=a, session=s)
    rb = actions.signup_create(actor=b, session=s, waitlist=True)
    assert ra.status == Signup.Status.PENDING
    with pytest.raises(Forbidden):
        actions.signup_decide(actor=world.outsider, signup=ra, accept=True)
    actions.signup_decide(actor=world.coordinator, signup=ra, accept=False)
    rb.refresh_from_db()
    assert rb.status == Signup.Status.PENDING
    actions.signup_decide(actor=world.coordinator, signup=rb, accept=True)
    rb.refresh_from_db()
    assert rb.status == Signup.Status.CONFIRMED


def test_a_started_session_takes_no_sign_ups(world):
    _p, s = project(world)
    Session.objects.filter(pk=s.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    s.refresh_from_db()
    with pytest.raises(Conflict) as e:
        actions.signup_create(actor=volunteer(world), session=s)
    assert e.value.code == "started"
