"""The command post's figures for one region, per child region and per hour, scoped by the acting user.

Every figure is one aggregate query grouped by the community (or site) its rows belong to, over the
chosen region's subtree; the folding into the child regions (streets of a district, communities of a
street) happens here, in Python, over a few hundred groups. No query runs per region or per row.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from muster.accounts.scoping import MANAGERS, Scope
from muster.checkpoints.models import FeverAlert
from muster.core.errors import Forbidden, NotFound
from muster.geo.models import Region, Site
from muster.needs.models import Need
from muster.quarantine.models import Case
from muster.rosters.models import Assignment, CheckIn, Roster
from muster.testing.models import OVERDUE_HOURS, Box, Campaign, CollectionPoint, RecallItem, Tube

# A household where none is registered yet: the registry's people divided by a typical size.
PEOPLE_PER_HOUSEHOLD = 2.5
# Days of quarantine intake and release on the chart.
QUARANTINE_DAYS = 14
# Results whose turnaround makes up the P90: the latest of today, enough for a steady figure.
TURNAROUND_SAMPLE = 500


class Among(Func):
    """`field` is one of `ids`: one array parameter on PostgreSQL (`= ANY(%s)`), an IN list elsewhere.

    A district's subtree is some 400 region ids; as 400 bound parameters in each of a dozen queries,
    the client spent longer splitting and quoting the SQL than the server spent running it.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, ids: list[int]):
        super().__init__(F(field))
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return "1 = 0", []
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s)", [*params, self.ids]


# --- where: the region asked for, inside the user's scope -----------------------------------------

def region_for(user, code: str | None) -> Region:
    """The region the page shows: `code` when the user manages it, else the widest region they manage.

    Outside the user's regions the answer is NotFound (a code is no hint of what is there); a user who
    manages nothing is refused.
    """
    scope = Scope.of(user)
    if not scope.has_role(MANAGERS):
        raise Forbidden()
    if code:
        region = Region.objects.select_related("parent").filter(code=code.strip()[:12]).first()
        if region is None or not scope.covers(region, MANAGERS):
            raise NotFound()
        return region
    return regions_managed(user)[0]


def regions_managed(user) -> list[Region]:
    """The top regions the user manages (command or coordinator), widest first.

    For the whole city (a superuser) the tree's root, stepping down while a region has one child only
    (北京市 → 市辖区), so that the first page already shows districts.
    """
    scope = Scope.of(user)
    paths = scope.paths(MANAGERS)
    if not paths:
        raise Forbidden()
    if paths == ["/"]:
        roots = list(Region.objects.filter(parent__isnull=True).order_by("code"))
        if len(roots) == 1:
            root = roots[0]
            while True:
                kids = list(Region.objects.filter(parent=root).order_by("code")[:2])
                if len(kids) != 1:
                    break
                root = kids[0]
            roots = [root]
        if not roots:
            raise NotFound()
        return roots
    return list(Region.objects.select_related("parent").filter(path__in=paths).order_by("depth", "code"))


def trail(user, region: Region) -> list[Region]:
    """The region's ancestors the user manages too, top first: the way back up from a drill-down."""
    scope = Scope.of(user)
    ids = region.ancestor_ids()[:-1]
    by_id = Region.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id and scope.covers(by_id[i], MANAGERS)]


# --- the figures -----------------------------------------------------------------------------------

