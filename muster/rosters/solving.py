"""Adapter between a post's rows and the pure rostering engine (muster.rosters.solver).

It turns cover, team and rules into a RosterInput, checks in plain words that
the team can cover the bands at all, runs the engine as a background task with
progress, and stores assignments only for a roster the engine's validator passed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tasks import task

from muster.rosters.models import Absence, Assignment, Band, CoverException, Post, Roster, TeamMember

log = logging.getLogger("muster.rosters")

# Cost of putting somebody on a band the post does not have that day: never worth it.
NO_BAND_WEIGHT = 1000
# Cost of each person more than the band needs: more than any preference is worth.
OVER_WEIGHT = 20

RULE_LABELS = {
    "cover": gettext_lazy("Cover short or over"),
    "on_requests": gettext_lazy("Shift wishes not met"),
    "off_requests": gettext_lazy("Shift preferences not met"),
    "changes": gettext_lazy("Changes against the published roster"),
    "pairs": gettext_lazy("Pairs split up"),
    "fairness": gettext_lazy("Uneven shares of nights or weekends"),
}


def tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _at(date: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(date, t, tzinfo=tz())


def band_span(date: dt.date, band: Band) -> tuple[dt.datetime, dt.datetime]:
    start = _at(date, band.start)
    return start, start + dt.timedelta(minutes=band.minutes)


def _age(person, on: dt.date) -> int | None:
    return on.year - person.birth_year if person.birth_year else None


def _day_label(date: dt.date) -> str:
    return date_format(date, "l n/j")


@dataclass
class Plan:
    """What the post needs over the horizon: per day, per band, how many (after exceptions)."""

    post: Post
    start: dt.date
    days: int
    bands: list[Band]
    # day -> [(band, required)]
    need: dict[int, list[tuple[Band, int]]] = field(default_factory=dict)
    members: list[TeamMember] = field(default_factory=list)
    # member id -> set of days off
    off: dict[int, set[int]] = field(default_factory=dict)
    # member id -> {"days": days unfit for any shift, "nights": days unfit for nights only, "reasons": [Reason]}
    unfit: dict[int, dict] = field(default_factory=dict)
    # members who may not do nights on some day (people.fitness): kept off every night of the horizon
    no_nights: set[int] = field(default_factory=set)

    def date(self, d: int) -> dt.date:
        return self.start + dt.timedelta(days=d)


def plan_of(post: Post, start: dt.date, weeks: int) -> Plan:
    days = 7 * weeks
    bands = list(post.bands.select_related("skill").order_by("weekday", "line", "start"))
    exceptions = list(CoverException.objects.filter(post=post, date__gte=start, date__lt=start + dt.timedelta(days=days)))
    plan = Plan(post=post, start=start, days=days, bands=bands)
    for d in range(days):
        date = plan.date(d)
        row = []
        for b in bands:
            if b.weekday != date.weekday():
                continue
            req = b.required
            for ex in exceptions:
                if ex.date == date and (ex.band_id is None or ex.band_id == b.id):
                    req = ex.required
            if req > 0:
                row.append((b, req))
        plan.need[d] = row
    plan.members = list(post.team.filter(active=True).select_related("person", "pair_with").prefetch_related("person__skills"))
    absences = Absence.objects.filter(member__in=plan.members, start__lte=plan.date(days - 1), end__gte=start)
    for m in plan.members:
        off = set()
        if m.available_weekdays:
            off |= {d for d in range(days) if plan.date(d).weekday() not in m.available_weekdays}
        plan.off[m.id] = off
    for a in absences:
        for d in range(days):
            if a.start <= plan.date(d) <= a.end:
                plan.off[a.member_id].add(d)
    _unfit_days(plan)
    return plan


def _unfit_days(plan: Plan) -> None:
    """Make each team member unavailable on the days they may not be sent (people.fitness), noting why.

    Asked once for every day and night of the horizon. A member unfit for a day is off that
    day; one unfit for nights only (16 or 17 at a post that takes 16-year-olds by day) is kept
    off nights altogether, since the engine knows nights per person, not per person and day.
    """
    from muster.people import fitness

    members = {m.person_id: m for m in plan.members}
    if not members:
        return
    day = {d: fitness.Duty(fitness.Kind.ROSTER, plan.date(d), min_age=plan.post.min_age) for d in range(plan.days)}
    night = {d: fitness.Duty(fitness.Kind.ROSTER, plan.date(d), night=True, min_age=plan.post.min_age) for d in range(plan.days)}
    found = fitness.unfit_each(list(members), [*day.values(), *night.values()])
    for d in range(plan.days):
        for pid, reasons in found[day[d]].items():
            row = plan.unfit.setdefault(members[pid].id, {"days": set(), "nights": set(), "reasons": []})
            row["days"].add(d)
            row["reasons"] += [r for r in reasons if all(h.code != r.code for h in row["reasons"])]
            plan.off[members[pid].id].add(d)
        for pid, reasons in found[night[d]].items():
            if pid in found[day[d]]:
                continue
            row = plan.unfit.setdefault(members[pid].id, {"days": set(), "nights": set(), "reasons": []})
            row["nights"].add(d)
            row["reasons"] += [r for r in reasons if all(h.code != r.code for h in row["reasons"])]
            plan.no_nights.add(members[pid].id)


def left_out(plan: Plan) -> list[dict]:
    """The members kept off some days for their fitness, as stored on the roster (see Roster.left_out)."""
    out = []
    for m in plan.members:
        row = plan.unfit.get(m.id)
        if not row:
            continue
        out.append({"person": m.person_id, "name": m.person.name, "days": [plan.date(d).isoformat() for d in sorted(row["days"])],
                    "nights": [plan.date(d).isoformat() for d in sorted(row["nights"])],
                    "reasons": [r.as_json() for r in row["reasons"]]})
    return out


def left_out_words(rows: list[dict]) -> list[str]:
    """One line per member left out, in the reader's language: "张三 — 6/1–6/7: 在集中隔离至6月7日"."""
    from muster.people import fitness

    lines = []
    for row in rows or []:
        days = [dt.date.fromisoformat(x) for x in row.get("days") or []]
        nights = [dt.date.fromisoformat(x) for x in row.get("nights") or []]
        why = fitness.says_json(row.get("reasons") or [])
        if days:
            span = _day_label(days[0]) if len(days) == 1 else f"{_day_label(days[0])} – {_day_label(days[-1])}"
            lines.append(_("%(name)s is not rostered on %(days)s: %(why)s") % {"name": row.get("name", ""), "days": span, "why": why})
        elif nights:
            lines.append(_("%(name)s is not rostered at night: %(why)s") % {"name": row.get("name", ""), "why": why})
    return lines


