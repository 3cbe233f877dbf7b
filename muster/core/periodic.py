"""Periodic jobs: a registry each app fills from its `jobs.py`, and the ticker that runs them.

An app declares `periodic.register("rosters.missed_shifts", 60, missed_shifts_notify)` in
`muster/<app>/jobs.py`; `discover()` imports those modules. `muster worker` starts a
`Ticker` in a thread beside the task worker; `muster tick --once` runs one round from cron.

Each run is guarded so that a failing job is logged and the others go on. On PostgreSQL
a session advisory lock per job keeps two workers from running the same job at once (the
second skips its turn); on SQLite, a single-machine database, the job simply runs. Jobs
must be idempotent: the ticker's schedule lives in memory, so after a restart, or with
two workers taking turns, a job may run again sooner than its interval.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import close_old_connections, connection

from muster.core.registry import Registry
from muster.core.resilience import Backoff, drop_connections, outage_errors

log = logging.getLogger("muster.core")

# Outcomes of one job in one tick.
OK, ERROR, LOCKED = "ok", "error", "locked"


@dataclass(frozen=True)
class Job:
    name: str
    interval: float  # seconds between the starts of two runs
    func: Callable[[], object]


_registry: Registry[Job] = Registry("jobs")


def register(name: str, interval: float, func: Callable[[], object]) -> Job:
    """Add (or replace, by name) a job run every `interval` seconds."""
    if interval <= 0:
        raise ValueError("a periodic job needs a positive interval")
    return _registry.register(name, Job(name=name, interval=float(interval), func=func))


unregister = _registry.unregister
discover = _registry.discover


def registered() -> list[Job]:
    return [job for _name, job in _registry.items()]


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.blake2b(f"muster.periodic:{name}".encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def exclusive(name: str):
    """Yield True if this process may run job `name` now: always on SQLite, on PostgreSQL if the lock was free."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        got = bool(cursor.fetchone()[0])
    try:
        yield got
    finally:
        if got:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except Exception:  # noqa: BLE001 - a lost connection has released the lock already
                log.warning("could not release the lock of periodic job %s", name, exc_info=True)


def run_job(job: Job) -> str:
    """Run one job under its lock; never raises."""
    try:
        with exclusive(job.name) as mine:
            if not mine:
                log.info("periodic job %s is running elsewhere; skipped", job.name)
                return LOCKED
            started = time.monotonic()
            result = job.func()
            log.info("periodic job %s done in %.2f s: %s", job.name, time.monotonic() - started, result)
            return OK
    except Exception:  # noqa: BLE001 - one failing job never stops the others
        log.exception("periodic job %s failed", job.name)
        return ERROR


class Ticker:
    """Runs each job when its interval has passed since its last start. Due-ness is kept in memory."""

    def __init__(self, jobs: list[Job] | None = None):
        self._jobs = jobs  # None: whatever the registry holds at each tick
        self.last_run: dict[str, float] = {}

    def jobs(self) -> list[Job]:
        return list(self._jobs) if self._jobs is not None else registered()

    def due(self, now: float) -> list[Job]:
        return [j for j in self.jobs() if j.name not in self.last_run or now - self.last_run[j.name] >= j.interval]

    def tick(self, now: float | None = None) -> dict[str, str]:
        """Run every due job once; returns {job name: outcome} for the jobs that were due."""
        now = time.monotonic() if now is None else now
        outcomes: dict[str, str] = {}
        for job in self.due(now):
            # Counted from the start, and also after a failure: a broken job is retried at its pace, not in a loop.
            self.last_run[job.name] = now
            outcomes[job.name] = run_job(job)
        return outcomes

    def seconds_to_next(self, now: float) -> float:
        waits = [self.last_run.get(j.name, now - j.interval) + j.interval - now for j in self.jobs()]
        return max(0.0, min(waits, default=60.0))

    def run_forever(self, stop: threading.Event, resolution: float = 1.0) -> None:
        """Tick until `stop` is set; the database connection is recycled between rounds like the task worker's.

        Each round starts by recording the ticker's heartbeat, which doubles as a probe: while the
        database is away the ticker waits with a capped, jittered back-off instead of failing every
        job every round, and picks up where it was once the database answers again.
        """
        log.info("ticker started with %s", ", ".join(j.name for j in self.jobs()) or "no jobs")
        backoff, outage = Backoff(), outage_errors()
        while not stop.is_set():
            close_old_connections()
            try:
                _checkin()
            except outage as e:
                drop_connections()
                delay = backoff.next()
                log.warning("ticker lost the database (%s); retrying in %.1f s", str(e).strip()[:200], delay)
                stop.wait(delay)
                continue
            except Exception:  # noqa: BLE001 - the ticker itself must not die
                log.exception("ticker could not record its heartbeat")
            backoff.reset()
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the ticker itself must not die
                log.exception("ticker round failed")
            finally:
                close_old_connections()
            stop.wait(max(resolution, min(self.seconds_to_next(time.monotonic()), 30.0)))


def _checkin() -> None:
    """Say the ticker is alive (for pages and /healthz); raises while the database is away."""
    from muster.core import heartbeat

    heartbeat.beat(heartbeat.TICKER)


def start_ticker(stop: threading.Event | None = None) -> tuple[threading.Thread, threading.Event]:
    """Start a daemon thread ticking the registered jobs (for `muster worker`)."""
    stop = stop or threading.Event()
    discover()
    thread = threading.Thread(target=Ticker().run_forever, args=(stop,), name="muster-ticker", daemon=True)
    thread.start()
    return thread, stop