@dataclass
class Row:
    """One child region (a street of a district, a community of a street) and its figures."""

    region: Region
    people: int = 0
    sampled: int = 0  # swabs taken today
    plan: float = 0.0  # people planned to be sampled today, by the open campaigns' targets
    campaign_sampled: int = 0  # swabs of the open campaigns, every day so far
    campaign_target: float = 0.0
    boxes_transit: int = 0
    tubes_transit: int = 0
    boxes_overdue: int = 0
    resulted: int = 0  # tubes resulted today
    positive_tubes: int = 0
    positive_people: int = 0  # single tubes positive: one person each
    turnaround_sum: float = 0.0  # hours, summed over `resulted`
    recall_people: int = 0
    recall_resolved: int = 0
    recall_pending: int = 0  # not yet reached
    recall_positive: int = 0
    quarantine_active: int = 0
    quarantine_in: int = 0  # cases starting today
    quarantine_out: int = 0  # released today
    needs_open: int = 0
    needs_full: int = 0
    places: int = 0
    places_filled: int = 0
    rostered: int = 0  # shifts under way now
    staffed: int = 0  # of which someone checked in
    posts_short: int = 0  # posts with fewer checked in than rostered now
    fever_open: int = 0
    fever_today: int = 0

    @property
    def turnaround_h(self) -> float | None:
        return round(self.turnaround_sum / self.resulted, 1) if self.resulted else None

    @property
    def plan_pct(self) -> int | None:
        return round(100 * self.sampled / self.plan) if self.plan >= 1 else None

    @property
    def coverage_pct(self) -> int | None:
        return round(100 * self.campaign_sampled / self.campaign_target) if self.campaign_target >= 1 else None

    @property
    def places_open(self) -> int:
        return max(0, self.places - self.places_filled)

    @property
    def status(self) -> str:
        """The worst thing going on, for the map's colour."""
        if self.positive_people or self.positive_tubes or self.recall_positive:
            return "positive"
        if self.boxes_overdue:
            return "overdue"
        if self.fever_open:
            return "fever"
        if self.posts_short:
            return "short"
        if self.sampled or self.resulted or self.rostered or self.needs_open or self.quarantine_active:
            return "active"
        return "quiet"

    def add(self, other: Row) -> None:
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))


SUMMED = [f for f in Row.__dataclass_fields__ if f != "region"]


@dataclass
class Dot:
    """A place on the map: a community (with its figures) or a site."""

    kind: str  # "community" or a Site.Kind
    name: str
    lat: float
    lon: float
    status: str
    code: str = ""  # communities: where the dot leads
    note: str = ""


@dataclass
class Situation:
    region: Region
    now: dt.datetime
    day: dt.date
    total: Row
    rows: list[Row]
    hours: list[int] = field(default_factory=lambda: list(range(24)))
    sampled_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    plan_by_hour: list[float] = field(default_factory=lambda: [0.0] * 24)
    resulted_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    positives_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    fevers_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    turnaround_p90_h: float | None = None
    quarantine_days: list[dt.date] = field(default_factory=list)
    quarantine_in_by_day: list[int] = field(default_factory=list)
    quarantine_out_by_day: list[int] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    households_registered: int = 0
    households_estimate: int = 0


class _Tree:
    """The subtree of the chosen region: which child (row) each region id rolls up into."""

    def __init__(self, region: Region):
        self.region = region
        own = [p for p in region.path.strip("/").split("/") if p]
        self.regions: dict[int, Region] = {}
        self.row_of: dict[int, int] = {}
        children: list[Region] = []
        for r in Region.objects.filter(path__startswith=region.path).only(
                "id", "code", "name", "level", "path", "depth", "lat", "lon", "people_count", "households_count", "parent_id"):
            self.regions[r.id] = r
            parts = [p for p in r.path.strip("/").split("/") if p]
            if len(parts) > len(own):
                self.row_of[r.id] = int(parts[len(own)])
            if r.parent_id == region.id:
                children.append(r)
        if not children:  # a community: its own row
            children = [self.regions.get(region.id, region)]
            self.row_of[region.id] = region.id
        self.children = sorted(children, key=lambda r: r.code)
        self.ids = list(self.regions)
        # the region as it is now (its kept totals move with every person and site added)
        self.region = self.regions.get(region.id, region)

    def row_id(self, region_id: int | None) -> int | None:
        return self.row_of.get(region_id)


