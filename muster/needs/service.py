"""What members served on needs, for the hours ledger (`muster.volunteering.ledger`): each completed report
(checked in and out at the site) is one piece of service, organised by the need's community."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from muster.needs.models import Report
from muster.volunteering import ledger


def served(since: dt.datetime, until: dt.datetime) -> Iterator[ledger.Served]:
    rows = (Report.objects.filter(status=Report.Status.COMPLETED, checked_out_at__gte=since, checked_out_at__lt=until,
                                  checked_in_at__isnull=False, hours__gt=0)
            .select_related("need__region", "need__site", "need__role", "need__posted_by").order_by("pk"))
    for r in rows.iterator(chunk_size=500):
        need, by = r.need, r.need.posted_by
        if r.checked_in_at is None or r.checked_out_at is None or r.hours is None:  # excluded by the filter
            continue
        leader = (by.get_full_name() or by.get_username()) if by is not None else ""
        yield ledger.Served(
            source_key=f"needs.report:{r.pk}", person_id=r.person_id, starts_at=r.checked_in_at,
            ends_at=r.checked_out_at, hours=r.hours, activity=str(need), place=need.site.name if need.site else need.region.name,
            content=" ".join(x for x in (need.role.label, need.notes) if x), organiser=need.region.name, leader=leader,
            region_id=need.region_id, recorded_by_id=need.posted_by_id)


ledger.register("needs", served)
