"""Writes to the outbox. `notify` never sends: it queues rows the worker delivers after commit."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit, pii
from muster.core.transactions import atomic
from muster.notifications import inbox
from muster.notifications.audits import Audit
from muster.notifications.models import InboxRead, Notification
from muster.notifications.selectors import inbox_forget_count
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


def inbox_mark_read(*, actor, keys: list[str]) -> int:
    """Mark these items of the actor's inbox read; returns how many were newly marked.

    Only keys of items in the actor's inbox now are kept: a key is never taken on trust, so
    nobody can fill the table with made-up ones, and an item dealt with meanwhile needs no mark.
    """
    wanted = {str(k)[:120] for k in keys or [] if k}
    if not wanted:
        return 0
    return _mark(actor, [i.key for i in inbox.gather(actor) if i.key in wanted], Audit.INBOX_READ)


def inbox_open(*, actor, key: str) -> inbox.InboxItem | None:
    """The item `key` of the actor's inbox, marked read; None when it is not there (dealt with meanwhile)."""
    item = next((i for i in inbox.gather(actor) if i.key == key), None)
    if item is not None:
        _mark(actor, [item.key], Audit.INBOX_READ)
    return item


def inbox_mark_all_read(*, actor) -> int:
    """Mark every item now in the actor's inbox read; returns how many were newly marked."""
    return _mark(actor, [i.key for i in inbox.gather(actor)], Audit.INBOX_READ_ALL)


# A read mark older than this is dropped: the item it marked has almost always been dealt with (and
# left the inbox by itself); one still waiting after so long shows as unread again, a fair reminder.
INBOX_MARK_DAYS = 60


def inbox_marks_prune(*, now=None, days: int = INBOX_MARK_DAYS) -> int:
    """Delete read marks older than `days` (the worker runs it daily); returns how many went."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with atomic():
        deleted = InboxRead.objects.filter(read_at__lt=cutoff).delete()[0]
        if deleted:
            audit.record(actor=None, action=Audit.INBOX_MARKS_PRUNE, obj=None,
                         changes={"count": deleted, "before": cutoff.isoformat()})
    return deleted


def _mark(actor, keys: list[str], action: Audit) -> int:
    now = timezone.now()
    with atomic():
        known = set(InboxRead.objects.filter(user=actor, key__in=keys).values_list("key", flat=True))
        fresh = [k for k in dict.fromkeys(keys) if k not in known]
        if not fresh:
            return 0
        InboxRead.objects.bulk_create([InboxRead(user=actor, key=k, read_at=now) for k in fresh], ignore_conflicts=True)
        audit.record(actor=actor, action=action, obj=None, changes={"keys": fresh[:50], "count": len(fresh)})
    # After the commit: the next page counts again, and sees the marks.
    inbox_forget_count(actor)
    return len(fresh)
