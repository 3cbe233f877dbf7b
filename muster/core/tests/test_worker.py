"""`muster worker` survives database and queue outages, and says it is alive."""

import datetime as dt
import threading

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks import task

from muster.core import heartbeat, periodic, worker
from muster.core.models import Heartbeat


@task()
def double(n: int) -> int:
    return 2 * n


class Waits(threading.Event):
    """A stop event that records the back-off waits instead of sleeping."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        return False

    def is_set(self) -> bool:
        return False


def test_backoff_doubles_up_to_a_cap_with_jitter():
    b = worker.Backoff(base=1, cap=10, rng=lambda: 1.0)
    assert [b.next() for _ in range(6)] == [1, 2, 4, 8, 10, 10]
    b.reset()
    assert b.next() == 1
    low = worker.Backoff(base=4, cap=10, rng=lambda: 0.0)
    assert low.next() == 2.0  # jitter scales each delay by 0.5-1, so restarted workers do not stampede


def test_supervise_waits_out_an_outage_and_resumes(caplog):
    calls = []

    def run():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        if len(calls) == 2:
            raise InterfaceError("connection already closed")
        return "done"

    stop = Waits()
    assert worker.supervise(run, what="test worker", stop=stop, backoff=worker.Backoff(base=1, rng=lambda: 1.0)) == "done"
    assert len(calls) == 3 and stop.waits == [1, 2]
    assert "test worker lost the database or the queue (server closed the connection unexpectedly)" in caplog.text


def test_supervise_does_not_hide_bugs():
    def run():
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        worker.supervise(run, what="test worker", stop=Waits())


@pytest.mark.django_db(transaction=True)
def test_db_worker_resumes_after_the_database_comes_back_and_runs_the_task(monkeypatch, settings):
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the real queue, not the tests' immediate one
    result = double.enqueue(21)
    real_run = Worker.run
    failures: list[int] = []

    def flaky_run(self):
        if len(failures) < 2:  # PostgreSQL restarting: the loop's first query fails, twice
            failures.append(1)
            raise OperationalError("terminating connection due to administrator command")
        return real_run(self)

    monkeypatch.setattr(Worker, "run", flaky_run)
    stop = Waits()
    worker.run_db_worker(batch=True, stop=stop, backoff=worker.Backoff(base=0.01))
    assert len(failures) == 2 and len(stop.waits) == 2
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == 42


def test_ticker_backs_off_while_the_database_is_away_then_runs_its_jobs(monkeypatch):
    outage = iter([OperationalError("could not connect to server"), OperationalError("the database system is starting up")])

    def checkin():
        err = next(outage, None)
        if err:
            raise err

    monkeypatch.setattr(periodic, "_checkin", checkin)
    monkeypatch.setattr(periodic, "close_old_connections", lambda: None)
    monkeypatch.setattr(periodic, "exclusive", _free)
    monkeypatch.setattr(worker, "drop_connections", lambda: None)
    monkeypatch.setattr(worker.Backoff, "next", lambda self: 0.01)
    stop, ran = threading.Event(), []

    def job():
        ran.append(1)
        stop.set()

    thread = threading.Thread(target=periodic.Ticker([periodic.Job("j", 0.01, job)]).run_forever, args=(stop, 0.01),
                              daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive() and ran == [1]


def _free(name):
    from contextlib import nullcontext

    return nullcontext(True)


@pytest.mark.django_db
def test_heartbeats_say_when_no_worker_has_been_seen():
    now = timezone.now()
    assert heartbeat.worker_silence(now) == dt.timedelta.max  # never seen
    heartbeat.beat(heartbeat.WORKER, name="worker:a:1", now=now - dt.timedelta(minutes=5))
    assert heartbeat.worker_silence(now) == dt.timedelta(minutes=5)
    heartbeat.beat(heartbeat.WORKER, name="worker:b:2", now=now - dt.timedelta(seconds=20))
    assert heartbeat.worker_silence(now) is None
    heartbeat.beat(heartbeat.WORKER, name="worker:a:1", now=now)  # a beat updates the process's row
    assert Heartbeat.objects.count() == 2
    assert heartbeat.prune(now=now + dt.timedelta(days=1, seconds=10)) == 2


@pytest.mark.django_db
def test_pulse_beats_and_survives_a_failing_database(monkeypatch, caplog):
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # it would close the test's transaction
    pulse = worker.Pulse(every=0.01)
    assert pulse.beat_once() and heartbeat.worker_silence() is None

    def down(*a, **k):
        raise OperationalError("connection refused")

    monkeypatch.setattr(heartbeat, "beat", down)
    monkeypatch.setattr(worker, "drop_connections", lambda: None)
    assert not pulse.beat_once() and not pulse.beat_once()
    assert caplog.text.count("could not record the worker heartbeat") == 1  # once per outage, not per beat
