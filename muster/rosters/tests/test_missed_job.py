import datetime as dt

import pytest
from django.utils import timezone

from muster.core import periodic
from muster.core.models import AuditEvent
from muster.notifications import actions as notifications
from muster.notifications.models import Notification
from muster.rosters import actions, jobs
from muster.rosters.models import Assignment, CheckIn, Roster


@pytest.fixture
def post(world):
    return actions.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")


def shift(post, person, started_minutes_ago, status=Roster.Status.PUBLISHED):
    now = timezone.now()
    roster = Roster.objects.create(post=post, start=actions.monday_of(timezone.localdate()), status=status)
    start = now - dt.timedelta(minutes=started_minutes_ago)
    return Assignment.objects.create(roster=roster, post=post, person=person, date=timezone.localdate(),
                                     starts_at=start, ends_at=start + dt.timedelta(hours=5))


def test_missed_shift_is_told_once(world, post, lead, django_capture_on_commit_callbacks):
    missed = shift(post, world.alice, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.missed_shifts_notify() == 1
    n = Notification.objects.get()
    assert n.person == lead and n.event == "duty.missed" and n.url == "/rosters/missed/"
    assert "张秀英" in n.subject and "南门帐篷" in n.subject and "签到" in n.body
    missed.refresh_from_db()
    assert missed.missed_notified_at is not None
    assert AuditEvent.objects.filter(action="duty.missed", object_id=str(missed.pk)).count() == 1
    # Idempotent: the next minute's run, and the one after, tell nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.missed_shifts_notify() == 0
        assert jobs.missed_shifts_notify(now=timezone.now() + dt.timedelta(minutes=5)) == 0
    assert Notification.objects.count() == 1
    # Claiming it directly again is refused too (two workers racing).
    assert actions.shift_missed_notify(assignment=missed) is False


def test_only_missed_shifts_are_told(world, post, lead, django_capture_on_commit_callbacks):
    shift(post, world.alice, 5)  # still within the grace period
    shift(post, world.alice, 60, status=Roster.Status.READY)  # solved, never published
    done = shift(post, world.bob, 40)
    CheckIn.objects.create(post=post, assignment=done, person=world.bob, at=timezone.now())
    shift(post, world.carol, 60 * 24)  # long gone: not announced any more
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.missed_shifts_notify() == 0
    assert not Notification.objects.exists()
    assert not Assignment.objects.filter(missed_notified_at__isnull=False).exists()


def test_shift_without_a_reachable_lead_is_marked_not_retried(world, post, django_capture_on_commit_callbacks):
    missed = shift(post, world.alice, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.missed_shifts_notify() == 1
        assert jobs.missed_shifts_notify() == 0
    assert not Notification.objects.exists()
    missed.refresh_from_db()
    assert missed.missed_notified_at is not None


def test_a_failing_shift_stays_unclaimed_and_the_others_are_told(world, post, lead, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    first = shift(post, world.alice, 50)
    shift(post, world.bob, 40)
    real = notifications.notify

    def flaky(*, person, subject, **kw):
        if "张秀英" in subject:
            raise RuntimeError("outbox down")
        return real(person=person, subject=subject, **kw)

    monkeypatch.setattr(notifications, "notify", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.missed_shifts_notify() == 1
    first.refresh_from_db()
    assert first.missed_notified_at is None  # rolled back with its failed message: tried again next run
    monkeypatch.setattr(notifications, "notify", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.missed_shifts_notify() == 1
    subjects = sorted(Notification.objects.values_list("subject", flat=True))
    assert len(subjects) == 2 and "李建国" in subjects[0] + subjects[1] and "张秀英" in subjects[0] + subjects[1]


def test_the_ticker_runs_the_registered_jobs(world, post, lead, django_capture_on_commit_callbacks):
    names = {j.name for j in periodic.registered()}
    assert {"rosters.missed_shifts", "notifications.flush_due"} <= names
    shift(post, world.alice, 30)
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = periodic.Ticker().tick()
    assert outcomes["rosters.missed_shifts"] == periodic.OK and outcomes["notifications.flush_due"] == periodic.OK
    assert Notification.objects.filter(event="duty.missed").count() == 1
