"""The adapter between the ORM and the pure dispatch engine (`muster.needs.dispatch`).

It turns open needs and available people into the engine's pydantic Instance,
runs the solver (inline for a small region, as a background task for a large
one: `dispatch_execute`), and stores the answer as a reviewable proposal: one
ProposalLine per (person, need) with the engine's one-line reason. Starting,
confirming and discarding runs are actions (`muster.needs.actions.runs`);
confirming makes each kept line an accepted Report through the ordinary actions,
so the same capacity and double-booking rules hold whoever fills a place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import Conflict, DomainError
from muster.core.transactions import atomic
from muster.geo.models import Region
from muster.needs.dispatch import Instance, PeopleIndex, Weights, solve_detailed, suggest
from muster.needs.dispatch import Need as ENeed
from muster.needs.dispatch import Person as EPerson
from muster.needs.dispatch.geo import haversine_m
from muster.needs.models import DispatchRun, Need, ProposalLine, Report
from muster.people import fitness
from muster.people.models import Affiliation, Person

log = logging.getLogger("muster.needs")

# Above these sizes a run goes to the task worker; below, the coordinator waits for it inline.
SYNC_MAX_PEOPLE = 20_000
SYNC_MAX_NEEDS = 300
TIME_LIMIT_S = 20.0
DEFAULT_MAX_KM = 5.0
DEPLOYMENT_MAX_KM = 60.0


@dataclass
class Built:
    instance: Instance
    needs: dict[str, Need]
    skipped_needs: int
    need_ids: list[int] = None  # every need considered, for the fingerprint checked on confirm
    fingerprint: str = ""
    left_out: dict = None  # people.fitness.left_out_summary of the pool


def _region_coords(region_ids) -> dict[int, tuple[float, float]]:
    """Coordinates per region id, falling back to the nearest ancestor that has some."""
    rows = {r["id"]: r for r in Region.objects.filter(pk__in=set(region_ids)).values("id", "lat", "lon", "path")}
    missing_anc = {int(a) for r in rows.values() if r["lat"] is None for a in r["path"].strip("/").split("/")}
    anc = {r["id"]: r for r in Region.objects.filter(pk__in=missing_anc).values("id", "lat", "lon")} if missing_anc else {}
    out = {}
    for rid, r in rows.items():
        if r["lat"] is not None and r["lon"] is not None:
            out[rid] = (r["lat"], r["lon"])
            continue
        for a in reversed([int(x) for x in r["path"].strip("/").split("/")]):
            ar = anc.get(a)
            if ar and ar["lat"] is not None and ar["lon"] is not None:
                out[rid] = (ar["lat"], ar["lon"])
                break
    return out


def need_point(need: Need, coords: dict[int, tuple[float, float]]) -> tuple[float, float] | None:
    if need.site_id and need.site.lat is not None and need.site.lon is not None:
        return need.site.lat, need.site.lon
    return coords.get(need.region_id)


def engine_need(need: Need, point: tuple[float, float], places: int | None = None) -> ENeed:
    return ENeed(id=f"n{need.pk}", lat=point[0], lon=point[1], places=need.open_places if places is None else places,
                 skills=sorted(s.code for s in need.skills.all()), start=need.start, end=need.end,
                 region=need.region.code, affiliations=list(need.affiliation_kinds))


def engine_people(person_ids, *, horizon: tuple[dt.datetime, dt.datetime], with_load: bool = True) -> list[EPerson]:
    """Engine people for the given ids: home community coordinates, skills, affiliation kinds,
    availability (the horizon minus their live commitments) and this week's load. A few bulk queries, no per-row ones.

    `person_ids` may be a Person queryset: each query then carries it as a subquery instead of
    a list of tens of thousands of ids that Django and the driver would spell out one by one.
    """
    # Where a person lives: their building when the registry knows it, else their community's centre
    # (with everybody at the centre every suggestion showed the same distance).
    cols = ("pk", "region_id", "region__code", "household__building__lat", "household__building__lon")
    if isinstance(person_ids, QuerySet):
        ids = person_ids.values("pk")
        rows = list(person_ids.values_list(*cols))
    else:
        ids = list(person_ids)
        rows = list(Person.objects.filter(pk__in=ids).values_list(*cols)) if ids else []
    if not rows:
        return []
    coords = _region_coords({r[1] for r in rows})
    skills: dict[int, list[str]] = defaultdict(list)
    for pid, code in Person.skills.through.objects.filter(person_id__in=ids).values_list("person_id", "skill__code"):
        skills[pid].append(code)
    kinds: dict[int, set[str]] = defaultdict(set)
    for pid, kind in Affiliation.objects.filter(person_id__in=ids).values_list("person_id", "organisation__kind"):
        kinds[pid].add(kind)
    h0, h1 = horizon
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for pid, s, e in (Report.objects.filter(person_id__in=ids, status__in=Report.ACTIVE, need__end__gt=h0, need__start__lt=h1)
                      .exclude(need__status__in=[Need.Status.CANCELLED, Need.Status.CLOSED])
                      .values_list("person_id", "need__start", "need__end")):
        busy[pid].append((s, e))
    load: dict[int, int] = defaultdict(int)
    if with_load:
        week_ago = timezone.now() - dt.timedelta(days=7)
        for pid in (Report.objects.filter(person_id__in=ids, status__in=Report.HOLDS_PLACE, need__start__gte=week_ago)
                    .values_list("person_id", flat=True)):
            load[pid] += 1
    out = []
    whole = [(h0, h1)]
    # The rows come from the database already typed and checked: build the engine's models
    # without validating each of (possibly) tens of thousands again.
    make = EPerson.model_construct
    for pid, region_id, region_code, b_lat, b_lon in rows:
        point = (b_lat, b_lon) if b_lat is not None and b_lon is not None else coords.get(region_id)
        if point is None:
            continue
        windows = _free_windows(h0, h1, busy[pid]) if pid in busy else whole
        if not windows:
            continue
        out.append(make(id=f"p{pid}", lat=point[0], lon=point[1], skills=sorted(skills[pid]) if pid in skills else [],
                        available=list(windows), load=load.get(pid, 0) if with_load else None, home_region=region_code,
                        affiliations=sorted(kinds[pid]) if pid in kinds else []))
    return out


def _free_windows(h0, h1, busy) -> list[tuple[dt.datetime, dt.datetime]]:
    windows, cursor = [], h0
    for s, e in sorted(busy):
        if s > cursor:
            windows.append((cursor, min(s, h1)))
        cursor = max(cursor, e)
        if cursor >= h1:
            break
    if cursor < h1:
        windows.append((cursor, h1))
    return [(a, b) for a, b in windows if b > a]


def run_needs(run: DispatchRun) -> list[Need]:
    qs = Need.objects.filter(status=Need.Status.OPEN, end__gt=timezone.now(), accepted_count__lt=F("headcount"))
    if run.deployment_id:
        qs = qs.filter(deployment_id=run.deployment_id)
    else:
        qs = qs.filter(region__path__startswith=run.region.path, deployment__isnull=True)
    return list(qs.select_related("region", "site", "role").prefetch_related("skills").order_by("start", "id")[:20_000])


def run_people_ids(run: DispatchRun):
    if run.deployment_id:
        return (Affiliation.objects.filter(organisation__in=run.deployment.organisations.all())
                .values_list("person_id", flat=True).distinct())
    return Person.objects.filter(region__path__startswith=run.region.path).values_list("pk", flat=True)


def build_instance(run: DispatchRun) -> Built:
    needs = run_needs(run)
    coords = _region_coords({n.region_id for n in needs})
    eneeds, by_id, skipped = [], {}, 0
    for n in needs:
        point = need_point(n, coords)
        if point is None:
            skipped += 1
            continue
        eneeds.append(engine_need(n, point))
        by_id[f"n{n.pk}"] = n
    horizon = (min((n.start for n in needs), default=timezone.now()), max((n.end for n in needs), default=timezone.now()))
    pool = run_people_ids(run)
    people = engine_people(list(pool), horizon=horizon) if eneeds else []
    left_out: dict = {}
    if eneeds:
        people, unfit = fit_only(people, list(by_id.values()), pool)
        left_out = fitness.left_out_summary(unfit)
    return Built(Instance(needs=eneeds, people=people, max_km=run.max_km, weights=Weights()), by_id, skipped,
                 need_ids=[n.pk for n in needs], fingerprint=needs_fingerprint(needs), left_out=left_out)


def needs_fingerprint(needs) -> str:
    """A digest of what a proposal depends on in its needs: time, place, role, numbers, requirements and status.

    Filling places (accepted_count) is left out: confirming skips a line whose need filled meanwhile.
    """
    rows = sorted((n.pk, n.start.isoformat(), n.end.isoformat(), n.region_id, n.site_id, n.role_id, n.status, n.headcount,
                   sorted(s.code for s in n.skills.all()), sorted(n.affiliation_kinds)) for n in needs)
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _cut(windows, blocked) -> list[tuple[dt.datetime, dt.datetime]]:
    """Windows minus the blocked ranges."""
    out = list(windows)
    for b0, b1 in blocked:
        nxt = []
        for a, z in out:
            if b1 <= a or b0 >= z:
                nxt.append((a, z))
                continue
            if a < b0:
                nxt.append((a, b0))
            if b1 < z:
                nxt.append((b1, z))
        out = nxt
    return out


def fit_only(people: list[EPerson], needs: list[Need], pool) -> tuple[list[EPerson], dict[int, list]]:
    """The engine's people without those who may not be sent (people.fitness), and who was left out and why.

    The question is asked once per distinct duty among the needs (their days, night or not,
    minimum age). Someone unfit for every one of them leaves the pool; someone unfit for some
    only (quarantined until Tuesday, the needs running to Thursday) loses the hours of those
    needs from their availability, so the engine cannot send them there but can elsewhere.
    """
    by_duty: dict[fitness.Duty, list[Need]] = defaultdict(list)
    for n in needs:
        by_duty[n.duty].append(n)
    found = fitness.unfit_each(pool, by_duty)
    unfit: dict[int, list] = {}
    duties_of: dict[int, list[fitness.Duty]] = defaultdict(list)
    for duty, rows in found.items():
        for pid, reasons in rows.items():
            duties_of[pid].append(duty)
            have = unfit.setdefault(pid, [])
            have += [r for r in reasons if all(h.code != r.code for h in have)]
    if not unfit:
        return people, {}
    kept = []
    for p in people:
        pid = int(p.id[1:])
        if pid not in duties_of:
            kept.append(p)
            continue
        if len(duties_of[pid]) == len(by_duty):
            continue
        blocked = [(n.start, n.end) for d in duties_of[pid] for n in by_duty[d]]
        windows = _cut(p.available, blocked)
        if windows:
            kept.append(p.model_copy(update={"available": windows}))
    return kept, unfit


def local_reason(need: ENeed, person: EPerson | None, m: int, skill_names: dict[str, str] | None = None) -> str:
    """The engine's one-line reason in the user's language: "1.2 km, has medical training, home community, 2 shifts this week"."""
    parts = [f"{m} m" if m < 1000 else f"{m / 1000:.1f} km"]
    names = skill_names or {}
    if need.skills:
        parts.append(_("has %(skills)s") % {"skills": "、".join(names.get(s, s) for s in need.skills)})
    if person is not None:
        if need.region is not None and person.home_region == need.region:
            parts.append(pgettext("dispatch reason", "home community"))
        if person.load is not None:
            parts.append(ngettext("%(n)d shift this week", "%(n)d shifts this week", person.load) % {"n": person.load})
    return _(", ").join(parts)


def _skill_names() -> dict[str, str]:
    from muster.people.models import Skill

    return {s.code: s.label for s in Skill.objects.all()}


# --- runs (the work; starting, confirming and discarding them are actions: actions/runs.py) ------


def dispatch_execute(run_id: int) -> str:
    """Solve one queued run and write its proposal. Called inline or by the worker; never raises."""
    if not DispatchRun.objects.filter(pk=run_id, status=DispatchRun.Status.QUEUED).update(status=DispatchRun.Status.RUNNING):
        return "skipped"
    run = DispatchRun.objects.select_related("region", "deployment").get(pk=run_id)
    try:
        t0 = time.perf_counter()
        built = build_instance(run)
        proposal, stats = solve_detailed(built.instance, time_limit_s=TIME_LIMIT_S)
        solve_ms = int((time.perf_counter() - t0) * 1000)
        people = {int(p.id[1:]) for p in built.instance.people}
        eneeds = {n.id: n for n in built.instance.needs}
        epeople = {p.id: p for p in built.instance.people}
        names = _skill_names()
        with translation.override(settings.LANGUAGE_CODE):
            lines = [ProposalLine(run=run, need=built.needs[a.need], person_id=int(a.person[1:]), metres=a.m,
                                  reason=local_reason(eneeds[a.need], epeople.get(a.person), a.m, names)[:200])
                     for a in proposal.assignments]
        with atomic():
            ProposalLine.objects.bulk_create(lines)
            DispatchRun.objects.filter(pk=run.pk).update(
                status=DispatchRun.Status.READY, needs_count=len(built.instance.needs), people_count=len(people),
                places=sum(n.places for n in built.instance.needs), filled=proposal.filled, total_m=proposal.total_m,
                solve_ms=solve_ms, engine_status=proposal.status, finished_at=timezone.now(),
                need_ids=built.need_ids, fingerprint=built.fingerprint, left_out=built.left_out or {})
            run.need_ids = built.need_ids
            supersede_older(run)
        return DispatchRun.Status.READY
    except Exception as e:  # noqa: BLE001 - a failed run is shown to the coordinator, not raised at them
        log.exception("dispatch run %s failed", run_id)
        DispatchRun.objects.filter(pk=run_id).update(status=DispatchRun.Status.FAILED, error=str(e)[:300],
                                                     finished_at=timezone.now())
        return DispatchRun.Status.FAILED


def overlapping(run: DispatchRun, statuses, *, newer: bool) -> list[DispatchRun]:
    """Runs in `statuses` made after (newer=True) or before this one that considered some of the same needs."""
    mine = set(run.need_ids or [])
    if not mine:
        return []
    qs = DispatchRun.objects.filter(status__in=statuses).exclude(pk=run.pk)
    qs = qs.filter(pk__gt=run.pk) if newer else qs.filter(pk__lt=run.pk)
    return [r for r in qs.only("pk", "need_ids", "created_at") if mine & set(r.need_ids or [])]


def supersede_older(run: DispatchRun) -> int:
    """A new proposal replaces the older ones still waiting for review that share needs with it.

    Otherwise an older proposal could still be confirmed after the coordinator had reviewed
    the newer one, and people unticked there would be accepted through the old one.
    """
    older = [r.pk for r in overlapping(run, [DispatchRun.Status.READY], newer=False)]
    if not older:
        return 0
    return DispatchRun.objects.filter(pk__in=older, status=DispatchRun.Status.READY).update(
        status=DispatchRun.Status.SUPERSEDED, superseded_by=run)


class ProposalStale(Conflict):
    """The proposal was made from needs or people that have changed; it cannot be confirmed."""

    code = "proposal_stale"


class ProposalSuperseded(Conflict):
    """A newer proposal for some of the same needs replaces this one."""

    code = "proposal_superseded"


def proposal_staleness(run: DispatchRun) -> DomainError | None:
    """Why the proposal may not be confirmed as it is, or None: superseded, the needs changed, someone now unfit."""
    if run.status == DispatchRun.Status.SUPERSEDED:
        return ProposalSuperseded(_("A newer proposal for the same needs replaces this one: review and confirm that one."))
    newer = overlapping(run, [DispatchRun.Status.READY, DispatchRun.Status.CONFIRMED], newer=True)
    if newer:
        return ProposalSuperseded(_("A newer proposal for the same needs replaces this one: review and confirm that one."))
    if run.fingerprint:
        needs = list(Need.objects.filter(pk__in=run.need_ids).prefetch_related("skills"))
        if needs_fingerprint(needs) != run.fingerprint:
            return ProposalStale(_("The needs changed after this proposal was made (time, place, number of people or "
                                   "status): run the dispatcher again."))
    lines = list(ProposalLine.objects.filter(run=run, included=True).select_related("need", "need__role", "person"))
    by_duty: dict[fitness.Duty, set[int]] = defaultdict(set)
    for line in lines:
        by_duty[line.need.duty].add(line.person_id)
    if by_duty:
        everyone = {pid for pids in by_duty.values() for pid in pids}
        found = fitness.unfit_each(everyone, by_duty)
        names = {line.person_id: line.person.name for line in lines}
        said: dict[int, list] = {}
        for duty, pids in by_duty.items():
            for pid in sorted(pids & set(found[duty])):
                said.setdefault(pid, found[duty][pid])
        if said:
            who = _("; ").join(f"{names[pid]}: {fitness.says(reasons)}" for pid, reasons in sorted(said.items()))
            return ProposalStale(_("Some of the people proposed may not be sent any more (%(who)s): run the dispatcher again.")
                                 % {"who": who})
    return None



# --- suggestions -------------------------------------------------------------------------------


@dataclass
class Suggested:
    person: Person
    metres: int
    reason: str


SUGGEST_RINGS_KM = (1.0, 2.0, 3.0)  # radii tried before the full one for suggestions
# People live at their building, up to this far from the community centre the rings are drawn around.
HOME_SPREAD_M = 1000


@dataclass
class LeftOut:
    person: Person
    reason: str  # why they may not be sent, in the user's language


def suggestions_for(user, need: Need, *, k: int = 20, max_km: float = DEFAULT_MAX_KM) -> list[Suggested]:
    """The top `k` people for one need among those the user manages near it, best first (same rules as a run)."""
    return suggestions_with_left_out(user, need, k=k, max_km=max_km)[0]


def suggestions_with_left_out(user, need: Need, *, k: int = 20,
                              max_km: float = DEFAULT_MAX_KM) -> tuple[list[Suggested], list[LeftOut]]:
    """`suggestions_for`, and the people who would have ranked among them but may not be sent (people.fitness), with why."""
    scope = Scope.of(user)
    if not scope.covers(need.region, MANAGERS):
        return [], []
    coords = _region_coords([need.region_id])
    point = need_point(need, coords)
    if point is None or need.open_places <= 0:
        return [], []
    # Candidates: people the user may see whose home community (where the engine places them)
    # lies within reach. Communities are taken ring by ring (SUGGEST_RINGS_KM, then max_km):
    # a person at distance d or more costs at least d minus the largest bonus a need can give,
    # so once the k-th best found costs less than that for the ring's radius, nobody further
    # out can enter the top k and the answer is exactly the one over the whole radius.
    district = "/".join(need.region.path.split("/")[:4]) + "/"
    communities = list(Region.objects.filter(path__startswith=district, level=Region.Level.COMMUNITY).values_list("pk", flat=True))
    where = _region_coords(communities)
    known = [rid for rid in communities if rid in where]
    dist = (haversine_m(point[0], point[1], np.array([where[r][0] for r in known]), np.array([where[r][1] for r in known]))
            if known else np.zeros(0))
    taken = [f"p{pid}" for pid in Report.objects.filter(need=need).exclude(
        status__in=[Report.Status.WITHDRAWN, Report.Status.DECLINED]).values_list("person_id", flat=True)]
    eneed = engine_need(need, point)
    duty = need.duty
    w = Weights()
    best_bonus = w.prefer_home + w.skill_fit * len(eneed.preferred_skills)
    top, people = [], []
    unfit: dict[int, list] = {}
    inner = -1.0
    for ring_km in [r for r in SUGGEST_RINGS_KM if r < max_km] + [max_km]:
        ring = [rid for rid, m in zip(known, dist, strict=True) if inner < m <= ring_km * 1000]
        inner = ring_km * 1000
        if ring:  # only the people of the new ring are loaded; the inner ones are kept
            candidates = Person.objects.filter(scope.region_q("region", MANAGERS)).filter(region_id__in=ring)
            people += engine_people(candidates, horizon=(need.start, need.end))
            unfit.update(fitness.unfit(candidates.values("pk"), duty))
        if not people:
            continue
        index = PeopleIndex.build(people, max_km)
        top = suggest(eneed, index, k=k, weights=w, exclude=taken + [f"p{pid}" for pid in unfit])
        if len(top) >= k and top[-1].cost < ring_km * 1000 - best_bonus - HOME_SPREAD_M:
            break
    if not people:
        return [], []
    # Who would have been suggested but for their fitness: the coordinator asks "why not 张三?"
    would = [s for s in suggest(eneed, PeopleIndex.build(people, max_km), k=k, weights=w, exclude=taken)
             if int(s.person[1:]) in unfit] if unfit else []
    by_id = Person.objects.in_bulk([int(s.person[1:]) for s in [*top, *would]])
    epeople = {p.id: p for p in people}
    names = _skill_names()
    items = [Suggested(by_id[int(s.person[1:])], s.m, local_reason(eneed, epeople.get(s.person), s.m, names))
             for s in top if int(s.person[1:]) in by_id]
    left = [LeftOut(by_id[int(s.person[1:])], fitness.says(unfit[int(s.person[1:])]))
            for s in would if int(s.person[1:]) in by_id]
    return items, left
