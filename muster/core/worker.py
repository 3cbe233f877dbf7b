"""`muster worker`: the task worker of the configured backend, kept alive through outages.

The database queue (django-tasks-db's `db_worker` loop) and the Redis queue (django-rq's RQ
worker, with django-tasks-rq's job class) both give up on the first lost connection. Here each
runs under `supervise`: a lost database or Redis closes this thread's connections, waits with a
capped exponential back-off with jitter, and starts the loop again; nothing else is caught, so a
real bug still stops the worker. A pulse thread records the worker's heartbeat
(`muster.core.heartbeat`) every few seconds for the pages and /healthz.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections

from muster.core import heartbeat
from muster.core.resilience import Backoff, drop_connections, outage_errors, supervise  # noqa: F401 - the worker's API

log = logging.getLogger("muster.core")

RQ_BACKEND = "django_tasks_rq.RQBackend"


class Pulse:
    """A daemon thread that records this process's heartbeat every `every` seconds while it lives."""

    def __init__(self, role: str = heartbeat.WORKER, every: float | None = None):
        self.role = role
        self.every = every if every is not None else heartbeat.BEAT_EVERY.total_seconds()
        self.stop = threading.Event()
        self.name = heartbeat.process_name(role)
        self._failing = False

    def beat_once(self) -> bool:
        try:
            close_old_connections()
            heartbeat.beat(self.role, name=self.name)
        except Exception as e:  # noqa: BLE001 - the pulse must outlive any outage
            drop_connections()
            if not self._failing:
                log.warning("could not record the %s heartbeat: %s", self.role, e)
            self._failing = True
            return False
        if self._failing:
            log.warning("%s heartbeat recorded again", self.role)
        self._failing = False
        return True

    def _run(self) -> None:
        while not self.stop.is_set():
            self.beat_once()
            self.stop.wait(self.every)
        drop_connections()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name=f"muster-{self.role}-pulse", daemon=True)
        thread.start()
        return thread


def backend_path(alias: str = "default") -> str:
    return settings.TASKS[alias]["BACKEND"]


def run_db_worker(*, queues: str = "*", interval: float = 1.0, batch: bool = False,
                  stop: threading.Event | None = None, backoff: Backoff | None = None) -> None:
    """django-tasks-db's worker loop, restarted after each database outage."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=queues.split(","), interval=interval, batch=batch, backend_name="default",
                    startup_delay=not batch, max_tasks=None, worker_id=heartbeat.process_name("worker")[:64],
                    excluded_queue_names=[])

    def run() -> None:
        if threading.current_thread() is threading.main_thread():
            worker.configure_signals()
        worker.run()

    supervise(run, what="task worker", stop=stop, backoff=backoff)


def rq_queue_names(queues: str = "*") -> list[str]:
    if queues.strip() in {"", "*"}:
        from django_tasks import task_backends

        return sorted(task_backends["default"].queues)
    return [q for q in queues.split(",") if q]


def run_rq_worker(*, queues: str = "*", burst: bool = False, stop: threading.Event | None = None,
                  backoff: Backoff | None = None) -> None:
    """django-rq's RQ worker with django-tasks-rq's job class (plain `rqworker` cannot run these jobs).

    The scheduler runs inside it, so deferred tasks (retries of messages) come due.
    """
    import django_rq
    from django_rq.utils import reset_db_connections
    from django_tasks_rq.backend import Job

    names = rq_queue_names(queues)

    def run() -> None:
        # RQ's own unique name: after an outage the previous worker's key may still be alive in Redis.
        worker = django_rq.get_worker(*names, job_class=Job)
        reset_db_connections()  # the work horse is forked: it must not share this process's connection
        worker.work(burst=burst, with_scheduler=True, logging_level=logging.getLevelName(log.getEffectiveLevel()))

    supervise(run, what="task worker (Redis)", stop=stop, backoff=backoff)


def run(*, queues: str = "*", ticker: bool = True, batch: bool = False) -> None:
    """What `muster worker` does: the pulse, the ticker and the worker of the configured backend."""
    from muster.core import periodic

    Pulse().start()
    if ticker:
        periodic.start_ticker()  # a daemon thread: it ends with the worker
    if backend_path() == RQ_BACKEND:
        log.info("task worker on the Redis queue %s", ",".join(rq_queue_names(queues)))
        run_rq_worker(queues=queues, burst=batch)
    else:
        run_db_worker(queues=queues, batch=batch)
