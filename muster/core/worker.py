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
import random
import signal
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections

from muster.core import heartbeat

log = logging.getLogger("muster.core")

RQ_BACKEND = "django_tasks_rq.RQBackend"


class Backoff:
    """Capped exponential delays with jitter: base, 2·base, 4·base … up to `cap`, each scaled by 0.5–1."""

    def __init__(self, base: float = 1.0, cap: float = 60.0, rng: Callable[[], float] = random.random):
        self.base, self.cap, self.rng = base, cap, rng
        self.failures = 0

    def next(self) -> float:
        delay = min(self.cap, self.base * 2 ** self.failures)
        self.failures += 1
        return delay * (0.5 + self.rng() / 2)

    def reset(self) -> None:
        self.failures = 0


def outage_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean 'the database or the queue is away', as opposed to a bug."""
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(errors)


def drop_connections() -> None:
    """Close this thread's database connections, even broken ones, so the next query reconnects."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - a dead connection may fail to close; it is dropped all the same
            conn.connection = None


def supervise(run: Callable[[], object], *, what: str, stop: threading.Event | None = None,
              backoff: Backoff | None = None, healthy_after: float = 60.0) -> object:
    """Call `run()` until it returns; after an outage error, reconnect with back-off and call it again.

    A run that lasted `healthy_after` seconds before failing starts the back-off afresh: a
    database that was fine for an hour is retried after a second, not after the last long wait.
    Returns what `run()` returned, or None when `stop` was set while waiting.
    """
    stop = stop or threading.Event()
    backoff = backoff or Backoff()
    errors = outage_errors()
    while True:
        started = time.monotonic()
        try:
            return run()
        except errors as e:
            drop_connections()
            if time.monotonic() - started >= healthy_after:
                backoff.reset()
            delay = backoff.next()
            reason = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
            log.warning("%s lost the database or the queue (%s); retrying in %.1f s", what, reason, delay)
            if threading.current_thread() is threading.main_thread():
                # The loop's own graceful-stop handlers may be gone with it: let Ctrl-C and SIGTERM end the wait.
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
            if stop.wait(delay):
                return None


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
