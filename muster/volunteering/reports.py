"""Team and community reports: volunteers, hours and records (sessions served) by organising unit (team or
community), community, street or district, per month — read from the ledger, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from muster.accounts.scoping import MANAGERS, Scope
from muster.geo.models import Region
from muster.volunteering.models import ServiceRecord

GROUPS = ("unit", "community", "street", "district")


@dataclass
class Row:
    group: str
    month: str
    volunteers: int
    hours: Decimal
    records: int


def records_visible(user):
    """Ledger lines served in the user's regions (coordinators, command) or organised by them."""
    scope = Scope.of(user)
    return ServiceRecord.objects.filter(scope.region_q("region", MANAGERS) | Q(recorded_by=user))


def report(user, *, group: str = "community", since: dt.date | None = None, until: dt.date | None = None) -> list[Row]:
    if group not in GROUPS:
        group = "community"
    qs = records_visible(user)
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    key = "organiser" if group == "unit" else "region_id"
    # Volunteers are counted distinct per group and month, so they are counted in the database at the final grain:
    # for streets and districts the lines are grouped by region first and rolled up with a per-person set.
    if group in ("unit", "community"):
        rows = (qs.annotate(month=TruncMonth("date")).values(key, "month")
                .annotate(volunteers=Count("person_id", distinct=True), hours=Sum("hours"), records=Count("id"))
                .order_by("month", key))
        names = {} if group == "unit" else dict(Region.objects.filter(
            pk__in={r[key] for r in rows}).values_list("pk", "name"))
        return [Row(group=r[key] if group == "unit" else names.get(r[key], ""), month=f"{r['month']:%Y-%m}",
                    volunteers=r["volunteers"], hours=r["hours"] or Decimal(0), records=r["records"]) for r in rows]
    level = Region.Level.STREET if group == "street" else Region.Level.DISTRICT
    cells = (qs.annotate(month=TruncMonth("date")).values("region_id", "month", "person_id")
             .annotate(hours=Sum("hours"), records=Count("id")))
    regions = {r.pk: r for r in Region.objects.filter(pk__in={c["region_id"] for c in cells})}
    ancestors = {a.pk: a for a in Region.objects.filter(
        level=level, pk__in={i for r in regions.values() for i in r.ancestor_ids()} | set(regions))}

    def up(region_id: int) -> str:
        r = regions.get(region_id)
        for i in ([*r.ancestor_ids(), r.pk] if r else []):
            if i in ancestors:
                return ancestors[i].name
        return ""

    acc: dict[tuple[str, str], list] = defaultdict(lambda: [set(), Decimal(0), 0])
    for c in cells:
        a = acc[(up(c["region_id"]), f"{c['month']:%Y-%m}")]
        a[0].add(c["person_id"])
        a[1] += c["hours"] or 0
        a[2] += c["records"]
    return [Row(group=g, month=m, volunteers=len(v[0]), hours=v[1], records=v[2])
            for (g, m), v in sorted(acc.items(), key=lambda kv: (kv[0][1], kv[0][0]))]
