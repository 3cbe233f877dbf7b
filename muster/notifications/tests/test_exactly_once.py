"""A worker killed mid-send never makes a person get the same message twice.

The gateway here behaves as a real one that honours idempotency keys: it records every hand-over
with its key and delivers each key once.
"""

import datetime as dt

import pytest
from django.utils import timezone

from muster.notifications import actions, channels, delivery
from muster.notifications.models import Notification


class WorkerKilled(BaseException):
    """What the worker's process sees of a kill -9 here: nothing after this line runs."""


class Gateway:
    def __init__(self):
        self.keys: list[str] = []  # every hand-over
        self.delivered: list[tuple[str, str]] = []  # (phone, text) actually sent to a phone
        self.die_after_handover = False

    def send_sms(self, phone, text, *, key):
        self.keys.append(key)
        if key not in self.keys[:-1]:
            self.delivered.append((phone, text))
        if self.die_after_handover:
            self.die_after_handover = False
            raise WorkerKilled


@pytest.fixture
def gateway():
    gw = Gateway()
    old = channels.register("sms", channels.SmsChannel(gw))
    yield gw
    channels.register("sms", old)


def _queue(world):
    [n] = actions.notify(person=world.alice, subject="请到南门值守", channels=[("sms", "13800000001")])
    return n


def test_normal_path_hands_over_once_with_the_notifications_key(world, gateway):
    n = _queue(world)
    assert delivery.deliver_one(n.pk) == Notification.Status.SENT
    assert delivery.deliver_one(n.pk) == "skipped"  # a duplicate task finds nothing to do
    assert delivery.flush_due() == 0
    n.refresh_from_db()
    assert gateway.keys == [f"muster-notification-{n.pk}"] and len(gateway.delivered) == 1
    assert n.status == Notification.Status.SENT and n.lease_until is None and n.attempts == 1


def test_crash_after_handover_is_resent_under_the_same_key_after_the_lease(world, gateway, caplog):
    n = _queue(world)
    gateway.die_after_handover = True
    with pytest.raises(WorkerKilled):
        delivery.deliver_one(n.pk)
    n.refresh_from_db()
    # The row stays claimed: a second worker (or the ticker) must not send it while the lease holds.
    assert n.status == Notification.Status.SENDING and n.lease_until > timezone.now() + dt.timedelta(minutes=4)
    assert delivery.deliver_one(n.pk) == "skipped"
    assert delivery.flush_due() == 0
    assert len(gateway.keys) == 1

    Notification.objects.filter(pk=n.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert delivery.flush_due() == 1
    n.refresh_from_db()
    key = f"muster-notification-{n.pk}"
    assert gateway.keys == [key, key]  # handed over twice, under one key…
    assert gateway.delivered == [("13800000001", "请到南门值守")]  # …so delivered once
    assert n.status == Notification.Status.SENT and n.attempts == 2 and n.lease_until is None
    assert "lease ran out" in caplog.text


def test_a_row_claimed_before_leases_existed_is_taken_over(world, gateway):
    n = _queue(world)
    Notification.objects.filter(pk=n.pk).update(status=Notification.Status.SENDING, lease_until=None)
    assert delivery.flush_due() == 1
    assert Notification.objects.get(pk=n.pk).status == Notification.Status.SENT
    assert gateway.keys == [f"muster-notification-{n.pk}"]


def test_a_failure_after_the_lease_was_taken_over_does_not_undo_the_new_claim(world, monkeypatch):
    """A worker that comes back from a very slow gateway finds another one sending: it leaves the row alone."""
    n = _queue(world)

    class Slow:
        def send(self, notification, *, key):
            # Meanwhile the lease ran out and another worker claimed the row.
            Notification.objects.filter(pk=notification.pk).update(lease_until=timezone.now() + dt.timedelta(minutes=3))
            raise TimeoutError("gateway timed out")

    old = channels.register("sms", Slow())
    try:
        assert delivery.deliver_one(n.pk) == Notification.Status.PENDING
    finally:
        channels.register("sms", old)
    n.refresh_from_db()
    assert n.status == Notification.Status.SENDING and n.last_error == ""


def test_email_carries_a_message_id_made_from_the_key(world, mailoutbox):
    [n] = actions.notify(person=world.alice, subject="Hello", channels=[("email", "alice@example.org")])
    assert delivery.deliver_one(n.pk) == Notification.Status.SENT
    assert mailoutbox[0].extra_headers["Message-ID"] == f"<muster-notification-{n.pk}@localhost>"
    assert mailoutbox[0].message()["Message-ID"] == f"<muster-notification-{n.pk}@localhost>"
