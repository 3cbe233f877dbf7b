"""Reads of needs and reports, scoped by the acting user."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import NotFound
from muster.core.models import AuditEvent
from muster.geo import selectors as geo
from muster.geo.models import Region, Site
from muster.needs.models import Deployment, DispatchRun, Need, NeedRole, ProposalLine, Report

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

    return {"needs": ([_("Need"), pgettext("a job to do", "Role"), _("Community"), _("Site"), _("Start"), _("End"), _("Urgency"), _("Status"),
                       _("People needed"), _("Accepted"), _("Open places"), _("Reported"), _("Checked in")], need_rows()),
            "reports": ([_("Need"), _("Start"), _("Name"), _("Phone"), _("Status"), _("Checked in"), _("Checked out"),
                         _("Hours")], report_rows())}


def runs_managed(user) -> QuerySet[DispatchRun]:
    return DispatchRun.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("region", "deployment")


def runs_export(user) -> dict[str, tuple[list[str], Iterator[list]]]:
    """Dispatch runs the user manages and their proposal lines, as spreadsheet rows (newest first)."""
    runs = list(runs_managed(user).select_related("requested_by").order_by("-created_at")[:EXPORT_LIMIT])

    def run_rows() -> Iterator[list]:
        for r in runs:
            yield [r.pk, r.created_at, r.region.name, str(r.deployment) if r.deployment_id else "", r.get_status_display(),
                   r.requested_by.get_username() if r.requested_by_id else "", r.max_km, r.needs_count, r.people_count, r.places,
                   r.filled, r.confirmed_count, round(r.total_m / 1000, 1), r.finished_at, r.error]

    def line_rows() -> Iterator[list]:
        lines = (ProposalLine.objects.filter(run__in=[r.pk for r in runs])
                 .select_related("need", "need__role", "need__region", "need__site", "person")
                 .order_by("-run_id", "need__start", "person__name"))
        for ln in lines.iterator(chunk_size=2000):
            yield [ln.run_id, str(ln.need), ln.need.region.name, ln.need.start, ln.person.name, ln.person.phone,
                   round(ln.metres / 1000, 2), ln.included, ln.reason, ln.outcome]

    return {"runs": ([_("Run"), _("Started"), _("Region"), _("Deployment"), _("Status"), _("Requested by"), _("Radius (km)"),
                      _("Needs"), _("People considered"), _("Places"), _("Filled"), _("Confirmed"), _("Total distance (km)"),
                      _("Finished"), _("Error")], run_rows()),
            "lines": ([_("Run"), _("Need"), _("Community"), _("Start"), _("Name"), _("Phone"), _("Distance (km)"), _("Included"),
                       _("Reason"), _("Outcome")], line_rows())}


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


def board_totals(user) -> dict[str, int]:
    """Open needs still to come in the user's regions, and how many of them still have places to fill."""
    qs = needs_managed(user).filter(status=Need.Status.OPEN, end__gt=timezone.now())
    return {"needs": qs.count(), "gaps": qs.filter(accepted_count__lt=F("headcount")).count()}


def my_hours(user):
    """Hours the user's person served on needs they completed (0 without a person)."""
    if not user.person_id:
        return 0
    hours = Report.objects.filter(person_id=user.person_id, status=Report.Status.COMPLETED).values_list("hours", flat=True)
    return sum((h or 0) for h in hours)


def need_by_code(code: str) -> Need | None:
    """The need whose check-in code this is (already normalised); the code is the secret, so no scope applies."""
    return Need.objects.select_related("site", "region", "role").filter(checkin_code=code).first()


def communities_managed(user) -> QuerySet[Region]:
    """Communities in the regions the user coordinates (at most 2000), by code: where they may post needs."""
    communities = Region.objects.filter(Scope.of(user).region_q("", MANAGERS), level=Region.Level.COMMUNITY).order_by("code")[:2000]
    # Not sliced itself, so that a form can still filter it to check the choice.
    return Region.objects.filter(pk__in=[c.pk for c in communities]).order_by("code")


def sites_for_needs(user) -> QuerySet[Site]:
    """Active sites of the regions the user coordinates, by community and name."""
    return (geo.sites_visible(user).filter(Scope.of(user).region_q("region", MANAGERS), active=True)
            .order_by("region__code", "name"))


