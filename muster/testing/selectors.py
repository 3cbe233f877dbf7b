"""Reads of mass testing, scoped by the acting user. Lab views never touch addresses or phones."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterator

from django.db.models import Case, Count, Exists, IntegerField, Max, Min, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.models import RoleGrant
from muster.accounts.scoping import MANAGERS, Scope
from muster.core import pii
from muster.core.errors import NotFound
from muster.geo.models import Region, Site
from muster.people import fitness
from muster.people.models import Person
from muster.testing.fitness import point_duty
from muster.testing.models import (
    OVERDUE_HOURS,
    Box,
    Campaign,
    CollectionPoint,
    CustodyEvent,
    LabRun,
    Recall,
    RecallItem,
    Registration,
    Report,
    Sample,
    Shift,
    SingleTubeFlag,
    TeamMember,
    Tube,
)
from muster.testing.permissions import DESK_ROLES, LAB_ROLES, may_record_shifts


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def campaigns_visible(user) -> QuerySet[Campaign]:
    """Campaigns over, or inside, the user's managed regions; and those their site or lab works for."""
    scope = Scope.of(user)
    paths = scope.paths(MANAGERS)
    if paths == ["/"]:
        return Campaign.objects.select_related("region")
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(region__path__startswith=p) | Q(region__path__in=_ancestor_paths(p))
    sites = scope.site_ids(DESK_ROLES)
    if sites:
        q |= Q(points__site_id__in=sites)
    labs = scope.site_ids(LAB_ROLES)
    if labs:
        q |= Q(labs__in=labs)
    return Campaign.objects.filter(pk__in=Campaign.objects.filter(q).values("pk")).select_related("region")


def campaign_get(user, pk: int) -> Campaign:
    campaign = campaigns_visible(user).filter(pk=pk).first()
    if campaign is None:
        raise NotFound()
    return campaign


def campaign_public(pk: int) -> Campaign:
    """A campaign as the public pre-registration page shows it (no login: any campaign by its id)."""
    campaign = Campaign.objects.select_related("region").filter(pk=pk).first()
    if campaign is None:
        raise NotFound()
    return campaign


def labs_of(campaign: Campaign) -> QuerySet[Site]:
    """The labs a campaign sends its boxes to."""
    return campaign.labs.all()


def points_count(campaign: Campaign) -> int:
    return campaign.points.count()


def points_of(campaign: Campaign) -> QuerySet[CollectionPoint]:
    """The campaign's collection points with their sites, by site name."""
    return campaign.points.select_related("site").order_by("site__name", "pk")


def collection_sites_free(campaign: Campaign) -> QuerySet[Site]:
    """Collection sites of the campaign's region that are not yet one of its points."""
    return Site.objects.filter(kind=Site.Kind.COLLECTION, region__path__startswith=campaign.region.path).exclude(
        pk__in=campaign.points.values("site_id")).select_related("region")


def communities_of(campaign: Campaign) -> QuerySet[Region]:
    """The communities a newcomer may name when pre-registering for this campaign."""
    return (Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=campaign.region.path)
            .select_related("parent").order_by("code"))


def points_for_desk(user) -> QuerySet[CollectionPoint]:
    """Collection points of open campaigns where the user may work a desk."""
    scope = Scope.of(user)
    q = Q(site_id__in=scope.site_ids(DESK_ROLES)) | scope.region_q("site__region", MANAGERS)
    return CollectionPoint.objects.filter(q, campaign__status=Campaign.Status.OPEN).select_related("campaign", "site", "site__region")


def point_get(user, pk: int) -> CollectionPoint:
    scope = Scope.of(user)
    q = Q(site_id__in=scope.site_ids(DESK_ROLES)) | scope.region_q("site__region", MANAGERS)
    point = CollectionPoint.objects.filter(q, pk=pk).select_related("campaign", "site", "site__region").first()
    if point is None:
        raise NotFound()
    return point


