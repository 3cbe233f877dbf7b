import datetime as dt

import pytest
from django.utils import timezone

from muster.notifications import actions, channels, delivery
from muster.notifications.models import Notification


class Failing:
    def __init__(self, times=10**9):
        self.left = times
        self.calls = 0

    def send(self, notification, *, key):
        self.calls += 1
        if self.left > 0:
            self.left -= 1
            raise ConnectionError("gateway down")


@pytest.fixture
def failing_sms():
    bad = Failing()
    old = channels.register("sms", bad)
    yield bad
    channels.register("sms", old)


def test_notify_queues_and_delivers_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = actions.notify(person=world.alice, subject="你已被接受", event="report.accept")
    assert [r.channel for r in rows] == ["sms"]
    n = Notification.objects.get(person=world.alice)
    assert n.status == Notification.Status.SENT and n.attempts == 1 and n.address == "13800000001"


def test_rolled_back_action_sends_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.notify(person=world.alice, subject="x")
    assert len(callbacks) == 1  # only runs if the caller commits
    assert Notification.objects.get().status == Notification.Status.PENDING


def test_failing_channel_is_retried_with_backoff_and_never_raises(world, failing_sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(person=world.alice, subject="x")  # does not raise
    n = Notification.objects.get()
    assert n.status == Notification.Status.PENDING and n.attempts == 1 and "gateway down" in n.last_error
    assert n.next_attempt_at >= timezone.now() + dt.timedelta(seconds=25)
    # Not due yet: a flush does not touch it.
    assert delivery.flush_due() == 0
    # Each further failure waits twice as long.
    delays = []
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        Notification.objects.filter(pk=n.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        delivery.flush_due()
        n.refresh_from_db()
        if n.next_attempt_at:
            delays.append(round((n.next_attempt_at - before).total_seconds()))
    assert delays == [60, 120, 240, 480]
    assert n.status == Notification.Status.FAILED and n.attempts == delivery.MAX_ATTEMPTS


def test_retry_succeeds_when_channel_recovers(world, django_capture_on_commit_callbacks):
    flaky = Failing(times=1)
    old = channels.register("sms", flaky)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            actions.notify(person=world.alice, subject="x")
        Notification.objects.update(next_attempt_at=timezone.now())
        assert delivery.flush_due() == 1
    finally:
        channels.register("sms", old)
    n = Notification.objects.get()
    assert n.status == Notification.Status.SENT and n.attempts == 2 and n.last_error == ""


def test_email_and_console_channels(world, mailoutbox, django_capture_on_commit_callbacks):
    world.member.email = "alice@example.org"
    world.member.save(update_fields=["email"])
    world.alice.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        rows = actions.notify(person=world.alice, subject="Hello", body="Body", url="/needs/")
    assert sorted(r.channel for r in rows) == ["email", "sms"]
    assert mailoutbox[0].subject == "Hello" and "/needs/" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        rows = actions.notify(person=world.carol, subject="x", channels=[("console", "")])
    assert Notification.objects.get(pk=rows[0].pk).status == Notification.Status.SENT


def test_broken_queue_leaves_row_for_flush(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(actions, "enqueue_delivery", lambda ids, run_after=None: None)
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(person=world.alice, subject="x")
    assert Notification.objects.get().status == Notification.Status.PENDING
    assert delivery.flush_due() == 1
    assert Notification.objects.get().status == Notification.Status.SENT


def test_visible_to_the_person_and_their_coordinator_only(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(person=world.alice, subject="请到南门值守")
    assert "请到南门值守" in login(world.member).get("/notifications/").content.decode()
    assert "请到南门值守" not in login(world.volunteer).get("/notifications/").content.decode()
    assert "请到南门值守" in login(world.coordinator).get(f"/notifications/person/{world.alice.pk}/").content.decode()
    assert login(world.outsider).get(f"/notifications/person/{world.alice.pk}/").status_code == 404
    r = login(world.member).get("/api/v1/notifications/mine")
    assert r.status_code == 200 and r.json()["items"][0]["subject"] == "请到南门值守"