def situation(user, region: Region, now: dt.datetime | None = None) -> Situation:
    """Every figure of the situation page for `region` (which the caller got from region_for)."""
    if not Scope.of(user).covers(region, MANAGERS):
        raise NotFound()
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    day = timezone.localtime(now, tz).date()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = start + dt.timedelta(days=1)
    tree = _Tree(region)
    region = tree.region
    rows = {c.id: Row(region=c, people=c.people_count) for c in tree.children}
    out = Situation(region=region, now=now, day=day, total=Row(region=region, people=region.people_count), rows=[])
    leaf: dict[int, Row] = defaultdict(lambda: Row(region=region))  # per community, for the map
    site_status: dict[int, set[str]] = defaultdict(set)

    def bump(region_id, **figures) -> None:
        targets = [leaf[region_id]]
        row = tree.row_id(region_id)
        if row in rows:
            targets.append(rows[row])
        for target in targets:
            for name, value in figures.items():
                setattr(target, name, getattr(target, name) + (value or 0))

    _sampling(tree, start, end, tz, out, bump)
    _results(tree, start, end, tz, out, bump, site_status)
    _transit(tree, now, bump, site_status)
    _recalls(tree, start, bump)
    _quarantine(tree, day, start, end, out, bump)
    _needs(tree, now, bump)
    _posts(tree, now, bump, site_status)
    _fevers(tree, start, end, tz, out, bump, site_status)
    _plan(tree, rows, start, end, out)

    out.rows = [rows[c.id] for c in tree.children]
    for r in out.rows:
        out.total.add(r)
    # Facts recorded on the region itself (not under a child) still count in its totals.
    own = leaf.get(region.id)
    if own is not None and tree.row_id(region.id) is None:
        out.total.add(own)
    out.total.plan, out.total.campaign_target = sum(r.plan for r in out.rows), sum(r.campaign_target for r in out.rows)
    out.total.people = region.people_count
    out.dots = _dots(tree, leaf, site_status)
    out.households_registered, out.households_estimate = _households(tree)
    return out


def _sampling(tree, start, end, tz, out, bump) -> None:
    """Swabs taken today by hour, from the tubes: a tube's swabs go in within minutes of its opening, and
    the tubes are a tenth of the samples' rows (a district's day is tens of thousands of samples)."""
    rows = (Tube.objects.filter(Among("point__site__region_id", tree.ids), opened_at__gte=start, opened_at__lt=end)
            .annotate(hour=TruncHour("opened_at", tzinfo=tz)).values("point__site__region_id", "hour")
            .annotate(n=Sum("count")).order_by())
    for r in rows:
        bump(r["point__site__region_id"], sampled=r["n"])
        out.sampled_by_hour[timezone.localtime(r["hour"], tz).hour] += r["n"] or 0


def _results(tree, start, end, tz, out, bump, site_status) -> None:
    final = [Tube.Result.NEGATIVE, Tube.Result.POSITIVE]
    took = ExpressionWrapper(F("resulted_at") - F("opened_at"), output_field=DurationField())
    base = Tube.objects.filter(Among("point__site__region_id", tree.ids), resulted_at__gte=start, resulted_at__lt=end, result__in=final)
    rows = (base.annotate(hour=TruncHour("resulted_at", tzinfo=tz)).values("point__site__region_id", "point__site_id", "hour")
            .annotate(n=Count("id"), pos=Count("id", filter=Q(result=Tube.Result.POSITIVE)),
                      people=Count("id", filter=Q(result=Tube.Result.POSITIVE, count=1)), took=Avg(took))
            .order_by())
    for r in rows:
        hours = r["took"].total_seconds() / 3600 if r["took"] is not None else 0.0
        bump(r["point__site__region_id"], resulted=r["n"], positive_tubes=r["pos"], positive_people=r["people"],
             turnaround_sum=hours * r["n"])
        h = timezone.localtime(r["hour"], tz).hour
        out.resulted_by_hour[h] += r["n"]
        out.positives_by_hour[h] += r["pos"]
        if r["pos"]:
            site_status[r["point__site_id"]].add("positive")
    took_h = [d.total_seconds() / 3600 for d in
              base.order_by("-resulted_at").annotate(took=took).values_list("took", flat=True)[:TURNAROUND_SAMPLE]]
    if len(took_h) >= 2:
        out.turnaround_p90_h = round(statistics.quantiles(took_h, n=10)[-1], 1)
    elif took_h:
        out.turnaround_p90_h = round(took_h[0], 1)


