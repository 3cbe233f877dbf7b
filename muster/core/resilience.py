"""Staying up through outages: back-off, telling an outage from a bug, reconnecting.

Shared by the task worker (`worker.py`) and the ticker (`periodic.py`), which must both
outlive a database or queue that goes away for a while.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections

log = logging.getLogger("muster.core")


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
