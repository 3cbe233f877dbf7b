"""Periodic jobs of volunteering, run by the worker's ticker (`muster.core.periodic`)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from muster.core import periodic
from muster.volunteering import actions

log = logging.getLogger("muster.volunteering")

# Look back past the organiser's 10 working days (two weeks and a margin): records are idempotent, so
# the overlap costs a few queries, and a worker down over a weekend still misses nothing.
LOOKBACK = dt.timedelta(days=21)


def service_hours_collect(now: dt.datetime | None = None) -> int:
    """Record every hour served anywhere in Muster that is not in the ledger yet."""
    now = now or timezone.now()
    return actions.service_records_collect(since=now - LOOKBACK, until=now)


periodic.register("volunteering.service_hours", 15 * 60, service_hours_collect)


def session_reminders_send(now: dt.datetime | None = None) -> int:
    """Remind every confirmed volunteer whose session is near, once each; returns how many were reminded."""
    now = now or timezone.now()
    told = 0
    for signup in actions.signups_to_remind(now):
        try:
            told += actions.signup_remind(signup=signup, now=now)
        except Exception:  # noqa: BLE001 - one bad row must not hide the others; it stays unclaimed for the next run
            log.exception("could not remind sign-up %s", signup.pk)
    return told


periodic.register("volunteering.reminders", 5 * 60, session_reminders_send)
