"""Periodic jobs of volunteering, run by the worker's ticker (`muster.core.periodic`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.core import periodic
from muster.volunteering import actions

# Look back past the organiser's 10 working days (two weeks and a margin): records are idempotent, so
# the overlap costs a few queries, and a worker down over a weekend still misses nothing.
LOOKBACK = dt.timedelta(days=21)


def service_hours_collect(now: dt.datetime | None = None) -> int:
    """Record every hour served anywhere in Muster that is not in the ledger yet."""
    now = now or timezone.now()
    return actions.service_records_collect(since=now - LOOKBACK, until=now)


periodic.register("volunteering.service_hours", 15 * 60, service_hours_collect)
