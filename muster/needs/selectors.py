"""Reads of needs and reports, scoped by the acting user."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import NotFound
from muster.geo.models import Region
from muster.needs.models import Deployment, DispatchRun, Need, Report

NEARBY_KM = 10.0


def km_between(lat1, lon1, lat2, lon2) -> float | None:
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def needs_managed(user) -> QuerySet[Need]:
    """Needs in the regions the user coordinates or commands."""
    return (Need.objects.filter(Scope.of(user).region_q("region", MANAGERS))
            .select_related("region", "site", "role"))


def need_get(user, pk: int) -> Need:
    """A need the user manages, one open to them, or one they have reported to; 404 otherwise."""
    need = Need.objects.select_related("region", "region__parent", "site", "role", "deployment").prefetch_related(
        "skills").filter(pk=pk).first()
    if need is None:
        raise NotFound()
    if Scope.of(user).covers(need.region, MANAGERS):
        return need
    if user.person_id and (Report.objects.filter(need=need, person_id=user.person_id).exists()
                           or (need.status == Need.Status.OPEN and _reachable(user.person, need))):
        return need
    raise NotFound()


def _district_path(region: Region) -> str:
    """The path of the region's district (or the region's own when shallower): 'nearby' stays within it."""
    ids = region.ancestor_ids()
    return "/" + "/".join(str(i) for i in ids[: min(len(ids), 3)]) + "/"


def _reachable(person, need: Need) -> bool:
    return need.region.path.startswith(_district_path(person.region))


def need_manageable(user, pk: int) -> Need:
    need = need_get(user, pk)
    if not Scope.of(user).covers(need.region, MANAGERS):
        raise NotFound()
    return need


@dataclass
class OpenNeed:
    need: Need
    km: float | None
    own: bool
    qualifies: bool
    my_status: str | None


def needs_open_for(user, *, mine_only_skills: bool = False, day: dt.date | None = None, limit: int = 200) -> list[OpenNeed]:
    """Open needs a member or volunteer may answer: their own community first, then nearby (same district, by distance).

    `mine_only_skills` hides needs asking for skills or affiliations they lack; `day` keeps needs that start that day.
    """
    person = getattr(user, "person", None)
    if person is None:
        return []
    home = person.region
    qs = (Need.objects.filter(status=Need.Status.OPEN, end__gt=timezone.now(),
                              region__path__startswith=_district_path(home))
          .select_related("region", "site", "role").prefetch_related("skills").order_by("start")[:2000])
    if day is not None:
        tz = timezone.get_current_timezone()
        lo = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        qs = (Need.objects.filter(pk__in=[n.pk for n in qs], start__gte=lo, start__lt=lo + dt.timedelta(days=1))
              .select_related("region", "site", "role").prefetch_related("skills"))
    held = set(person.skills.values_list("code", flat=True))
    kinds = set(person.affiliations.values_list("organisation__kind", flat=True))
    mine = dict(Report.objects.filter(person=person).exclude(status__in=[Report.Status.WITHDRAWN])
                .values_list("need_id", "status"))
    out = []
    for n in qs:
        wanted = {s.code for s in n.skills.all()}
        qualifies = wanted <= held and (not n.affiliation_kinds or bool(kinds & set(n.affiliation_kinds)))
        if mine_only_skills and not qualifies:
            continue
        lat = n.site.lat if n.site_id and n.site.lat is not None else n.region.lat
        lon = n.site.lon if n.site_id and n.site.lon is not None else n.region.lon
        km = km_between(home.lat, home.lon, lat, lon)
        own = n.region_id == home.id
        if not own and km is not None and km > NEARBY_KM and n.deployment_id is None:
            continue
        out.append(OpenNeed(n, km, own, qualifies, mine.get(n.pk)))
    urgency = {"critical": 0, "high": 1, "normal": 2, "low": 3}
    out.sort(key=lambda o: (not o.own, urgency.get(o.need.urgency, 2), o.km if o.km is not None else 1e9, o.need.start))
    return out[:limit]


def my_commitments(user, *, past: bool = False) -> QuerySet[Report]:
    """The user's own reports: upcoming and live ones (or, with `past`, finished ones)."""
    if not user.person_id:
        return Report.objects.none()
    qs = Report.objects.filter(person_id=user.person_id).select_related("need", "need__role", "need__region", "need__site")
    now = timezone.now()
    if past:
        return qs.filter(Q(need__end__lte=now) | Q(status__in=[Report.Status.COMPLETED, Report.Status.NO_SHOW,
                                                                 Report.Status.DECLINED, Report.Status.WITHDRAWN])
                         ).order_by("-need__start")
    return qs.filter(status__in=Report.ACTIVE, need__end__gt=now - dt.timedelta(hours=2)).order_by("need__start")