def point_get_for_campaign(user, pk: int) -> CollectionPoint:
    """A collection point of a campaign the user can see (404 otherwise); managing it is can_manage's call."""
    point = CollectionPoint.objects.filter(pk=pk, campaign__in=campaigns_visible(user).values("pk")).select_related(
        "campaign", "campaign__region", "site", "site__region").first()
    if point is None:
        raise NotFound()
    return point


def team_of(point: CollectionPoint) -> QuerySet[TeamMember]:
    """A point's team, site leads first, with each person's community and account (for the desk grant)."""
    order = Case(When(role=TeamMember.Role.LEAD, then=Value(0)), When(role=TeamMember.Role.SAMPLER, then=Value(1)),
                 default=Value(2), output_field=IntegerField())
    return TeamMember.objects.filter(point=point).select_related("person", "person__region", "person__user").order_by(
        order, "person__name", "pk")


def team_member_get(point: CollectionPoint, pk: int) -> TeamMember:
    member = TeamMember.objects.filter(point=point, pk=pk).select_related("person").first()
    if member is None:
        raise NotFound()
    member.point = point
    return member


def team_fitness(point: CollectionPoint, members: list[TeamMember], found: list[Person]) -> dict[int, str]:
    """Why each member, and each person found to add, may not be sent to this point (people.fitness); fit people are left out.

    Each member also gets `unfit_why`, `phone_masked` and `desk` (their account may work the
    desk at the point's site; None without an account), in one query for all of them.
    """
    unfit = fitness.unfit([m.person_id for m in members] + [p.pk for p in found], point_duty(point))
    unfit_why = {pid: fitness.says(reasons) for pid, reasons in unfit.items()}
    accounts = {m.person_id: m.person.user for m in members if hasattr(m.person, "user")}
    at_desk = set(RoleGrant.objects.filter(user__in=list(accounts.values()), site=point.site, role__in=DESK_ROLES)
                  .values_list("user_id", flat=True)) if accounts else set()
    for m in members:
        account = accounts.get(m.person_id)
        m.unfit_why = unfit_why.get(m.person_id, "")
        m.phone_masked = pii.mask_phone(m.person.phone)
        m.desk = None if account is None else account.pk in at_desk
    return unfit_why


def team_sizes(campaign: Campaign) -> list[tuple[CollectionPoint, dict[str, int]]]:
    """Each collection point of a campaign with its team counted by role, in one query."""
    counts: dict[int, dict[str, int]] = {}
    for point_id, role, n in TeamMember.objects.filter(point__campaign=campaign).values_list("point_id", "role").annotate(n=Count("id")).order_by():
        counts.setdefault(point_id, {})[role] = n
    points = CollectionPoint.objects.filter(campaign=campaign).select_related("site")
    return [(p, {"total": sum(counts.get(p.pk, {}).values()), **counts.get(p.pk, {})}) for p in points]


def flags_visible(user) -> QuerySet[SingleTubeFlag]:
    """Active single-tube flags on people of the regions the user manages, newest first."""
    return SingleTubeFlag.objects.filter(Scope.of(user).region_q("person__region", MANAGERS), active=True).select_related(
        "person", "person__region", "created_by").order_by("-created_at", "-pk")


def flag_get(user, pk: int) -> SingleTubeFlag:
    flag = flags_visible(user).filter(pk=pk).first()
    if flag is None:
        raise NotFound()
    return flag


def flagged_among(people: list[Person]) -> set[int]:
    """Which of these people carry an active single-tube flag."""
    if not people:
        return set()
    return set(SingleTubeFlag.objects.filter(person__in=people, active=True).values_list("person_id", flat=True))


def labs_for(user) -> QuerySet[Site]:
    scope = Scope.of(user)
    if scope.is_superuser:
        return Site.objects.filter(kind=Site.Kind.LAB).select_related("region")
    return Site.objects.filter(pk__in=scope.site_ids(LAB_ROLES), kind=Site.Kind.LAB).select_related("region")


