"""The engine's input (RosterInput) from a post's plan, team and rules, and the published roster as the engine's grid."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from muster.rosters.models import Assignment, Band, Post, Roster
from muster.rosters.solving.plan import Plan, age_on, is_night, night_ok, plan_of

# Cost of putting somebody on a band the post does not have that day: never worth it.
NO_BAND_WEIGHT = 1000
# Cost of each person more than the band needs: more than any preference is worth.
OVER_WEIGHT = 20


def emp_id(person_id: int) -> str:
    return f"p{person_id}"


def sid(key: str) -> str:
    """The engine's id of a band's shift type, readable in its messages: "06:30–11:30", "patrol 22:00–06:00"."""
    line, a, z = key.split("-")
    clock = f"{a[:2]}:{a[2:]}–{z[:2]}:{z[2:]}"
    return clock if line == Band.Line.DUTY else f"{line} {clock}"


def key_of(shift_id: str) -> str:
    line, _sep, clock = shift_id.rpartition(" ")
    a, z = clock.split("–")
    return f"{line or Band.Line.DUTY}-{a.replace(':', '')}-{z.replace(':', '')}"


@dataclass
class Built:
    inp: object  # RosterInput
    plan: Plan
    keys: list[str]
    # (day, key) -> band
    band_at: dict[tuple[int, str], Band]


BEFORE_DAYS = 7  # published days before (and after) a roster that the rules looking back (rest, runs) count


def build_input(post: Post, start: dt.date, weeks: int, previous: dict[str, list[str]] | None = None,
                before: dict[str, list[str]] | None = None, after: dict[str, list[str]] | None = None) -> Built:
    """The engine's RosterInput for the post's cover, team and rules over `weeks` weeks from `start`.

    `before` and `after` are the published rosters of the days just before and just after the
    weeks solved (see `days_around`): the minimum rest and the longest runs of days and nights
    carry over from and into them.
    """
    from muster.rosters.solver import model as M

    plan = plan_of(post, start, weeks)
    types: dict[str, Band] = {}
    for b in plan.bands:
        types.setdefault(b.key, b)
    keys = sorted(types, key=lambda k: (types[k].line, types[k].start))
    shift_types = [M.ShiftType(id=sid(k), length_minutes=types[k].minutes, start_minute=types[k].start.hour * 60 + types[k].start.minute,
                               name=types[k].clock, night=True if types[k].line == Band.Line.PATROL else None) for k in keys]
    band_at: dict[tuple[int, str], Band] = {}
    cover = []
    for d in range(plan.days):
        present = {b.key: (b, req) for b, req in plan.need[d]}
        for k in keys:
            if k in present:
                b, req = present[k]
                band_at[(d, k)] = b
                skills = {b.skill.code: min(b.skill_count, req)} if b.skill_id and b.skill_count else {}
                cover.append(M.Cover(day=d, shift=sid(k), requirement=req, hard_min=req, under_weight=100, over_weight=OVER_WEIGHT,
                                     skills=skills))
            else:
                cover.append(M.Cover(day=d, shift=sid(k), requirement=0, under_weight=0, over_weight=NO_BAND_WEIGHT))
    employees = []
    off_requests = []
    ids = {m.person_id for m in plan.members}
    for m in plan.members:
        eid = emp_id(m.person_id)
        week_limits = [h for h in (post.max_hours_week, m.max_hours_week) if h]
        employees.append(M.Employee(
            id=eid, name=m.person.name, skills=[s.code for s in m.person.skills.all()], age=age_on(m.person, start),
            night_ok=night_ok(post, m, start) and m.id not in plan.no_nights, days_off=sorted(plan.off[m.id]),
            max_minutes_per_day=post.max_hours_day * 60 if post.max_hours_day else None,
            max_minutes_per_week=min(week_limits) * 60 if week_limits else None,
            max_consecutive_shifts=post.max_consecutive_days, max_consecutive_nights=post.max_consecutive_nights,
        ))
        if m.preferred:
            for d in range(plan.days):
                for k in keys:
                    if k not in m.preferred and (d, k) in band_at:
                        off_requests.append(M.ShiftRequest(employee=eid, day=d, shift=sid(k), weight=1))
    pairs = []
    if post.keep_pairs:
        seen = set()
        for m in plan.members:
            if m.pair_with_id and m.pair_with_id in ids:
                pair = tuple(sorted((emp_id(m.person_id), emp_id(m.pair_with_id))))
                if pair not in seen:
                    seen.add(pair)
                    pairs.append(M.PairPreference(employees=pair, weight=post.keep_pairs))
    fairness = []
    if post.fair_nights and any(is_night(b) for b in plan.bands):
        fairness.append(M.Fairness(kind="night", weight=post.fair_nights))
    if post.fair_weekends:
        fairness.append(M.Fairness(kind="weekend", weight=post.fair_weekends))
    prev = None
    if previous:
        known = {emp_id(m.person_id) for m in plan.members}
        prev = M.PreviousRoster(assignments={e: row for e, row in previous.items() if e in known},
                                change_weight=post.change_weight)
    known_shifts = {st.id for st in shift_types}
    members = {emp_id(m.person_id) for m in plan.members}
    # a band that no longer exists has no clock times to reckon rest with: it is left out
    before = {e: [k if k in known_shifts else "" for k in row] for e, row in (before or {}).items() if e in members}
    after = {e: [k if k in known_shifts else "" for k in row] for e, row in (after or {}).items() if e in members}
    inp = M.RosterInput(
        name=f"{post.name} {start}", num_days=plan.days, start_weekday=start.weekday(), start_date=start,
        shift_types=shift_types, employees=employees, cover=cover, off_requests=off_requests, pairs=pairs,
        fairness=fairness, previous=prev, before=before, after=after, min_rest_minutes=post.min_rest_hours * 60 if post.min_rest_hours else None,
        night_needs_age_at_most=post.night_mix_age,
    )
    return Built(inp=inp, plan=plan, keys=keys, band_at=band_at)


def days_before(post: Post, start: dt.date) -> dict[str, list[str]]:
    """The published shifts of the BEFORE_DAYS days before `start`, oldest first."""
    return published_grid(post, start - dt.timedelta(days=BEFORE_DAYS), BEFORE_DAYS)


def days_around(post: Post, start: dt.date, weeks: int) -> dict[str, dict[str, list[str]]]:
    """`before` and `after` for build_input: the published days either side of these weeks."""
    return {"before": days_before(post, start),
            "after": published_grid(post, start + dt.timedelta(days=7 * weeks), BEFORE_DAYS)}


def published_grid(post: Post, start: dt.date, days: int) -> dict[str, list[str]]:
    """The published roster over these days, as the engine's employee -> [shift key] grid."""
    grid: dict[str, list[str]] = defaultdict(lambda: [""] * days)
    qs = (Assignment.objects.filter(post=post, roster__status=Roster.Status.PUBLISHED, date__gte=start,
                                    date__lt=start + dt.timedelta(days=days)).select_related("band"))
    for a in qs:
        if a.band_id:
            grid[emp_id(a.person_id)][(a.date - start).days] = sid(a.band.key)
    return dict(grid)

