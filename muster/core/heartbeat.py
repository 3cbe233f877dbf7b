"""Heartbeats of the background processes: each `muster worker` (and its ticker) says it is alive.

A page that waits on background work (a queued roster solve, a pending message) asks
`worker_silence()` and says so when no worker has been seen for a minute; /healthz reports
both roles. One row per process; rows of processes gone for a day are pruned by the
`core.cleanup` periodic job.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db.models import Max
from django.utils import timezone

from muster.core.models import Heartbeat

WORKER, TICKER = Heartbeat.Role.WORKER, Heartbeat.Role.TICKER
# A worker beats every BEAT_EVERY; pages speak up after SILENT_AFTER without one (a few missed beats).
BEAT_EVERY = dt.timedelta(seconds=15)
SILENT_AFTER = dt.timedelta(minutes=1)


def process_name(role: str) -> str:
    return f"{role}:{socket.gethostname()}:{os.getpid()}"[:120]


def beat(role: str, *, name: str | None = None, now: dt.datetime | None = None) -> None:
    """Record that this process (in `role`) is alive now."""
    now = now or timezone.now()
    name = name or process_name(role)
    if not Heartbeat.objects.filter(name=name).update(seen_at=now):
        Heartbeat.objects.update_or_create(name=name, defaults={"role": role, "seen_at": now},
                                           create_defaults={"role": role, "seen_at": now, "started_at": now})


def last_seen(role: str) -> dt.datetime | None:
    return Heartbeat.objects.filter(role=role).aggregate(at=Max("seen_at"))["at"]


def silence(role: str, *, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long no process in `role` has been seen; None when one was seen within SILENT_AFTER.

    Never seen at all counts as silent since forever (`dt.timedelta.max`).
    """
    now = now or timezone.now()
    seen = last_seen(role)
    if seen is None:
        return dt.timedelta.max
    gap = now - seen
    return gap if gap >= SILENT_AFTER else None


def worker_silence(now: dt.datetime | None = None) -> dt.timedelta | None:
    return silence(WORKER, now=now)


def prune(*, older_than: dt.timedelta = dt.timedelta(days=1), now: dt.datetime | None = None) -> int:
    """Forget processes not seen for a day (each restart leaves a row behind)."""
    return Heartbeat.objects.filter(seen_at__lt=(now or timezone.now()) - older_than).delete()[0]