def labs_usable(user) -> QuerySet[Site]:
    """Labs a campaign of this user's may send tubes to: inside the regions they manage, or at one above them.

    A district's campaign may use its own labs and the city's, never a lab of a neighbouring district.
    """
    scope = Scope.of(user)
    paths = scope.paths(MANAGERS)
    labs = Site.objects.filter(kind=Site.Kind.LAB, active=True).select_related("region").order_by("region__path", "name")
    if paths == ["/"]:
        return labs
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(region__path__startswith=p) | Q(region__path__in=_ancestor_paths(p))
    return labs.filter(q)


def lab_get(user, pk: int) -> Site:
    lab = labs_for(user).filter(pk=pk).first()
    if lab is None:
        raise NotFound()
    return lab


def boxes_at_point(user, point: CollectionPoint) -> QuerySet[Box]:
    return Box.objects.filter(point=point).select_related("lab")


def box_get_for_point(user, point: CollectionPoint, pk: int) -> Box:
    box = boxes_at_point(user, point).filter(pk=pk).select_related("point", "point__site", "point__site__region", "point__campaign").first()
    if box is None:
        raise NotFound()
    return box


def box_tubes(box: Box) -> QuerySet[Tube]:
    return box.tubes.order_by("barcode")


def box_events(box: Box) -> QuerySet[CustodyEvent]:
    return box.events.select_related("by")


def tubes_waiting_for_box(point: CollectionPoint) -> int:
    """Closed tubes of a point that no box holds yet."""
    return Tube.objects.filter(point=point, status=Tube.Status.CLOSED, box__isnull=True).count()


def boxes_for_lab(lab: Site) -> QuerySet[Box]:
    """Boxes sent to a lab: no collection-point address, only its name."""
    return Box.objects.filter(lab=lab).exclude(status=Box.Status.OPEN).select_related("point__site").only(
        "barcode", "status", "tube_count", "handed_at", "courier", "received_at", "receiver", "closed_at", "point__site__name")


def tubes_for_lab(lab: Site) -> QuerySet[Tube]:
    return Tube.objects.filter(box__lab=lab).select_related("box").only(
        "barcode", "capacity", "count", "result", "ct", "resulted_at", "run_id", "run_position", "box__barcode", "box__status")


def lab_tubes(lab: Site, result: str = "") -> QuerySet[Tube]:
    """The API's list of a lab's tubes, by barcode; `result` filters ("pending": none yet)."""
    qs = tubes_for_lab(lab).order_by("barcode")
    if result:
        qs = qs.filter(result="" if result == "pending" else result)
    return qs


def lab_board(lab: Site) -> dict:
    """The lab page's figures: boxes on their way (oldest first), tube counts, latest runs and results."""
    incoming = list(boxes_for_lab(lab).filter(status__in=[Box.Status.CLOSED, Box.Status.IN_TRANSIT]).order_by("handed_at")[:100])
    for b in incoming:
        b.overdue = is_overdue(b)
    tubes = tubes_for_lab(lab)
    counts = {
        "received": tubes.filter(box__status=Box.Status.RECEIVED).count(),
        "waiting": tubes.filter(box__status=Box.Status.RECEIVED, result="").count(),
        "rerun": tubes.filter(result__in=[Tube.Result.INVALID, Tube.Result.RERUN]).count(),
        "positive": tubes.filter(result=Tube.Result.POSITIVE).count(),
    }
    return {"incoming": incoming, "counts": counts, "runs": LabRun.objects.filter(lab=lab)[:10],
            "recent": tubes.exclude(result="").order_by("-resulted_at")[:20]}


def run_get(lab: Site, pk: int) -> LabRun:
    run = LabRun.objects.filter(pk=pk, lab=lab).first()
    if run is None:
        raise NotFound()
    return run