def communities_by_codes(user, codes) -> list[Region]:
    """Those of `codes` that are regions the user coordinates."""
    return list(Region.objects.filter(Scope.of(user).region_q("", MANAGERS), code__in=codes))


def communities_by_codes_or_names(user, codes, names) -> tuple[list[Region], list[str], list[str]]:
    """Regions the user coordinates, by code or by exact name: (found, codes or names not found, names held by several)."""
    mine = Region.objects.filter(Scope.of(user).region_q("", MANAGERS))
    found = {r.code: r for r in mine.filter(code__in=codes)}
    missing = [c for c in dict.fromkeys(codes) if c not in found]
    ambiguous = []
    by_name: dict[str, list[Region]] = {}
    for r in mine.filter(name__in=names, level=Region.Level.COMMUNITY):
        by_name.setdefault(r.name, []).append(r)
    for name in dict.fromkeys(names):
        hits = by_name.get(name, [])
        if len(hits) == 1:
            found.setdefault(hits[0].code, hits[0])
        elif hits:
            ambiguous.append(name)
        else:
            missing.append(name)
    return list(found.values()), missing, ambiguous


def regions_by_codes(codes) -> list[Region]:
    """Regions with these codes, wherever they are: the action decides which the user may use."""
    return list(Region.objects.filter(code__in=codes))


def role_by_code(code: str) -> NeedRole | None:
    """An active role of the catalogue, or None."""
    return NeedRole.objects.filter(code=code, active=True).first()


def roles_active() -> QuerySet[NeedRole]:
    return NeedRole.objects.filter(active=True)


def site_for_need(user, pk: int) -> Site | None:
    """The site with this id: one the user sees, else any (the action then refuses one outside their region)."""
    return geo.sites_visible(user).filter(pk=pk).first() or Site.objects.select_related("region").filter(pk=pk).first()


def community_for_need(user, code: str) -> Region | None:
    """The region with this code: one the user sees, else any (the action then refuses one outside their region)."""
    return geo.regions_visible(user).filter(code=code).first() or Region.objects.filter(code=code).first()


def reports_of(need: Need) -> QuerySet[Report]:
    """Every report to the need, with its person, in the order they came."""
    return need.reports.select_related("person").order_by("id")


def reports_live(need: Need) -> QuerySet[Report]:
    """The need's reports not withdrawn, by status, with each person and their community."""
    return need.reports.exclude(status=Report.Status.WITHDRAWN).select_related("person", "person__region").order_by("status", "id")


def reports_withdrawn(need: Need) -> QuerySet[Report]:
    return need.reports.filter(status=Report.Status.WITHDRAWN).select_related("person")


def my_report(user, need: Need) -> Report | None:
    """The user's own report to the need, unless withdrawn."""
    return need.reports.filter(person_id=user.person_id).exclude(status=Report.Status.WITHDRAWN).first()


def report_reloaded(report: Report) -> Report:
    """The report as stored now, with its person: what an action left it as."""
    return Report.objects.select_related("person").get(pk=report.pk)


def need_history(need: Need) -> QuerySet[AuditEvent]:
    """The need's last audit events (the caller has checked the user manages it)."""
    return AuditEvent.objects.filter(object_type="needs.need", object_id=str(need.pk))


def dispatch_regions(user) -> QuerySet[Region]:
    """Regions the user may run the dispatcher for (at most 300), broadest first; a city-wide user is not offered communities."""
    scope = Scope.of(user)
    regions = Region.objects.filter(scope.region_q("", MANAGERS), level__in=[
        Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET, Region.Level.COMMUNITY]).order_by("depth", "code")
    if scope.paths(MANAGERS) == ["/"]:
        regions = regions.exclude(level=Region.Level.COMMUNITY)
    # Not sliced itself, so that a form can still filter it to check the choice.
    return Region.objects.filter(pk__in=[r.pk for r in regions[:300]]).order_by("depth", "code")


def run_lines(run: DispatchRun) -> QuerySet[ProposalLine]:
    """A run's proposal, with the needs and people it names."""
    return ProposalLine.objects.filter(run=run).select_related("need", "need__role", "need__region", "need__site",
                                                               "person", "person__region", "report")


def deployment_needs(dep: Deployment) -> QuerySet[Need]:
    return dep.needs.select_related("region", "role").prefetch_related("skills")


def deployment_runs(dep: Deployment) -> QuerySet[DispatchRun]:
    return dep.runs.all()
