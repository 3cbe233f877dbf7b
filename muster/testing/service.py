"""Collection-point team shifts, for the hours ledger (`muster.volunteering.ledger`): each shift on a point's
staff roll (actions.shift_record, kept by the point's lead) is one piece of service, organised by the campaign's
region and recorded in the name of whoever kept the roll. The ledger counts a span of the same person's time
once, so a shift that was also a need check-in or a project session at the same hours is not counted again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from muster.testing.models import Shift
from muster.volunteering import ledger


def served(since: dt.datetime, until: dt.datetime) -> Iterator[ledger.Served]:
    rows = (Shift.objects.filter(ends_at__gte=since, ends_at__lt=until)
            .select_related("point__site", "point__campaign__region", "recorded_by").order_by("pk"))
    for s in rows.iterator(chunk_size=500):
        c, site, by = s.point.campaign, s.point.site, s.recorded_by
        leader = (by.get_full_name() or by.get_username()) if by is not None else ""
        yield ledger.Served(
            source_key=f"testing.shift:{s.pk}", person_id=s.person_id, starts_at=s.starts_at, ends_at=s.ends_at,
            hours=ledger.hours_between(s.starts_at, s.ends_at), activity=f"{c.name} {site.name}"[:120], place=site.name,
            content=f"{c.name} {s.get_role_display()}", organiser=c.region.name, leader=leader,
            region_id=site.region_id, recorded_by_id=s.recorded_by_id)


ledger.register("testing", served)