def run_tubes(lab: Site, run: LabRun) -> list[Tube]:
    """A run's tubes in plate order, each with its well (A1…H12 on a 96-well plate, else its position)."""
    tubes = list(tubes_for_lab(lab).filter(run=run).order_by("run_position"))
    for t in tubes:
        p = t.run_position - 1
        t.well = f"{'ABCDEFGH'[p % 8]}{p // 8 + 1}" if p < 96 else str(t.run_position)
    return tubes


def overdue_boxes(qs: QuerySet[Box]) -> QuerySet[Box]:
    return qs.filter(status=Box.Status.IN_TRANSIT, handed_at__lt=timezone.now() - dt.timedelta(hours=OVERDUE_HOURS))


def is_overdue(box: Box) -> bool:
    return box.status == Box.Status.IN_TRANSIT and box.handed_at is not None and \
        box.handed_at < timezone.now() - dt.timedelta(hours=OVERDUE_HOURS)


# --- progress ----------------------------------------------------------------------------------

def progress(campaign: Campaign, point: CollectionPoint | None = None) -> dict:
    """The board's figures for a campaign (or one of its points)."""
    samples = Sample.objects.filter(campaign=campaign)
    tubes = Tube.objects.filter(campaign=campaign)
    if point is not None:
        samples, tubes = samples.filter(point=point), tubes.filter(point=point)
    s = samples.aggregate(sampled=Count("pk", filter=Q(is_resample=False)), resampled=Count("pk", filter=Q(is_resample=True)))
    t = tubes.aggregate(
        tubes=Count("pk"),
        open=Count("pk", filter=Q(status=Tube.Status.OPEN)),
        boxed=Count("pk", filter=Q(box__isnull=False)),
        in_transit=Count("pk", filter=Q(box__status=Box.Status.IN_TRANSIT)),
        received=Count("pk", filter=Q(box__status=Box.Status.RECEIVED)),
        resulted=Count("pk", filter=Q(result__in=[Tube.Result.NEGATIVE, Tube.Result.POSITIVE])),
        positive_tubes=Count("pk", filter=Q(result=Tube.Result.POSITIVE)),
        # a positive single tube is one positive person: counted on the tubes, not by joining
        # every sample of the campaign (that join took a minute at two million samples)
        positives=Count("pk", filter=Q(result=Tube.Result.POSITIVE, count=1)),
    )
    positives = t.pop("positives")
    recalls = Recall.objects.filter(campaign=campaign)
    if point is not None:
        recalls = recalls.filter(tube__point=point)
    r = recalls.aggregate(open=Count("pk", filter=Q(status=Recall.Status.OPEN)), closed=Count("pk", filter=Q(status=Recall.Status.CLOSED)))
    registered = Registration.objects.filter(campaign=campaign).count() if point is None else None
    target = campaign.target_population if point is None else None
    # Turnaround over the latest 5,000 results: enough for a steady figure, cheap at any scale.
    pairs = list(tubes.filter(resulted_at__isnull=False).order_by("-resulted_at").values_list("opened_at", "resulted_at")[:5000])
    hours = [(b - a).total_seconds() / 3600 for a, b in pairs]
    overdue = overdue_boxes(Box.objects.filter(campaign=campaign, **({"point": point} if point else {}))).count()
    return {
        "registered": registered, "sampled": s["sampled"], "resampled": s["resampled"], **t, "positives": positives,
        "recalls_open": r["open"], "recalls_closed": r["closed"], "target": target,
        "coverage": (s["sampled"] / target) if target else None,
        "turnaround_mean_h": round(statistics.fmean(hours), 1) if hours else None,
        "turnaround_p90_h": round(statistics.quantiles(hours, n=10)[-1], 1) if len(hours) >= 2 else (round(hours[0], 1) if hours else None),
        "overdue_boxes": overdue,
    }