def _is_night(band: Band) -> bool:
    from muster.rosters.solver.model import ShiftType

    return band.line == Band.Line.PATROL or ShiftType(id="x", length_minutes=band.minutes,
                                                       start_minute=band.start.hour * 60 + band.start.minute).is_night


def night_ok(post: Post, m: TeamMember, on: dt.date) -> bool:
    """May do nights: not refused, and not over the post's age limit unless they consented."""
    if m.no_nights:
        return False
    age = _age(m.person, on)
    if post.night_age_limit is not None and age is not None and age > post.night_age_limit and not m.night_consent:
        return False
    return True


def _can_take(plan: Plan, m: TeamMember, d: int, band: Band) -> bool:
    if d in plan.off[m.id]:
        return False
    if m.id in plan.no_nights and _is_night(band):
        return False
    if plan.post.max_hours_day is not None and band.minutes > plan.post.max_hours_day * 60:
        return False
    return not (_is_night(band) and not night_ok(plan.post, m, plan.date(d)))


def precheck(post: Post, start: dt.date, weeks: int) -> list[str]:
    """Reasons, in words a coordinator understands, why the team cannot cover the bands at all."""
    plan = plan_of(post, start, weeks)
    if not plan.bands:
        return [_("The post has no cover requirement yet: add its bands first.")]
    if not plan.members:
        return [_("The post has no team yet: add the people who staff it.")]
    problems: list[str] = []
    age_limit = post.night_age_limit
    for d in range(plan.days):
        date = plan.date(d)
        free_today = [m for m in plan.members if d not in plan.off[m.id]]
        total = sum(req for _b, req in plan.need[d])
        if total > len(free_today):
            problems.append(_("%(day)s needs %(need)d people across its bands but only %(n)d are available "
                              "(each person works at most one band a day).") % {"day": _day_label(date), "need": total, "n": len(free_today)})
        for band, req in plan.need[d]:
            able = [m for m in plan.members if _can_take(plan, m, d, band)]
            label = f"{_day_label(date)} {band.clock}"
            if len(able) < req:
                if _is_night(band) and age_limit is not None:
                    msg = _("%(band)s needs %(need)d people; only %(n)d is available and under %(age)d, or consented to nights.")
                else:
                    msg = _("%(band)s needs %(need)d people; only %(n)d is available.")
                problems.append(msg % {"band": label, "need": req, "n": len(able), "age": (age_limit or 0) + 1})
            if band.skill_id and band.skill_count:
                skilled = [m for m in able if any(s.pk == band.skill_id for s in m.person.skills.all())]
                if len(skilled) < min(band.skill_count, req):
                    problems.append(_("%(band)s needs %(need)d who can do “%(skill)s”; only %(n)d of those available can.")
                                    % {"band": label, "need": band.skill_count, "skill": band.skill.label, "n": len(skilled)})
            if _is_night(band) and post.night_mix_age is not None:
                young = [m for m in able if (_age(m.person, date) or 999) <= post.night_mix_age]
                if not young:
                    problems.append(_("%(band)s needs someone aged %(age)d or under beside the others; none is available.")
                                    % {"band": label, "age": post.night_mix_age})
        if len(problems) >= 12:
            break
    problems += _hours_shortage(plan)
    if problems and plan.unfit:
        # The shortage may come from members who may not be sent: say who and why.
        problems = problems[:12 - min(4, len(plan.unfit))] + left_out_words(left_out(plan))[:4]
    return problems[:12]


