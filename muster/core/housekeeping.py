"""Housekeeping of the database task queue, run by the ticker (`core/jobs.py`).

django-tasks-db keeps every task row for ever, and a worker killed mid-task leaves its row
RUNNING for ever (no other worker will take it). Finished rows are pruned after a week; a
RUNNING row whose worker has stopped beating is marked FAILED, so that it reads as what it is
and no page waits on it. It is not re-run: only the task knows whether that is safe (deliveries
are taken over by the outbox's own lease, see `notifications.delivery.flush_due`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from muster.core import heartbeat
from muster.core.models import Heartbeat

log = logging.getLogger("muster.core")

KEEP_FINISHED = dt.timedelta(days=7)
# A worker silent this long is gone (it beats every 15 s).
WORKER_LOST_AFTER = dt.timedelta(minutes=2)
# A worker that never beats (a plain `db_worker`): only a task running this long counts as lost.
UNKNOWN_WORKER_LOST_AFTER = dt.timedelta(hours=6)
LOST_TRACEBACK = "The worker running this task stopped (killed or lost) before the task finished."


def task_results_prune(*, now: dt.datetime | None = None, keep: dt.timedelta = KEEP_FINISHED) -> int:
    """Delete finished (successful or failed) task rows older than `keep`."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    return DBTaskResult.objects.finished().filter(finished_at__lt=now - keep).delete()[0]


def tasks_lost_fail(*, now: dt.datetime | None = None) -> int:
    """Mark FAILED the RUNNING tasks whose worker is gone; returns how many."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    running = list(DBTaskResult.objects.running().filter(started_at__lt=now - WORKER_LOST_AFTER)
                   .values_list("pk", "worker_ids", "started_at", "task_path"))
    if not running:
        return 0
    beats = dict(Heartbeat.objects.filter(role=heartbeat.WORKER).values_list("name", "seen_at"))
    lost = 0
    for pk, worker_ids, started_at, path in running:
        worker = worker_ids[-1] if worker_ids else None
        seen = beats.get(worker) if worker else None
        # started_at is never None here (the filter above); the test only tells mypy so.
        gone = seen < now - WORKER_LOST_AFTER if seen else (
            started_at is not None and started_at < now - UNKNOWN_WORKER_LOST_AFTER)
        if not gone:
            continue
        # Conditional: a worker that was only slow and finishes now keeps its own outcome.
        lost += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
            exception_class_path="muster.core.housekeeping.WorkerLost", traceback=LOST_TRACEBACK)
        log.warning("task %s (%s) marked failed: its worker %s is gone", pk, path, worker or "?")
    return lost


class WorkerLost(Exception):
    """Recorded on a task whose worker stopped before the task finished."""


def prune() -> dict[str, int]:
    return {"task_results": task_results_prune(), "heartbeats": heartbeat.prune()}
