"""Stale task rows: finished ones are pruned, those of a dead worker stop reading as running."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from muster.core import heartbeat, housekeeping, periodic

pytestmark = pytest.mark.django_db


def _row(status, *, worker="", started=None, finished=None, path="muster.notifications.tasks.deliver"):
    now = timezone.now()
    return DBTaskResult.objects.create(status=status, args_kwargs={"args": [1], "kwargs": {}}, task_path=path,
                                       backend_name="default", run_after=now, worker_ids=[worker] if worker else [],
                                       started_at=started, finished_at=finished)


def test_finished_rows_older_than_a_week_are_pruned_the_rest_kept():
    now = timezone.now()
    old_ok = _row("SUCCESSFUL", finished=now - dt.timedelta(days=8))
    old_failed = _row("FAILED", finished=now - dt.timedelta(days=8))
    recent = _row("SUCCESSFUL", finished=now - dt.timedelta(days=1))
    waiting = _row("READY")
    assert housekeeping.task_results_prune(now=now) == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not DBTaskResult.objects.filter(pk__in=[old_ok.pk, old_failed.pk]).exists()


def test_a_task_of_a_dead_worker_is_marked_failed_one_of_a_live_worker_is_left_alone():
    now = timezone.now()
    heartbeat.beat(heartbeat.WORKER, name="worker:dead:1", now=now - dt.timedelta(minutes=10))
    heartbeat.beat(heartbeat.WORKER, name="worker:alive:2", now=now - dt.timedelta(seconds=10))
    dead = _row("RUNNING", worker="worker:dead:1", started=now - dt.timedelta(minutes=11))
    busy = _row("RUNNING", worker="worker:alive:2", started=now - dt.timedelta(hours=1))  # a long solve
    just_started = _row("RUNNING", worker="worker:dead:1", started=now - dt.timedelta(seconds=30))
    plain = _row("RUNNING", worker="a-plain-db_worker", started=now - dt.timedelta(hours=1))
    ancient = _row("RUNNING", worker="a-plain-db_worker", started=now - dt.timedelta(hours=7))
    assert housekeeping.tasks_lost_fail(now=now) == 2
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == statuses[ancient.pk] == "FAILED"
    assert statuses[busy.pk] == statuses[just_started.pk] == statuses[plain.pk] == "RUNNING"
    dead.refresh_from_db()
    assert dead.exception_class_path.endswith("WorkerLost") and dead.finished_at == now
    assert dead.traceback == housekeeping.LOST_TRACEBACK


def test_the_ticker_runs_housekeeping():
    names = {j.name for j in periodic.registered()}
    assert {"core.tasks_lost", "core.prune"} <= names
