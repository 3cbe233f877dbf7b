"""Sending the outbox: claim a row under a lease, hand it to its channel, record the outcome.

Called by the worker's tasks (`tasks.py`) and by the periodic flush; it never enqueues
anything itself, so the task module above it is the only one that touches the queue.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from muster.core import pii
from muster.notifications import channels
from muster.notifications.models import Notification

log = logging.getLogger("muster.notifications")

MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 30  # 30 s, 1 min, 2 min, 4 min, 8 min, then give up
# How long a worker owns a row it is sending: well past any channel's own time-out, so that only a
# dead worker's row is taken over (and then handed over again under the same idempotency key).


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next try after `attempts` failed ones (exponential, capped at an hour)."""
    return dt.timedelta(seconds=min(3600, BACKOFF_BASE_S * 2 ** max(0, attempts - 1)))


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
    if n.sealed:
        # Opened for the channel only: the row keeps its neutral subject.
        opened = json.loads(pii.decrypt(n.sealed))
        n.subject, n.body = opened["subject"], opened["body"]
    try:
        channels.get(n.channel).send(n, key=n.idempotency_key)
    except Exception as e:  # noqa: BLE001 - any channel failure is retried
        if n.attempts >= MAX_ATTEMPTS:
            mine.update(status=Notification.Status.FAILED, last_error=str(e)[:300], next_attempt_at=None, lease_until=None,
                        sealed="")
            log.warning("notification %s failed for good: %s", pk, e)
            return Notification.Status.FAILED
        # Due again later: the `deliver` task re-queues it for then, the periodic flush picks it up regardless.
        mine.update(status=Notification.Status.PENDING, last_error=str(e)[:300], next_attempt_at=now + backoff(n.attempts),
                    lease_until=None)
        return Notification.Status.PENDING
    # Whoever's hand-over went through records it, even past its lease: the message is out.
    Notification.objects.filter(pk=pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None, lease_until=None,
        sealed="")
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
