"""Writes to the outbox. `notify` never sends: it queues rows the worker delivers after commit."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from muster.notifications.models import Notification

log = logging.getLogger("muster.notifications")

MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 30  # 30 s, 1 min, 2 min, 4 min, 8 min, then give up
# How long a worker owns a row it is sending: well past any channel's own time-out, so that only a
# dead worker's row is taken over (and then handed over again under the same idempotency key).


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


def _claimable(now: dt.datetime) -> Q:
    """Rows a worker may take: waiting ones, and those whose sender's lease ran out (it died mid-send).

    A SENDING row without a lease was claimed before leases existed: its sender is long gone.
    """
    return Q(status=Notification.Status.PENDING) | Q(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True), status=Notification.Status.SENDING)


def deliver_one(pk: int) -> str:
    """Try to send one notification now: claim it under a lease, send, record the outcome. Returns its new status.

    Exactly once: the claim is a conditional UPDATE, so two workers never send the same row at once;
    a worker that dies mid-send leaves the row SENDING until its lease runs out, and the next attempt
    hands it to the channel with the same idempotency key (`Notification.idempotency_key`), which the
    gateway uses to drop the repeat when the first hand-over did get through.
    """
    from muster.notifications import channels

    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    taken_over = Notification.objects.filter(pk=pk, status=Notification.Status.SENDING).exists()
    claimed = Notification.objects.filter(_claimable(now), pk=pk).update(
        status=Notification.Status.SENDING, attempts=F("attempts") + 1, lease_until=lease)
    if not claimed:
        return "skipped"
    n = Notification.objects.select_related("person").get(pk=pk)
    if taken_over:
        log.warning("notification %s: its sender's lease ran out; handing it over again as %s",
                    pk, n.idempotency_key)
    mine = Notification.objects.filter(pk=pk, status=Notification.Status.SENDING, lease_until=lease)
    try:
        channels.get(n.channel).send(n, key=n.idempotency_key)
    except Exception as e:  # noqa: BLE001 - any channel failure is retried
        if n.attempts >= MAX_ATTEMPTS:
            mine.update(status=Notification.Status.FAILED, last_error=str(e)[:300], next_attempt_at=None, lease_until=None)
            log.warning("notification %s failed for good: %s", pk, e)
            return Notification.Status.FAILED
        due = now + backoff(n.attempts)
        if mine.update(status=Notification.Status.PENDING, last_error=str(e)[:300], next_attempt_at=due, lease_until=None):
            enqueue_delivery([pk], run_after=due)
        return Notification.Status.PENDING
    # Whoever's hand-over went through records it, even past its lease: the message is out.
    Notification.objects.filter(pk=pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None, lease_until=None)
    return Notification.Status.SENT


def flush_due(limit: int = 500) -> int:
    """Deliver every pending notification whose time has come, and take over those of dead senders.

    Covers retries, anything the task queue lost, and rows a killed worker left SENDING: those are
    handed over again only after their lease, under their idempotency key (see `deliver_one`).
    """
    now = timezone.now()
    due = Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True), status=Notification.Status.SENDING)
    ids = list(Notification.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        deliver_one(pk)
    return len(ids)
