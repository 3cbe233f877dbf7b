"""Writes to the outbox. `notify` never sends: it queues rows the worker delivers after commit."""

from __future__ import annotations

import json
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import pii
from muster.notifications.models import Notification
from muster.notifications.tasks import enqueue_delivery

log = logging.getLogger("muster.notifications")

def channels_for(person) -> list[tuple[str, str]]:
    """(channel, address) pairs to reach a person: SMS to their phone, e-mail to their account; console otherwise."""
    out: list[tuple[str, str]] = []
    if person.phone:
        out.append((Notification.Channel.SMS, person.phone))
    user = getattr(person, "user", None) if person.pk else None
    try:
        email = user.email if user is not None else ""
    except Exception:  # noqa: BLE001 - a missing reverse one-to-one raises its own DoesNotExist
        email = ""
    if email:
        out.append((Notification.Channel.EMAIL, email))
    return out or [(Notification.Channel.CONSOLE, "")]


def notify(*, person, subject: str, body: str = "", url: str = "", event: str = "",
           channels: list[tuple[str, str]] | None = None, confidential: bool = False) -> list[Notification]:
    """Queue a message to `person` on each of their channels; delivered after the caller's transaction commits.

    Safe to call inside an action's transaction: if it rolls back, nothing is sent. A `confidential`
    message (a code that opens something) is stored encrypted and forgotten once the channel has it;
    lists show only that a confidential message was sent.
    """
    sealed = ""
    if confidential:
        sealed = pii.encrypt(json.dumps({"subject": str(subject)[:200], "body": str(body)}, ensure_ascii=False))
        subject, body = _("Confidential message (its text is not kept)"), ""
    rows = Notification.objects.bulk_create([
        Notification(person=person, user_id=_user_id(person), channel=ch, address=addr, subject=str(subject)[:200],
                     body=str(body), url=url[:300], event=event[:60], next_attempt_at=timezone.now(), sealed=sealed)
        for ch, addr in (channels if channels is not None else channels_for(person))
    ])
    ids = [n.pk for n in rows if n.pk]
    if not ids:  # backends that do not return ids from bulk_create (none we support, but be safe)
        ids = list(Notification.objects.filter(person=person, status=Notification.Status.PENDING).values_list("pk", flat=True))
    transaction.on_commit(lambda: enqueue_delivery(ids))
    return rows


def _user_id(person) -> int | None:
    try:
        return person.user.pk
    except Exception:  # noqa: BLE001
        return None