def _transit(tree, now, bump, site_status) -> None:
    late = now - dt.timedelta(hours=OVERDUE_HOURS)
    rows = (Box.objects.filter(Among("point__site__region_id", tree.ids), status=Box.Status.IN_TRANSIT)
            .values("point__site__region_id", "point__site_id")
            .annotate(n=Count("id"), tubes=Sum("tube_count"), late=Count("id", filter=Q(handed_at__lt=late))).order_by())
    for r in rows:
        bump(r["point__site__region_id"], boxes_transit=r["n"], tubes_transit=r["tubes"], boxes_overdue=r["late"])
        if r["late"]:
            site_status[r["point__site_id"]].add("overdue")


def _recalls(tree, start, bump) -> None:
    """People called back from positive pools: those of open recalls, and those resolved today."""
    S = RecallItem.Status
    resolved = [S.NEGATIVE, S.POSITIVE]
    rows = (RecallItem.objects.filter(Among("person__region_id", tree.ids))
            .filter(Q(recall__status="open") | Q(resolved_at__gte=start))
            .values("person__region_id")
            .annotate(n=Count("id"), done=Count("id", filter=Q(status__in=resolved)),
                      pending=Count("id", filter=Q(status=S.PENDING)), pos=Count("id", filter=Q(status=S.POSITIVE)))
            .order_by())
    for r in rows:
        bump(r["person__region_id"], recall_people=r["n"], recall_resolved=r["done"], recall_pending=r["pending"],
             recall_positive=r["pos"])


def _quarantine(tree, day, start, end, out, bump) -> None:
    """Centralised quarantine at the hotels of the region: under observation now, in and out today, and by day."""
    active = Case.Status.ACTIVE
    cases = Case.objects.filter(Among("site__region_id", tree.ids))
    rows = (cases.filter(Q(status=active) | Q(start=day) | Q(released_at__gte=start, released_at__lt=end))
            .values("site__region_id")
            .annotate(now=Count("id", filter=Q(status=active)), came=Count("id", filter=Q(start=day)),
                      left=Count("id", filter=Q(released_at__gte=start, released_at__lt=end)))
            .order_by())
    for r in rows:
        bump(r["site__region_id"], quarantine_active=r["now"], quarantine_in=r["came"], quarantine_out=r["left"])
    first = day - dt.timedelta(days=QUARANTINE_DAYS - 1)
    out.quarantine_days = [first + dt.timedelta(days=i) for i in range(QUARANTINE_DAYS)]
    came = dict(cases.filter(start__gte=first, start__lte=day).values("start").annotate(n=Count("id")).values_list("start", "n")
                .order_by())
    since = dt.datetime.combine(first, dt.time(0), tzinfo=start.tzinfo)
    left = {(d.date() if isinstance(d, dt.datetime) else d): n for d, n in
            cases.filter(released_at__gte=since, released_at__lt=end)
            .annotate(d=TruncDate("released_at", tzinfo=start.tzinfo)).values("d").annotate(n=Count("id"))
            .values_list("d", "n").order_by()}
    out.quarantine_in_by_day = [came.get(d, 0) for d in out.quarantine_days]
    out.quarantine_out_by_day = [left.get(d, 0) for d in out.quarantine_days]


def _needs(tree, now, bump) -> None:
    """Needs still open (not yet over): how many, how many full, and their places filled."""
    rows = (Need.objects.filter(Among("region_id", tree.ids), status=Need.Status.OPEN, end__gt=now).values("region_id")
            .annotate(n=Count("id"), full=Count("id", filter=Q(accepted_count__gte=F("headcount"))),
                      places=Sum("headcount"), filled=Sum("accepted_count"))
            .order_by())
    for r in rows:
        bump(r["region_id"], needs_open=r["n"], needs_full=r["full"], places=r["places"], places_filled=r["filled"])


def _posts(tree, now, bump, site_status) -> None:
    """Shifts under way now at active posts: rostered (published roster) against checked in."""
    came = CheckIn.objects.filter(assignment=OuterRef("pk"))
    rows = (Assignment.objects.filter(Among("post__region_id", tree.ids), post__active=True, roster__status=Roster.Status.PUBLISHED,
                                      starts_at__lte=now, ends_at__gt=now)
            .annotate(came=Exists(came)).values("post_id", "post__region_id", "post__site_id")
            .annotate(n=Count("id"), on=Count("id", filter=Q(came=True))).order_by())
    for r in rows:
        short = r["on"] < r["n"]
        bump(r["post__region_id"], rostered=r["n"], staffed=r["on"], posts_short=int(short))
        if short:
            site_status[r["post__site_id"]].add("short")