def progress_by_point(campaign: Campaign) -> list[tuple[CollectionPoint, dict]]:
    points = list(campaign.points.select_related("site"))
    sampled = dict(Sample.objects.filter(campaign=campaign, is_resample=False).values_list("point").annotate(n=Count("pk")))
    tubes = {row["point"]: row for row in Tube.objects.filter(campaign=campaign).values("point").annotate(
        tubes=Count("pk"), in_transit=Count("pk", filter=Q(box__status=Box.Status.IN_TRANSIT)),
        received=Count("pk", filter=Q(box__status=Box.Status.RECEIVED)),
        resulted=Count("pk", filter=Q(result__in=[Tube.Result.NEGATIVE, Tube.Result.POSITIVE])),
        positive_tubes=Count("pk", filter=Q(result=Tube.Result.POSITIVE)))}
    empty = {"tubes": 0, "in_transit": 0, "received": 0, "resulted": 0, "positive_tubes": 0}
    return [(p, {"sampled": sampled.get(p.pk, 0), **{k: v for k, v in tubes.get(p.pk, empty).items() if k != "point"}}) for p in points]


NARROW = [Region.Level.PROVINCE, Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET, Region.Level.COMMUNITY]


def unsampled_too_wide(user, campaign: Campaign, region=None) -> bool:
    """Whether the unsampled list would be wider than a street: then the page asks for one.

    A district holds millions of people: a list of them is no use to anyone and costs seconds.
    The width is the narrowest of the region asked for (or else what the user manages) and the
    campaign's area.
    """
    scope = Scope.of(user)
    if region is not None:
        levels = [region.level, campaign.region.level]
    elif scope.is_superuser:
        levels = [campaign.region.level]
    else:
        levels = [campaign.region.level, max((g.region.level for g in scope.grants if g.role in MANAGERS),
                                             key=NARROW.index, default=Region.Level.PROVINCE)]
    return max(levels, key=NARROW.index) not in (Region.Level.STREET, Region.Level.COMMUNITY)


def unsampled(user, campaign: Campaign, region=None) -> QuerySet[Person]:
    """People of the campaign's area, in the user's regions, with no sample in this round."""
    scope = Scope.of(user)
    qs = Person.objects.filter(scope.region_q("region", MANAGERS), region__path__startswith=campaign.region.path)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    # an anti-join on the unique (campaign, person) index; NOT IN over millions of samples took seconds
    done = Sample.objects.filter(campaign=campaign, is_resample=False, person_id=OuterRef("pk"))
    return qs.filter(~Exists(done)).select_related("region", "household", "household__building").order_by("region__code", "name", "pk")


def recall_item_get(user, pk: int) -> RecallItem:
    item = recall_items(user, open_only=False).filter(pk=pk).first()
    if item is None:
        raise NotFound()
    return item


def recall_items(user, campaign: Campaign | None = None, *, open_only: bool = True) -> QuerySet[RecallItem]:
    """Recalled people in the user's regions, for the community to contact."""
    qs = RecallItem.objects.filter(Scope.of(user).region_q("person__region", MANAGERS))
    if campaign is not None:
        qs = qs.filter(recall__campaign=campaign)
    if open_only:
        qs = qs.filter(recall__status=Recall.Status.OPEN)
    return qs.select_related("person", "person__region", "person__household", "person__household__building", "recall",
                             "recall__tube", "resample", "resample__tube").order_by("status", "person__region__code", "person__name")


def recalls_export(items: QuerySet[RecallItem]) -> tuple[list[str], Iterator[list]]:
    """The recall list as spreadsheet rows (headers, rows), from `recall_items` (already scoped)."""

    def rows() -> Iterator[list]:
        for i in items.iterator(chunk_size=2000):
            p = i.person
            yield [p.name, p.region.name, str(p.household) if p.household_id else "", p.phone, i.recall.tube.barcode,
                   i.recall.get_status_display(), i.get_status_display(), i.recall.created_at, i.contacted_at,
                   i.resample.tube.barcode if i.resample_id and i.resample.tube_id else "", i.resolved_at]

    return ([_("Name"), _("Community"), _("Household"), _("Phone"), _("Pooled tube"), _("Recall"), _("Status"), _("Recalled at"),
             _("Contacted at"), _("Re-test tube"), _("Resolved at")], rows())