def report_mine(user, pk: int) -> Report:
    report = Report.objects.select_related("need", "need__region", "need__role").filter(pk=pk, person_id=user.person_id).first()
    if report is None or not user.person_id:
        raise NotFound()
    return report


def report_managed(user, pk: int) -> Report:
    report = (Report.objects.select_related("need", "need__region", "need__role", "need__site", "person")
              .filter(pk=pk).first())
    if report is None or not Scope.of(user).covers(report.need.region, MANAGERS):
        raise NotFound()
    return report


@dataclass
class BoardFilter:
    status: str = ""
    urgency: str = ""
    role: str = ""
    day: dt.date | None = None
    region: Region | None = None
    gaps_only: bool = False


def board(user, f: BoardFilter | None = None) -> QuerySet[Need]:
    """The coordinator's board: needs in their region with their reports (and people) prefetched."""
    f = f or BoardFilter()
    qs = needs_managed(user)
    if f.status:
        qs = qs.filter(status=f.status)
    else:
        qs = qs.filter(status__in=[Need.Status.OPEN, Need.Status.PAUSED], end__gt=timezone.now() - dt.timedelta(days=1))
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.role:
        qs = qs.filter(role__code=f.role)
    if f.region is not None:
        qs = qs.filter(region__path__startswith=f.region.path)
    if f.day is not None:
        lo = dt.datetime.combine(f.day, dt.time.min, tzinfo=timezone.get_current_timezone())
        qs = qs.filter(start__gte=lo, start__lt=lo + dt.timedelta(days=1))
    if f.gaps_only:
        from django.db.models import F

        qs = qs.filter(accepted_count__lt=F("headcount"))
    reports = Report.objects.exclude(status__in=[Report.Status.WITHDRAWN]).select_related("person").order_by("status", "id")
    return (qs.annotate(reported_n=Count("reports", filter=Q(reports__status=Report.Status.REPORTED)),
                        checked_in_n=Count("reports", filter=Q(reports__status__in=[Report.Status.CHECKED_IN,
                                                                                    Report.Status.COMPLETED])))
            .prefetch_related(Prefetch("reports", queryset=reports, to_attr="live_reports"), "skills")
            .order_by("start", "id"))


EXPORT_LIMIT = 20_000


def board_export(user, f: BoardFilter | None = None) -> dict[str, tuple[list[str], Iterator[list]]]:
    """The board as spreadsheet rows: {"needs": (headers, rows), "reports": (headers, rows)}, scoped like the board."""
    needs = list(board(user, f)[:EXPORT_LIMIT])

    def need_rows() -> Iterator[list]:
        for n in needs:
            yield [str(n), n.role.label, n.region.name, n.site.name if n.site_id else "", n.start, n.end,
                   n.get_urgency_display(), n.get_status_display(), n.headcount, n.accepted_count, n.open_places,
                   n.reported_n, n.checked_in_n]

    def report_rows() -> Iterator[list]:
        for n in needs:
            for r in n.live_reports:
                yield [str(n), n.start, r.person.name, r.person.phone, r.get_status_display(), r.checked_in_at,
                       r.checked_out_at, r.hours]

    return {"needs": ([_("Need"), _("Role"), _("Community"), _("Site"), _("Start"), _("End"), _("Urgency"), _("Status"),
                       _("People needed"), _("Accepted"), _("Open places"), _("Reported"), _("Checked in")], need_rows()),
            "reports": ([_("Need"), _("Start"), _("Name"), _("Phone"), _("Status"), _("Checked in"), _("Checked out"),
                         _("Hours")], report_rows())}


def runs_managed(user) -> QuerySet[DispatchRun]:
    return DispatchRun.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("region", "deployment")


def run_get(user, pk: int) -> DispatchRun:
    run = runs_managed(user).filter(pk=pk).first()
    if run is None:
        raise NotFound()
    return run


def deployments_managed(user) -> QuerySet[Deployment]:
    return Deployment.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("region")


def deployment_get(user, pk: int) -> Deployment:
    dep = deployments_managed(user).filter(pk=pk).first()
    if dep is None:
        raise NotFound()
    return dep