def _hours_shortage(plan: Plan) -> list[str]:
    """A week whose bands need more person-hours than the team can give under the hour limits."""
    out = []
    for w in range(plan.days // 7):
        days = range(7 * w, 7 * w + 7)
        need = sum(req * band.minutes for d in days for band, req in plan.need[d])
        capacity = 0
        for m in plan.members:
            # one band a day at most: the longest band they may take that day
            most = sum(max((b.minutes for b, _r in plan.need[d] if _can_take(plan, m, d, b)), default=0) for d in days)
            limits = [h * 60 for h in (plan.post.max_hours_week, m.max_hours_week) if h]
            capacity += min([most, *limits])
        if need > capacity:
            out.append(_("The week of %(day)s needs %(need)s person-hours; under the hour limits the team can give at most %(cap)s.")
                       % {"day": _day_label(plan.date(7 * w)), "need": round(need / 60, 1), "cap": round(capacity / 60, 1)})
    return out


# ---- engine input

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
            id=eid, name=m.person.name, skills=[s.code for s in m.person.skills.all()], age=_age(m.person, start),
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
    if post.fair_nights and any(_is_night(b) for b in plan.bands):
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


def published_grid(post: Post, start: dt.date, days: int, exclude: int | None = None) -> dict[str, list[str]]:
    """The published roster over these days, as the engine's employee -> [shift key] grid."""
    grid: dict[str, list[str]] = defaultdict(lambda: [""] * days)
    qs = (Assignment.objects.filter(post=post, roster__status=Roster.Status.PUBLISHED, date__gte=start,
                                    date__lt=start + dt.timedelta(days=days)).select_related("band"))
    if exclude:
        qs = qs.exclude(roster_id=exclude)
    for a in qs:
        if a.band_id:
            grid[emp_id(a.person_id)][(a.date - start).days] = sid(a.band.key)
    return dict(grid)


# ---- why no roster, in the coordinator's language

def _hours(minutes: int) -> str:
    h, m = divmod(int(minutes), 60)
    return _("%(h)d h") % {"h": h} if not m else _("%(h)d h %(m)d min") % {"h": h, "m": m}


def conflict_words(built: Built, explanation) -> list[str]:
    """The engine's minimal set of conflicting rules, one translated line per rule, summary first.

    The engine explains in English (it has no Django and no catalogue); here each rule group
    it names, by its key, is said again with the post's own dates, bands and people.
    """
    inp = built.inp
    start = built.plan.start

    def when(d: int, s: int) -> str:
        return f"{_day_label(start + dt.timedelta(days=d))} {inp.shift_types[s].name or inp.shift_types[s].id}"

    lines = []
    for c in explanation.conflicts:
        k = c.key
        emp = inp.employees[k[1]] if len(k) > 1 and isinstance(k[1], int) and k[1] < len(inp.employees) else None
        name = emp.label if emp is not None else ""
        rule = c.rule
        if rule == "cover_min":
            need = next((x.hard_min for x in inp.cover if x.day == k[1] and x.shift == inp.shift_types[k[2]].id), 0) or 0
            line = ngettext("%(when)s needs %(n)d person", "%(when)s needs %(n)d people", need) % {"when": when(k[1], k[2]), "n": need}
        elif rule == "cover_skill":
            need = next((x.skills.get(k[3], 0) for x in inp.cover if x.day == k[1] and x.shift == inp.shift_types[k[2]].id), 0)
            line = _("%(when)s needs %(n)d who can do “%(skill)s”") % {"when": when(k[1], k[2]), "n": need, "skill": k[3]}
        elif rule == "night_mix":
            line = _("%(when)s needs someone aged %(age)d or under") % {"when": when(k[1], k[2]), "age": inp.night_needs_age_at_most or 0}
        elif rule == "days_off":
            line = _("%(name)s is away or unavailable on some of these days") % {"name": name}
        elif rule == "night_consent":
            line = _("%(name)s does not do night shifts") % {"name": name}
        elif rule == "night_age":
            line = _("%(name)s (%(age)s) is over %(limit)d and may not work nights") % {
                "name": name, "age": emp.age if emp else "?", "limit": inp.no_night_over_age or 0}
        elif rule == "day_minutes" and emp is not None:
            line = _("%(name)s may work at most %(hours)s a day") % {"name": name, "hours": _hours(emp.max_minutes_per_day or 0)}
        elif rule == "week_minutes" and emp is not None:
            line = _("%(name)s may work at most %(hours)s a week") % {"name": name, "hours": _hours(emp.max_minutes_per_week or 0)}
        elif rule == "max_consecutive" and emp is not None:
            n = emp.max_consecutive_shifts or 0
            line = ngettext("%(name)s may work at most %(n)d day in a row", "%(name)s may work at most %(n)d days in a row", n) % {
                "name": name, "n": n}
        elif rule == "max_nights" and emp is not None:
            n = emp.max_consecutive_nights or 0
            line = ngettext("%(name)s may work at most %(n)d night in a row", "%(name)s may work at most %(n)d nights in a row", n) % {
                "name": name, "n": n}
        elif rule == "min_rest" and emp is not None:
            rest = emp.min_rest_minutes if emp.min_rest_minutes is not None else inp.min_rest_minutes
            line = _("%(name)s needs %(hours)s of rest between shifts") % {"name": name, "hours": _hours(rest or 0)}
        else:
            line = c.message  # a rule the post's settings do not produce: the engine's own words
        lines.append(line)
    if not lines:
        return [explanation.summary]
    return [_("These rules cannot all be met together:"), *lines]


def violation_words(built: Built, violations) -> list[str]:
    """Hard rules a roster breaks (the validator's findings), in the coordinator's language.

    The validator words its findings in English; here each one is said again from its rule,
    person, day and shift. Rules the post's settings never produce keep the validator's words.
    """
    inp = built.inp
    people = {e.id: e for e in inp.employees}
    lines = []
    for v in violations:
        emp = people.get(v.employee or "")
        name = emp.label if emp else ""
        day = _day_label(built.plan.start + dt.timedelta(days=v.day)) if v.day is not None and v.day >= 0 else ""
        shift = next((s.name or s.id for s in inp.shift_types if s.id == v.shift), v.shift or "")
        args = {"name": name, "day": day, "shift": shift}
        rule = v.rule
        if rule == "cover_min":
            line = _("%(day)s %(shift)s would have too few people") % args
        elif rule == "cover_skill":
            line = _("%(day)s %(shift)s would have too few people with the required skill") % args
        elif rule == "night_mix" and inp.night_needs_age_at_most is not None:
            line = _("%(day)s %(shift)s would have nobody aged %(age)d or under") % {**args, "age": inp.night_needs_age_at_most}
        elif rule == "days_off" and emp:
            line = _("%(name)s is away or unavailable on %(day)s") % args
        elif rule == "night_consent" and emp:
            line = _("%(name)s does not do night shifts") % args
        elif rule == "night_age" and emp:
            line = _("%(name)s (%(age)s) is over %(limit)d and may not work nights") % {
                **args, "age": emp.age if emp.age is not None else "?", "limit": inp.no_night_over_age or 0}
        elif rule == "day_minutes" and emp:
            line = _("%(name)s may work at most %(hours)s a day") % {**args, "hours": _hours(emp.max_minutes_per_day or 0)}
        elif rule == "week_minutes" and emp:
            line = _("%(name)s may work at most %(hours)s a week") % {**args, "hours": _hours(emp.max_minutes_per_week or 0)}
        elif rule == "min_rest" and emp:
            rest = emp.min_rest_minutes if emp.min_rest_minutes is not None else inp.min_rest_minutes
            line = _("%(name)s would not have %(hours)s of rest before %(day)s") % {**args, "hours": _hours(rest or 0)}
        elif rule == "max_consecutive" and emp:
            n = emp.max_consecutive_shifts or 0
            line = ngettext("%(name)s would work more than %(n)d day in a row", "%(name)s would work more than %(n)d days in a row",
                            n) % {**args, "n": n}
        elif rule == "max_nights" and emp:
            n = emp.max_consecutive_nights or 0
            line = ngettext("%(name)s would work more than %(n)d night in a row", "%(name)s would work more than %(n)d nights in a row",
                            n) % {**args, "n": n}
        else:
            line = v.message
        lines.append(line)
    return lines


# ---- the background task

def enqueue(roster_id: int) -> None:
    solve_roster.enqueue(roster_id)


@task()
def solve_roster(roster_id: int) -> str:
    """Solve a queued roster; the worker runs it, tests run it inline."""
    return run(roster_id)


def run(roster_id: int) -> str:
    if not Roster.objects.filter(pk=roster_id, status=Roster.Status.QUEUED).update(status=Roster.Status.SOLVING,
                                                                                    started_at=timezone.now()):
        return "skipped"
    roster = Roster.objects.select_related("post").get(pk=roster_id)
    try:
        _run(roster)
    except Exception as exc:  # the roster must never stay "solving" for ever
        log.exception("roster %s: solve failed", roster_id)
        Roster.objects.filter(pk=roster_id).update(status=Roster.Status.FAILED, finished_at=timezone.now(),
                                                   problems=[_("The solver stopped with an error: %(e)s") % {"e": exc}])
    return Roster.objects.get(pk=roster_id).status


def _run(roster: Roster) -> None:
    from muster.rosters.solver.solve import solve
    from muster.rosters.solver.validate import validate

    post = roster.post
    previous = published_grid(post, roster.start, 7 * roster.weeks)
    built = build_input(post, roster.start, roster.weeks, previous or None, **days_around(post, roster.start, roster.weeks))
    trail: list[dict] = []
    last = [0.0]
    home = threading.get_ident()

    def on_progress(p) -> None:
        trail.append({"seconds": p.seconds, "objective": p.objective, "lower_bound": p.lower_bound, "phase": p.phase})
        now = time.monotonic()
        # CP-SAT calls back from its own threads; only the task's thread may use its DB connection.
        if threading.get_ident() == home and now - last[0] > 0.5:
            last[0] = now
            Roster.objects.filter(pk=roster.pk).update(progress=trail[-50:], objective=p.objective, lower_bound=p.lower_bound)

    result = solve(built.inp, time_limit=float(roster.time_limit), workers=2, seed=roster.pk,
                   on_progress=on_progress, hint=_hint(built, previous))
    done = {"finished_at": timezone.now(), "engine_status": str(result.status), "seconds": result.seconds, "progress": trail[-50:],
            "left_out": left_out(built.plan)}
    if result.roster is None:
        problems = []
        if result.status == "INFEASIBLE" and result.explanation is None:
            # The solve used up its time proving there is no roster; give the explanation its own budget.
            from muster.rosters.solver.explain import explain_infeasibility

            result.explanation = explain_infeasibility(built.inp, time_limit=max(10.0, float(roster.time_limit)))
        if result.explanation is not None:
            problems += conflict_words(built, result.explanation)
        if not problems:
            problems = ([_("The rules cannot all be met together.")] if result.status == "INFEASIBLE" else
                        [_("No roster was found within the time limit of %(s)d seconds; try a longer limit.") % {"s": roster.time_limit}])
        Roster.objects.filter(pk=roster.pk).update(status=Roster.Status.FAILED, problems=problems, **done)
        return
    # The engine validated its roster; check again here so that nothing broken is ever stored.
    report = validate(built.inp, result.roster)
    if not report.valid:
        Roster.objects.filter(pk=roster.pk).update(
            status=Roster.Status.FAILED, problems=violation_words(built, report.violations[:10]), **done)
        return
    penalties = _penalties(report)
    changes = None
    if previous:
        changes = sum(1 for e, row in result.roster.items() for d, k in enumerate(row)
                      if k != previous.get(e, [""] * len(row))[d])
    rows = _assignments(roster, built, result.roster)
    with transaction.atomic():
        Assignment.objects.filter(roster=roster).delete()
        Assignment.objects.bulk_create(rows)
        Roster.objects.filter(pk=roster.pk).update(
            status=Roster.Status.READY, objective=report.objective, lower_bound=result.lower_bound, penalties=penalties,
            changes=changes, **done)


def _hint(built: Built, previous: dict[str, list[str]]):
    if not previous:
        return None
    # Only a hint: the engine validates it and ignores it when it breaks a rule now.
    return {e.id: list(previous.get(e.id, [""] * built.plan.days)) for e in built.inp.employees}


def _penalties(report) -> list[dict]:
    by_rule: dict[str, dict] = {}
    for it in report.items:
        row = by_rule.setdefault(it.rule, {"rule": it.rule, "amount": 0, "count": 0, "examples": []})
        row["amount"] += it.amount
        row["count"] += 1
        if len(row["examples"]) < 5:
            row["examples"].append(it.message)
    return sorted(by_rule.values(), key=lambda r: -r["amount"])


def _assignments(roster: Roster, built: Built, grid: dict[str, list[str]]) -> list[Assignment]:
    rows = []
    for m in built.plan.members:
        row = grid.get(emp_id(m.person_id), [])
        for d, shift_id in enumerate(row):
            if not shift_id:
                continue
            band = built.band_at.get((d, key_of(shift_id)))
            if band is None:  # validator allows it (soft over-cover) but there is no band: do not store a ghost shift
                continue
            date = built.plan.date(d)
            a, z = band_span(date, band)
            rows.append(Assignment(roster=roster, post=roster.post, person_id=m.person_id, band=band, date=date,
                                   line=band.line, starts_at=a, ends_at=z))
    return rows


class ChangeCheck:
    """The hard rules hand changes (a cover, a trade) would break, judged against the published roster around them.

    Built once for a span of days and asked about many changes: the swap form asks it about every
    shift it could offer. Only rules a change newly breaks count, so a week already short of people
    does not block a fair trade. Days outside the span are refused (a shift from another roster
    used to land on a wrong day and read as '… already has a shift on Thursday').
    """

    def __init__(self, post: Post, first: dt.date, last: dt.date):
        from muster.rosters.solver.validate import validate

        self.start = first - dt.timedelta(days=first.weekday())
        weeks = (last - self.start).days // 7 + 1
        self.built = build_input(post, self.start, weeks, **days_around(post, self.start, weeks))
        self.days = self.built.plan.days
        self.known = {e.id for e in self.built.inp.employees}
        self.shift_ids = {st.id for st in self.built.inp.shift_types}
        grid = published_grid(post, self.start, self.days)
        self.grid = {e: [k if k in self.shift_ids else "" for k in row] for e, row in grid.items() if e in self.known}
        for e in self.known:
            self.grid.setdefault(e, [""] * self.days)
        self.base = {self._key(v) for v in validate(self.built.inp, self.grid).violations}

    @staticmethod
    def _key(v) -> tuple:
        return (v.rule, v.employee, v.day, v.shift)

    def problems(self, moves: list[tuple[Assignment, object]]) -> list[str]:
        """Each (shift, person taking it) applied together; the reasons it may not be, in words, or []."""
        from muster.rosters.solver.validate import validate

        grid = {e: list(row) for e, row in self.grid.items()}
        problems = []
        for a, person in moves:
            if not 0 <= (a.date - self.start).days < self.days:
                problems.append(_("The shift on %(day)s is outside the weeks being changed.") % {"day": _day_label(a.date)})
            elif emp_id(person.pk) not in self.known:
                problems.append(_("%(name)s is not on this post's team.") % {"name": person.name})
        if problems:
            return problems
        for a, _person in moves:
            grid.get(emp_id(a.person_id), [""] * self.days)[(a.date - self.start).days] = ""
        for a, person in moves:
            d = (a.date - self.start).days
            row = grid[emp_id(person.pk)]
            if row[d]:
                problems.append(_("%(name)s already has a shift on %(day)s.") % {"name": person.name, "day": _day_label(a.date)})
            key = sid(a.band.key) if a.band_id else ""
            row[d] = key if key in self.shift_ids else ""
        if problems:
            return problems
        fresh = [v for v in validate(self.built.inp, grid).violations if self._key(v) not in self.base]
        return violation_words(self.built, fresh[:5])


def swap_options(assignment: Assignment, other, now: dt.datetime | None = None) -> tuple[list[Assignment], list[tuple[Assignment, list[str]]]]:
    """`other`'s coming shifts at the same post, within two weeks, that may be traded for `assignment`, and those that may not, with why."""
    now = now or timezone.now()
    theirs = list(Assignment.objects.filter(post_id=assignment.post_id, person=other, roster__status=Roster.Status.PUBLISHED,
                                            starts_at__gt=now, date__gte=assignment.date - dt.timedelta(days=14),
                                            date__lte=assignment.date + dt.timedelta(days=14))
                  .select_related("band", "person").order_by("starts_at"))
    if not theirs:
        return [], []
    check = ChangeCheck(assignment.post, min(assignment.date, theirs[0].date), max(assignment.date, theirs[-1].date))
    me = assignment.person
    allowed, refused = [], []
    for b in theirs:
        why = check.problems([(assignment, other), (b, me)])
        (refused.append((b, why)) if why else allowed.append(b))
    return allowed, refused


def cover_problems(assignment: Assignment, other) -> list[str]:
    """Why `other` may not take `assignment` over, in words, or []."""
    return ChangeCheck(assignment.post, assignment.date, assignment.date).problems([(assignment, other)])


def check_change(roster: Roster, moves: list[tuple[Assignment, object]]) -> list[str]:
    """Hard rules a hand change (swap or cover) would break, in words; empty when it is fine."""
    from muster.rosters.solver.validate import validate

    if roster.status == Roster.Status.PUBLISHED:
        dates = [a.date for a, _p in moves]
        return ChangeCheck(roster.post, min(dates), max(dates)).problems(moves)
    built = build_input(roster.post, roster.start, roster.weeks, **days_around(roster.post, roster.start, roster.weeks))
    grid = published_grid(roster.post, roster.start, built.plan.days) if roster.status == Roster.Status.PUBLISHED else {}
    if roster.status != Roster.Status.PUBLISHED:
        for a in roster.assignments.select_related("band"):
            grid.setdefault(emp_id(a.person_id), [""] * built.plan.days)[(a.date - roster.start).days] = sid(a.band.key) if a.band_id else ""
    known = {e.id for e in built.inp.employees}
    problems = []
    for a, person in moves:
        d = (a.date - roster.start).days
        old, new = emp_id(a.person_id), emp_id(person.pk)
        if new not in known:
            problems.append(_("%(name)s is not on this post's team.") % {"name": person.name})
            continue
        grid.setdefault(old, [""] * built.plan.days)[d] = ""
    for a, person in moves:
        d = (a.date - roster.start).days
        row = grid.setdefault(emp_id(person.pk), [""] * built.plan.days)
        key = sid(a.band.key) if a.band_id else ""
        if row[d]:
            problems.append(_("%(name)s already has a shift on %(day)s.") % {"name": person.name, "day": _day_label(a.date)})
        row[d] = key
    if problems:
        return problems
    grid = {e: row for e, row in grid.items() if e in known}
    for e in known:
        grid.setdefault(e, [""] * built.plan.days)
    report = validate(built.inp, grid)
    return violation_words(built, report.violations[:5])
