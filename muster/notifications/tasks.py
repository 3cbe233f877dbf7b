"""The worker's side of the outbox: enqueueing and the task wrappers. Sending itself is `delivery.py`."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from muster.notifications import delivery
from muster.notifications.models import Notification

log = logging.getLogger("muster.notifications")


@task()
def deliver(notification_id: int) -> str:
    status = delivery.deliver_one(notification_id)
    if status == Notification.Status.PENDING:
        # It failed and waits for its back-off: queue the retry for then (a queue that cannot
        # defer leaves it to the periodic flush).
        due = Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).values_list(
            "next_attempt_at", flat=True).first()
        if due is not None:
            enqueue_delivery([notification_id], run_after=due)
    return status


@task()
def flush_due() -> int:
    return delivery.flush_due()


def enqueue_delivery(ids: list[int], run_after: dt.datetime | None = None) -> None:
    """Hand notifications to the worker; a broken queue is logged, never raised, so the action stands.

    Rows left pending are picked up by `flush_due` (the worker runs it, and `muster notify flush`).
    """
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