def _fevers(tree, start, end, tz, out, bump, site_status) -> None:
    """Fever alerts: still open (any day), and raised today by hour."""
    rows = (FeverAlert.objects.filter(Among("region_id", tree.ids))
            .filter(Q(status=FeverAlert.Status.OPEN) | Q(created_at__gte=start, created_at__lt=end))
            .annotate(hour=TruncHour("created_at", tzinfo=tz))
            .values("region_id", "passage__post__site_id", "hour")
            .annotate(open=Count("id", filter=Q(status=FeverAlert.Status.OPEN)),
                      today=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)))
            .order_by())
    for r in rows:
        bump(r["region_id"], fever_open=r["open"], fever_today=r["today"])
        if r["today"]:
            out.fevers_by_hour[timezone.localtime(r["hour"], tz).hour] += r["today"]
        if r["open"]:
            site_status[r["passage__post__site_id"]].add("fever")


# --- the plan ----------------------------------------------------------------------------------

def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _open_hours(campaign: Campaign, opens: dt.time, closes: dt.time, tz) -> list[tuple[dt.datetime, dt.datetime]]:
    """The campaign's sampling hours: each day's opening hours of its points, inside its window."""
    spans = []
    first = timezone.localtime(campaign.starts_at, tz).date()
    last = timezone.localtime(campaign.ends_at, tz).date()
    d = first
    while d <= last and len(spans) < 400:
        a = max(dt.datetime.combine(d, opens, tzinfo=tz), campaign.starts_at)
        b = min(dt.datetime.combine(d, closes, tzinfo=tz) if closes > opens else
                dt.datetime.combine(d + dt.timedelta(days=1), dt.time(0), tzinfo=tz), campaign.ends_at)
        if b > a:
            spans.append((a, b))
        d += dt.timedelta(days=1)
    return spans


def _plan(tree: _Tree, rows: dict[int, Row], start, end, out: Situation) -> None:
    """People planned per hour today and per child region, from the open campaigns over (or inside) the region.

    A campaign's target is spread evenly over its sampling hours (its points' opening hours inside its
    window); a campaign wider than a child region plans for it in proportion to its people.
    """
    region = tree.region
    tz = start.tzinfo
    campaigns = list(Campaign.objects.filter(Q(region__path__startswith=region.path) | Q(region__path__in=_ancestor_paths(region.path)),
                                             status=Campaign.Status.OPEN).select_related("region").order_by("starts_at"))
    out.campaigns = campaigns
    if not campaigns:
        return
    hours = {r["campaign_id"]: (r["opens"], r["closes"]) for r in
             CollectionPoint.objects.filter(campaign__in=campaigns).values("campaign_id")
             .annotate(opens=Min("opens"), closes=Max("closes")).order_by()}
    # Swabs of the round so far, from the tubes (a tenth of the samples' rows); the few single-tube
    # re-tests of recalled people are counted in too.
    done = dict(Tube.objects.filter(Among("point__site__region_id", tree.ids), campaign__in=campaigns)
                .values_list("point__site__region_id").annotate(n=Sum("count")).order_by())
    for region_id, n in done.items():
        row = tree.row_id(region_id)
        if row in rows:
            rows[row].campaign_sampled += n
    for c in campaigns:
        opens, closes = hours.get(c.id, (dt.time(7), dt.time(22)))
        spans = _open_hours(c, opens, closes, tz)
        total_h = sum((b - a).total_seconds() for a, b in spans) / 3600
        if not total_h or not c.target_population:
            continue
        per_hour = c.target_population / total_h
        today = [0.0] * 24
        for a, b in spans:
            a, b = max(a, start), min(b, end)
            t = a
            while t < b:
                nxt = min(b, (t.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)))
                today[timezone.localtime(t, tz).hour] += per_hour * (nxt - t).total_seconds() / 3600
                t = nxt
        for kid in tree.children:
            share = _share(c.region, kid, region)
            if share:
                rows[kid.id].plan += share * sum(today)
                rows[kid.id].campaign_target += share * c.target_population
        whole = _share(c.region, region, region)
        for h in range(24):
            out.plan_by_hour[h] += whole * today[h]


