"""Writes to the outbox. `notify` never sends: it queues rows the worker delivers after commit."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from muster.notifications.models import Notification

log = logging.getLogger("muster.notifications")

MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 30  # 30 s, 1 min, 2 min, 4 min, 8 min, then give up


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next try after `attempts` failed ones (exponential, capped at an hour)."""
    return dt.timedelta(seconds=min(3600, BACKOFF_BASE_S * 2 ** max(0, attempts - 1)))


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
           channels: list[tuple[str, str]] | None = None) -> list[Notification]:
    """Queue a message to `person` on each of their channels; delivered after the caller's transaction commits.

    Safe to call inside an action's transaction: if it rolls back, nothing is sent.
    """
    rows = Notification.objects.bulk_create([
        Notification(person=person, user_id=_user_id(person), channel=ch, address=addr, subject=str(subject)[:200],
                     body=str(body), url=url[:300], event=event[:60], next_attempt_at=timezone.now())
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


def enqueue_delivery(ids: list[int], run_after: dt.datetime | None = None) -> None:
    """Hand notifications to the worker; a broken queue is logged, never raised, so the action stands.

    Rows left pending are picked up by `flush_due` (the worker runs it, and `muster notify flush`).
    """
    from muster.notifications.tasks import deliver

    for pk in ids:
        try:
            task = deliver
            if run_after is not None:
                if not task.get_backend().supports_defer:
                    continue  # flush_due will find it when it is due
                task = task.using(run_after=run_after)
            task.enqueue(pk)
        except Exception:  # noqa: BLE001 - the outbox row is the source of truth
            log.exception("could not enqueue notification %s", pk)


def deliver_one(pk: int) -> str:
    """Try to send one notification now: claim it, send, record the outcome. Returns its new status."""
    from muster.notifications import channels

    now = timezone.now()
    claimed = Notification.objects.filter(pk=pk, status=Notification.Status.PENDING).update(
        status=Notification.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    n = Notification.objects.select_related("person").get(pk=pk)
    try:
        channels.get(n.channel).send(n)
    except Exception as e:  # noqa: BLE001 - any channel failure is retried
        if n.attempts >= MAX_ATTEMPTS:
            Notification.objects.filter(pk=pk).update(status=Notification.Status.FAILED, last_error=str(e)[:300],
                                                      next_attempt_at=None)
            log.warning("notification %s failed for good: %s", pk, e)
            return Notification.Status.FAILED
        due = now + backoff(n.attempts)
        Notification.objects.filter(pk=pk).update(status=Notification.Status.PENDING, last_error=str(e)[:300],
                                                  next_attempt_at=due)
        enqueue_delivery([pk], run_after=due)
        return Notification.Status.PENDING
    Notification.objects.filter(pk=pk).update(status=Notification.Status.SENT, sent_at=timezone.now(), last_error="",
                                              next_attempt_at=None)
    return Notification.Status.SENT


def flush_due(limit: int = 500) -> int:
    """Deliver every pending notification whose time has come (retries and anything the queue lost)."""
    ids = list(Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now())
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        deliver_one(pk)
    # A worker killed mid-send leaves rows "sending": give them back after ten minutes.
    Notification.objects.filter(status=Notification.Status.SENDING,
                                next_attempt_at__lt=timezone.now() - dt.timedelta(minutes=10)).update(
        status=Notification.Status.PENDING)
    return len(ids)

