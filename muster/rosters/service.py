"""Checkpoint duty served, for the hours ledger (`muster.volunteering.ledger`): each check-in on a rostered
shift that has ended is one piece of service, for the minutes the duty log credits it, organised by the
post's community."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from muster.rosters.models import CheckIn
from muster.volunteering import ledger


def served(since: dt.datetime, until: dt.datetime) -> Iterator[ledger.Served]:
    # Only shifts already over: a stand-in arriving later may still shorten the rostered person's minutes.
    rows = (CheckIn.objects.filter(assignment__isnull=False, minutes__gt=0, assignment__ends_at__gte=since,
                                   assignment__ends_at__lt=until)
            .select_related("post__site", "post__region", "assignment__roster__created_by").order_by("pk"))
    for c in rows.iterator(chunk_size=500):
        a = c.assignment
        if a is None:  # excluded by the filter
            continue
        start = max(c.at, a.starts_at)
        end = start + dt.timedelta(minutes=c.minutes)
        creator = a.roster.created_by
        leader = (creator.get_full_name() or creator.get_username()) if creator else ""
        yield ledger.Served(
            source_key=f"rosters.checkin:{c.pk}", person_id=c.person_id, starts_at=start, ends_at=end,
            hours=ledger.hours_between(start, end), activity=f"{c.post.site.name} {c.post.name}",
            place=c.post.site.name, content=f"{c.post.get_kind_display()} {a.get_line_display()}",
            organiser=c.post.region.name, leader=leader, region_id=c.post.region_id,
            recorded_by_id=creator.pk if creator else None)


ledger.register("rosters", served)
