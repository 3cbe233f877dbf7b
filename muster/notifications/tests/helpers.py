"""Reading what was sent by SMS, for tests of flows that text people codes."""

from __future__ import annotations

import json


def sms_text(phone: str) -> str:
    """The latest SMS queued to `phone`, as the phone gets it (a confidential one is opened)."""
    from muster.core import pii
    from muster.notifications.models import Notification

    n = Notification.objects.filter(channel="sms", address=phone).latest("pk")
    return json.loads(pii.decrypt(n.sealed))["subject"] if n.sealed else n.subject


class SmsOutbox(list):
    """An SMS gateway that keeps what it was given: (phone, text) pairs, like Django's mail outbox."""

    def send_sms(self, phone: str, text: str, *, key: str) -> None:
        self.append((phone, text))

    def to(self, phone: str) -> list[str]:
        return [text for to, text in self if to == phone]
