"""Writes to rosters: ask for a solve, publish or discard its result, fail a solve whose worker died."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, InvalidInput
from muster.core.transactions import atomic
from muster.rosters import solving
from muster.rosters.actions.common import manage, monday_of
from muster.rosters.audits import Audit
from muster.rosters.models import Assignment, Post, Roster


def roster_request(*, actor, post: Post, start: dt.date, weeks: int = 1) -> Roster:
    """Queue a solve of `weeks` weeks from the Monday of `start`. Refused, with reasons, if the team cannot cover it."""

    manage(actor, post)
    if not 1 <= weeks <= 8:
        raise InvalidInput(_("A roster covers 1 to 8 weeks."), field="weeks")
    start = monday_of(start)
    if start < monday_of(timezone.localdate()) - dt.timedelta(days=7):
        raise InvalidInput(_("Rosters cannot be made for weeks long past."), field="start")
    problems = solving.precheck(post, start, weeks)
    if problems:
        raise InvalidInput(problems[0], field="cover", errors=[{"message": p} for p in problems])
    if post.rosters.filter(start=start, status__in=[Roster.Status.QUEUED, Roster.Status.SOLVING]).exists():
        raise Conflict(_("A roster for this week is already being solved."))
    with atomic():
        roster = Roster.objects.create(post=post, start=start, weeks=weeks, created_by=actor, time_limit=post.solve_seconds)
        audit.record(actor=actor, action=Audit.ROSTER_REQUEST, obj=roster, region=post.region, changes={"start": start, "weeks": weeks})
        transaction.on_commit(lambda: solving.enqueue(roster.pk))
    return roster


def roster_publish(*, actor, roster: Roster) -> Roster:
    """Make a ready roster the one members see; the published rosters it overlaps are superseded."""
    manage(actor, roster.post)
    with atomic():
        n = Roster.objects.filter(pk=roster.pk, status=Roster.Status.READY).update(
            status=Roster.Status.PUBLISHED, published_at=timezone.now())
        if not n:
            raise Conflict(_("Only a ready roster can be published."))
        old = Roster.objects.select_for_update().filter(
            post=roster.post, status=Roster.Status.PUBLISHED, start__lte=roster.end,
            start__gt=roster.start - dt.timedelta(days=56)).exclude(pk=roster.pk)
        superseded, kept = [], []
        for r in old:
            if r.end < roster.start:
                continue
            # the weeks of the older roster outside the new one stay published: their shifts (the
            # very rows, with their check-ins and notes) move to a roster of those weeks
            for lo, hi in ((r.start, roster.start - dt.timedelta(days=1)), (roster.end + dt.timedelta(days=1), r.end)):
                if lo > hi:
                    continue
                part = Roster.objects.create(
                    post=r.post, start=lo, weeks=((hi - lo).days + 1) // 7, status=Roster.Status.PUBLISHED,
                    engine_status=r.engine_status, time_limit=r.time_limit, based_on=r, created_by=r.created_by,
                    finished_at=r.finished_at, published_at=r.published_at)
                Assignment.objects.filter(roster=r, date__gte=lo, date__lte=hi).update(roster=part)
                kept.append({"roster": part.pk, "start": lo.isoformat(), "weeks": part.weeks})
            superseded.append(r.pk)
        Roster.objects.filter(pk__in=superseded).update(status=Roster.Status.SUPERSEDED)
        audit.record(actor=actor, action=Audit.ROSTER_PUBLISH, obj=roster, region=roster.post.region,
                     changes={"superseded": superseded, "kept": kept, "changes": roster.changes})
    roster.refresh_from_db()
    return roster


def roster_discard(*, actor, roster: Roster) -> None:
    manage(actor, roster.post)
    with atomic():
        n = Roster.objects.filter(pk=roster.pk, status__in=[Roster.Status.READY, Roster.Status.FAILED]).delete()[0]
        if not n:
            raise Conflict(_("Only a roster that is not published and not being solved can be discarded."))
        audit.record(actor=actor, action=Audit.ROSTER_DISCARD, obj=roster.post, region=roster.post.region,
                     changes={"start": roster.start})


def roster_solve_abandon(*, roster_id: int, now: dt.datetime | None = None) -> bool:
    """Mark a solve whose worker died as failed, so the coordinator can solve again; False if it ended meanwhile."""
    now = now or timezone.now()
    with atomic():
        # Conditional: a worker that was only slow and stores its roster now keeps its outcome.
        n = Roster.objects.filter(pk=roster_id, status=Roster.Status.SOLVING).update(
            status=Roster.Status.FAILED, finished_at=now,
            problems=[_("The background worker stopped during this solve. Nothing was changed: solve again.")])
        if n:
            roster = Roster.objects.select_related("post__site__region").get(pk=roster_id)
            audit.record(actor=None, action=Audit.ROSTER_SOLVE_ABANDONED, obj=roster, region=roster.post.site.region)
    return bool(n)
