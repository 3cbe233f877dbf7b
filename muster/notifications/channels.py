"""Delivery channels. Each one sends a Notification or raises; the outbox retries.

Console and e-mail are built in. SMS is an interface (`SmsBackend`) with a
console implementation; a real gateway is a class with the same `send_sms`
named by the SMS_BACKEND setting (a dotted path, or "console").

Every hand-over carries the notification's idempotency key (`muster-notification-<id>`), the same
on every attempt. A worker killed after the gateway accepted a message but before the outbox
recorded it makes the next attempt hand the message over again: a gateway that honours the key
drops that repeat, so nobody gets the SMS twice. A real SMS backend must therefore pass the key to
its gateway (most take a client message id / "out id" for this); one that cannot is only
at-least-once.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from muster.core.links import absolute

log = logging.getLogger("muster.notifications")


class Channel(Protocol):
    def send(self, notification, *, key: str) -> None:
        """Deliver under idempotency `key`, or raise any exception to have the outbox retry later."""


class ConsoleChannel:
    def send(self, notification, *, key: str) -> None:
        print(f"[notification {notification.pk}] to {notification.address or notification.person_id}: "
              f"{notification.subject} {notification.body} (key {key})", flush=True)


def message_id(key: str) -> str:
    """An RFC 5322 Message-ID made from the idempotency key: mail clients show a resent copy once."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<{key}@{domain}>"


class EmailChannel:
    def send(self, notification, *, key: str) -> None:
        if not notification.address:
            raise ValueError("no e-mail address")
        # The outbox keeps the site's own path (the in-app list links to it); a mail client needs the whole address.
        EmailMessage(notification.subject, f"{notification.body}\n{absolute(notification.url)}".strip(),
                     settings.DEFAULT_FROM_EMAIL, [notification.address],
                     headers={"Message-ID": message_id(key)}).send(fail_silently=False)


class SmsBackend(Protocol):
    def send_sms(self, phone: str, text: str, *, key: str) -> None:
        """Hand one text to the gateway under idempotency `key`, or raise.

        The gateway must deliver a key at most once: a repeat of a key it has seen is acknowledged
        and not sent again.
        """


class ConsoleSmsBackend:
    def send_sms(self, phone: str, text: str, *, key: str) -> None:
        # Logs are read by more people than may see a phone number: mask it as the pages do.
        from muster.core.pii import mask_phone

        print(f"[sms] to {mask_phone(phone)}: {text} (key {key})", flush=True)


class SmsChannel:
    def __init__(self, backend: SmsBackend | None = None):
        self._backend = backend

    @property
    def backend(self) -> SmsBackend:
        if self._backend is None:
            name = getattr(settings, "SMS_BACKEND", "console") or "console"
            self._backend = ConsoleSmsBackend() if name == "console" else import_string(name)()
        return self._backend

    def send(self, notification, *, key: str) -> None:
        if not notification.address:
            raise ValueError("no phone number")
        # One SMS: subject and the short link only; the body is on the in-app list.
        self.backend.send_sms(notification.address, f"{notification.subject} {absolute(notification.url)}".strip()[:300], key=key)


_REGISTRY: dict[str, Channel] = {"console": ConsoleChannel(), "email": EmailChannel(), "sms": SmsChannel()}


def get(name: str) -> Channel:
    return _REGISTRY[name]


def register(name: str, channel: Channel) -> Channel | None:
    """Install a channel (a real gateway, or a failing one in tests); returns the one it replaced."""
    old = _REGISTRY.get(name)
    _REGISTRY[name] = channel
    return old