# --- residents ---------------------------------------------------------------------------------

def outcome_label(key: str) -> str:
    return {"pending": _("Awaiting result"), "negative": _("Negative"), "positive": _("Positive"),
            "recalled": _("Pooled tube positive: come back for a single-tube re-test")}.get(key, key)


def outcome(sample: Sample) -> str:
    """A person's result in a round: pending, negative, positive, or recalled (pooled positive awaiting a single tube)."""
    tube = sample.tube
    if not tube.final:
        return "pending"
    if tube.result == Tube.Result.NEGATIVE:
        return "negative"
    if tube.count == 1:
        return "positive"
    item = RecallItem.objects.filter(recall__tube=tube, person_id=sample.person_id).select_related("resample__tube").first()
    if item is not None and item.resolved:
        return item.status
    return "recalled"


def resident_results(person: Person) -> list[dict]:
    """Every round the person was sampled in, newest first, with the outcome."""
    out = []
    samples = Sample.objects.filter(person=person, is_resample=False).select_related("campaign", "tube", "point__site")
    for s in samples.order_by("-registered_at"):
        out.append({"sample": s, "campaign": s.campaign, "outcome": outcome(s)})
    return out


def registration_by_code(code: str, campaign_id: int) -> Registration | None:
    if not code:
        return None
    return Registration.objects.filter(code=code, campaign_id=campaign_id).select_related("campaign", "person").first()


def session_person(pk) -> Person:
    """The resident a result look-up let into this session (NotFound when there is none)."""
    person = Person.objects.filter(pk=pk).first() if pk else None
    if person is None:
        raise NotFound()
    return person


def resident_sample(person: Person, pk: int) -> Sample:
    """One of the resident's own samples (never a re-test's), with what their report shows."""
    sample = Sample.objects.select_related("campaign", "tube", "point__site", "person").filter(
        pk=pk, person=person, is_resample=False).first()
    if sample is None:
        raise NotFound()
    return sample


def report_issued(sample: Sample, result: str) -> Report | None:
    """The report already issued for this sample and result, if any."""
    return Report.objects.filter(sample=sample, result=result).first()


def report_by_token(token: str) -> Report | None:
    if not token or len(token) > 40:
        return None
    return Report.objects.filter(token=token).select_related("sample__person", "sample__campaign", "sample__tube").first()


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- the point's staff roll (actions/shifts.py) ---------------------------------------------------

def point_for_roll(user, pk: int) -> CollectionPoint:
    """A collection point whose roll the user keeps (its team lead, the campaign's coordinators); 404 otherwise."""
    point = CollectionPoint.objects.filter(pk=pk).select_related("campaign", "campaign__region", "site",
                                                                 "site__region").first()
    if point is None or not may_record_shifts(user, point):
        raise NotFound()
    return point


def shifts_of(point: CollectionPoint, limit: int = 200) -> list[Shift]:
    return list(Shift.objects.filter(point=point).select_related("person", "recorded_by")
                .order_by("-starts_at", "-pk")[:limit])


def desk_spans(point: CollectionPoint, day) -> dict[int, tuple[dt.datetime, dt.datetime, int]]:
    """Per team member with an account: their first and last desk scan at the point on `day` (local) and how many.
    A hint for the lead keeping the roll, never the record itself: it misses setting up, breaks and closing."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    rows = (Sample.objects.filter(point=point, registered_at__gte=start, registered_at__lt=start + dt.timedelta(days=1),
                                  registered_by__person__isnull=False)
            .values("registered_by__person_id").annotate(first=Min("registered_at"), last=Max("registered_at"), n=Count("pk")))
    return {r["registered_by__person_id"]: (r["first"], r["last"], r["n"]) for r in rows}

