"""Periodic jobs of rosters, run by the worker's ticker (`muster.core.periodic`)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from muster.core import periodic
from muster.rosters import actions, selectors

log = logging.getLogger("muster.rosters")

# Shifts that started longer ago than this are not announced any more: after a worker was
# down for a night, a dozen stale alarms would only bury the ones that still matter.
MISSED_LOOKBACK = dt.timedelta(hours=6)


def missed_shifts_notify(now: dt.datetime | None = None) -> int:
    """Tell coordinators about every newly missed shift, once each; returns how many were told."""
    now = now or timezone.now()
    told = 0
    pending = (selectors.missed_since(now, MISSED_LOOKBACK)
               .filter(missed_notified_at__isnull=True, post__active=True).order_by("starts_at"))
    for assignment in pending[:500]:
        try:
            told += actions.shift_missed_notify(assignment=assignment, now=now)
        except Exception:  # noqa: BLE001 - one bad shift must not hide the others; it stays unclaimed for the next run
            log.exception("could not flag missed shift %s", assignment.pk)
    return told


# Past its time limit (twice, for the explanation) and this margin, a solve has lost its worker.
ABANDONED_MARGIN = dt.timedelta(minutes=5)


def abandoned_solves_fail(now: dt.datetime | None = None) -> int:
    """Fail the solves whose worker died mid-solve: otherwise the post can never be solved for that week again."""
    now = now or timezone.now()
    return sum(actions.roster_solve_abandon(roster_id=pk, now=now) for pk in selectors.solves_abandoned(now, ABANDONED_MARGIN))


periodic.register("rosters.missed_shifts", 60, missed_shifts_notify)
periodic.register("rosters.abandoned_solves", 120, abandoned_solves_fail)