def _share(campaign_region: Region, part: Region, shown: Region) -> float:
    """The part of a campaign's target that falls in `part`: all of it when the campaign lies inside the part,
    its proportion of people when the campaign covers the part, nothing otherwise."""
    if campaign_region.path.startswith(part.path):
        return 1.0
    if part.path.startswith(campaign_region.path):
        return part.people_count / campaign_region.people_count if campaign_region.people_count else 0.0
    return 0.0


# --- the map and the households ----------------------------------------------------------------

def _dots(tree: _Tree, leaf: dict[int, Row], site_status: dict[int, set[str]]) -> list[Dot]:
    """Communities and sites with a position in the registry, each coloured by its worst status."""
    order = ["positive", "overdue", "fever", "short", "active", "quiet"]
    dots = []
    for r in tree.regions.values():
        if r.level != Region.Level.COMMUNITY or r.lat is None or r.lon is None:
            continue
        figures = leaf.get(r.id)
        dots.append(Dot(kind="community", name=r.name, lat=r.lat, lon=r.lon, code=r.code,
                        status=figures.status if figures is not None else "quiet"))
    for s in Site.objects.filter(Among("region_id", tree.ids), active=True, lat__isnull=False, lon__isnull=False).exclude(
            kind=Site.Kind.OFFICE).values("id", "name", "kind", "lat", "lon"):
        marks = site_status.get(s["id"], set())
        status = next((o for o in order if o in marks), "quiet")
        if status == "quiet" and s["kind"] == Site.Kind.CHECKPOINT:
            continue  # a gate with nothing wrong sits beside its community's dot: it would only crowd the map
        dots.append(Dot(kind=s["kind"], name=s["name"], lat=s["lat"], lon=s["lon"], status=status))
    return dots


def _households(tree: _Tree) -> tuple[int, int]:
    """Households registered in the subtree, and the estimate for all of it (registered where any are,
    the people divided by 2.5 where none are yet)."""
    registered = tree.region.households_count
    estimate = 0
    for r in tree.regions.values():
        if r.level == Region.Level.COMMUNITY:
            estimate += r.households_count or round(r.people_count / PEOPLE_PER_HOUSEHOLD)
    return registered, max(estimate, registered)


@dataclass
class Households:
    region: Region
    registered: int
    estimate: int
    communities: int
    communities_registered: int


def households(regions: list[Region]) -> list[Households]:
    """For the home page: each region's households over its whole subtree, in one aggregate query.

    Households are registered community by community; a district that has registered one community's
    would otherwise show that community's count as its own. Where none are registered, the community's
    people divided by 2.5 (a typical household) stand in.
    """
    if not regions:
        return []
    community = Q(level=Region.Level.COMMUNITY)
    figures = {}
    for i, r in enumerate(regions):
        inside = community & Q(path__startswith=r.path)
        figures[f"n{i}"] = Count("id", filter=inside)
        figures[f"with{i}"] = Count("id", filter=inside & Q(households_count__gt=0))
        figures[f"hh{i}"] = Sum("households_count", filter=inside)
        figures[f"bare{i}"] = Sum("people_count", filter=inside & Q(households_count=0))
    agg = Region.objects.filter(community).aggregate(**figures)
    out = []
    for i, r in enumerate(regions):
        n = agg[f"n{i}"] or 0
        estimate = (agg[f"hh{i}"] or 0) + round((agg[f"bare{i}"] or 0) / PEOPLE_PER_HOUSEHOLD)
        if not n:  # a community itself, or a region with no communities below it
            estimate = r.households_count or round(r.people_count / PEOPLE_PER_HOUSEHOLD)
        out.append(Households(region=r, registered=r.households_count, estimate=max(estimate, r.households_count),
                              communities=n, communities_registered=agg[f"with{i}"] or 0))
    return out
