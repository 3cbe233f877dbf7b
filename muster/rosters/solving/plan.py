"""What a post needs over some weeks and who can give it: the plan the engine input is built from.

`precheck` says in a coordinator's words why a team cannot cover the bands at all, before any solve.
Members who may not be sent on some days (people.fitness) are kept off those days, and the roster
notes who and why (`left_out`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from muster.people import fitness
from muster.rosters.models import Absence, Band, CoverException, Post, TeamMember


def tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _at(date: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(date, t, tzinfo=tz())


def band_span(date: dt.date, band: Band) -> tuple[dt.datetime, dt.datetime]:
    start = _at(date, band.start)
    return start, start + dt.timedelta(minutes=band.minutes)


def age_on(person, on: dt.date) -> int | None:
    return on.year - person.birth_year if person.birth_year else None


def day_label(date: dt.date) -> str:
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
    lines = []
    for row in rows or []:
        days = [dt.date.fromisoformat(x) for x in row.get("days") or []]
        nights = [dt.date.fromisoformat(x) for x in row.get("nights") or []]
        why = fitness.says_json(row.get("reasons") or [])
        if days:
            span = day_label(days[0]) if len(days) == 1 else f"{day_label(days[0])} – {day_label(days[-1])}"
            lines.append(_("%(name)s is not rostered on %(days)s: %(why)s") % {"name": row.get("name", ""), "days": span, "why": why})
        elif nights:
            lines.append(_("%(name)s is not rostered at night: %(why)s") % {"name": row.get("name", ""), "why": why})
    return lines


def is_night(band: Band) -> bool:
    from muster.rosters.solver.model import ShiftType

    return band.line == Band.Line.PATROL or ShiftType(id="x", length_minutes=band.minutes,
                                                       start_minute=band.start.hour * 60 + band.start.minute).is_night


def night_ok(post: Post, m: TeamMember, on: dt.date) -> bool:
    """May do nights: not refused, and not over the post's age limit unless they consented."""
    if m.no_nights:
        return False
    age = age_on(m.person, on)
    if post.night_age_limit is not None and age is not None and age > post.night_age_limit and not m.night_consent:
        return False
    return True


def _can_take(plan: Plan, m: TeamMember, d: int, band: Band) -> bool:
    if d in plan.off[m.id]:
        return False
    if m.id in plan.no_nights and is_night(band):
        return False
    if plan.post.max_hours_day is not None and band.minutes > plan.post.max_hours_day * 60:
        return False
    return not (is_night(band) and not night_ok(plan.post, m, plan.date(d)))


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
                              "(each person works at most one band a day).") % {"day": day_label(date), "need": total, "n": len(free_today)})
        for band, req in plan.need[d]:
            able = [m for m in plan.members if _can_take(plan, m, d, band)]
            label = f"{day_label(date)} {band.clock}"
            if len(able) < req:
                if is_night(band) and age_limit is not None:
                    msg = _("%(band)s needs %(need)d people; only %(n)d is available and under %(age)d, or consented to nights.")
                else:
                    msg = _("%(band)s needs %(need)d people; only %(n)d is available.")
                problems.append(msg % {"band": label, "need": req, "n": len(able), "age": (age_limit or 0) + 1})
            if band.skill_id and band.skill_count:
                skilled = [m for m in able if any(s.pk == band.skill_id for s in m.person.skills.all())]
                if len(skilled) < min(band.skill_count, req):
                    problems.append(_("%(band)s needs %(need)d who can do “%(skill)s”; only %(n)d of those available can.")
                                    % {"band": label, "need": band.skill_count, "skill": band.skill.label, "n": len(skilled)})
            if is_night(band) and post.night_mix_age is not None:
                young = [m for m in able if (age_on(m.person, date) or 999) <= post.night_mix_age]
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
                       % {"day": day_label(plan.date(7 * w)), "need": round(need / 60, 1), "cap": round(capacity / 60, 1)})
    return out

