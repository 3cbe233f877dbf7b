"""Reminders before a session: one per confirmed sign-up, even when the job runs twice or on two workers at once;
waiting, pending and withdrawn sign-ups get none; a volunteer who moves up from the waiting list is told by SMS."""

import datetime as dt

import pytest

from muster.core import periodic
from muster.notifications.models import Notification
from muster.testrace import race, skip_unless_concurrent
from muster.volunteering import actions, jobs
from muster.volunteering.models import Signup
from muster.volunteering.tests.helpers import project, volunteer


def _phone(user):
    return user.person.phone


def test_each_confirmed_volunteer_is_reminded_once_the_day_before(world, settings, sms_outbox,
                                                                   django_capture_on_commit_callbacks):
    settings.VOLUNTEER_REMIND_HOURS = 24
    _p, s = project(world, places=1, in_days=2)
    confirmed, waiting, withdrawn = volunteer(world), volunteer(world), volunteer(world)
    actions.signup_create(actor=confirmed, session=s)
    actions.signup_create(actor=waiting, session=s, waitlist=True)
    _p2, s2 = project(world, title="另一场", places=3, in_days=2)
    gone = actions.signup_create(actor=withdrawn, session=s2)
    actions.signup_withdraw(actor=withdrawn, signup=gone)
    # Two days before: too early.
    assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=30)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=20)) == 1
        assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=19)) == 0
    (text,) = sms_outbox.to(_phone(confirmed))
    assert "提醒" in text and s.project.title in text
    assert sms_outbox.to(_phone(waiting)) == [] and sms_outbox.to(_phone(withdrawn)) == []
    assert Signup.objects.get(person=confirmed.person).reminded_at is not None
    # After the start nobody is reminded any more.
    assert jobs.session_reminders_send(now=s.starts_at + dt.timedelta(minutes=1)) == 0


def test_the_lead_time_is_a_setting(world, settings):
    _p, s = project(world, places=2, in_days=2)
    user = volunteer(world)
    actions.signup_create(actor=user, session=s)
    settings.VOLUNTEER_REMIND_HOURS = 3
    assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=20)) == 0
    assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=2)) == 1
    assert Notification.objects.filter(person=user.person, event="volunteering.reminder").count() == 1


def test_a_volunteer_confirmed_late_is_reminded_and_a_pending_one_is_not(world, settings):
    settings.VOLUNTEER_REMIND_HOURS = 24
    _p, s = project(world, places=2, in_days=2, approval="manual")
    user = volunteer(world)
    row = actions.signup_create(actor=user, session=s)
    assert row.status == Signup.Status.PENDING
    assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=20)) == 0
    actions.signup_decide(actor=world.coordinator, signup=row, accept=True)
    assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=10)) == 1


def test_the_job_is_registered():
    assert "volunteering.reminders" in {j.name for j in periodic.registered()}


def test_moving_up_from_the_waiting_list_sends_an_sms(world, sms_outbox, django_capture_on_commit_callbacks):
    _p, s = project(world, places=1)
    first, second = volunteer(world), volunteer(world)
    a = actions.signup_create(actor=first, session=s)
    actions.signup_create(actor=second, session=s, waitlist=True)
    with django_capture_on_commit_callbacks(execute=True):
        actions.signup_withdraw(actor=first, signup=a)
    (text,) = sms_outbox.to(_phone(second))
    assert s.project.title[:10] in text
    assert sms_outbox.to(_phone(first)) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_each_volunteer_once(world, settings):
    skip_unless_concurrent()
    settings.VOLUNTEER_REMIND_HOURS = 24
    _p, s = project(world, places=6, in_days=1)
    users = [volunteer(world) for _ in range(6)]
    for u in users:
        actions.signup_create(actor=u, session=s)
    now = s.starts_at - dt.timedelta(hours=2)
    counts: list[int] = []
    assert race([lambda: counts.append(jobs.session_reminders_send(now=now))] * 4) == ["ok"] * 4
    assert sum(counts) == 6
    for u in users:
        assert Notification.objects.filter(person=u.person, event="volunteering.reminder", channel="sms").count() == 1


def test_signing_up_again_after_withdrawing_is_reminded_again(world, settings):
    settings.VOLUNTEER_REMIND_HOURS = 24
    _p, s = project(world, places=2, in_days=2)
    user = volunteer(world)
    row = actions.signup_create(actor=user, session=s)
    assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=20)) == 1
    actions.signup_withdraw(actor=user, signup=row)
    assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=10)) == 0
    again = actions.signup_create(actor=user, session=s)
    assert again.pk == row.pk and again.reminded_at is None
    assert jobs.session_reminders_send(now=s.starts_at - dt.timedelta(hours=5)) == 1
    assert Notification.objects.filter(person=user.person, event="volunteering.reminder", channel="sms").count() == 2
