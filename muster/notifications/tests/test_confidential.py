"""Codes that open something are not kept in clear in the outbox, and not at all once sent."""

from muster.notifications import actions, channels, delivery
from muster.notifications.models import Notification


class Recorder:
    def __init__(self, fail: int = 0):
        self.sent, self.fail = [], fail

    def send(self, notification, *, key):
        if self.fail:
            self.fail -= 1
            raise ConnectionError("gateway down")
        self.sent.append((notification.subject, notification.body))


def _with_sms(recorder):
    return channels.register("sms", recorder)


def test_a_confidential_message_reaches_the_phone_but_not_the_table(world):
    sms = Recorder()
    old = _with_sms(sms)
    try:
        [n] = actions.notify(person=world.alice, subject="验证码 482913", body="10分钟内有效", confidential=True,
                             channels=[("sms", "13800000001")])
        stored = Notification.objects.get(pk=n.pk)
        assert "482913" not in stored.subject + stored.body and "482913" not in stored.sealed
        assert stored.sealed  # encrypted until the channel has it
        assert delivery.deliver_one(n.pk) == Notification.Status.SENT
    finally:
        channels.register("sms", old)
    assert sms.sent == [("验证码 482913", "10分钟内有效")]
    stored.refresh_from_db()
    assert stored.sealed == "" and "482913" not in stored.subject


def test_a_retried_confidential_message_keeps_its_text_until_sent(world):
    sms = Recorder(fail=1)
    old = _with_sms(sms)
    try:
        [n] = actions.notify(person=world.alice, subject="验证码 111222", confidential=True, channels=[("sms", "13800000001")])
        assert delivery.deliver_one(n.pk) == Notification.Status.PENDING
        assert Notification.objects.get(pk=n.pk).sealed
        Notification.objects.filter(pk=n.pk).update(next_attempt_at=None)
        assert delivery.deliver_one(n.pk) == Notification.Status.SENT
    finally:
        channels.register("sms", old)
    assert sms.sent == [("验证码 111222", "")] and Notification.objects.get(pk=n.pk).sealed == ""


def test_ordinary_messages_are_unchanged(world):
    [n] = actions.notify(person=world.alice, subject="请到南门值守", channels=[("sms", "13800000001")])
    stored = Notification.objects.get(pk=n.pk)
    assert stored.subject == "请到南门值守" and stored.sealed == ""
