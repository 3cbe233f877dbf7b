"""Every write to posts, cover, teams, rosters, swaps and the duty log. Each one audited, in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.accounts.selectors import region_leads
from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.geo.models import Site
from muster.notifications import actions as notifications
from muster.people import fitness
from muster.people.models import Person, Skill
from muster.rosters.models import (
    WEEKDAY_CHOICES,
    Absence,
    Assignment,
    Band,
    CheckIn,
    CoverException,
    DutyNote,
    Post,
    Roster,
    SwapRequest,
    TeamMember,
    band_minutes,
)

WEEK = 7 * 24 * 60
# How early before a shift and how late into it a check-in counts for that shift.
CHECKIN_EARLY = dt.timedelta(minutes=60)


def _manage(actor, post_or_region) -> None:
    region = getattr(post_or_region, "region", post_or_region)
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("Only the coordinator of this community can change its posts."))


def weekday_name(d: int) -> str:
    return str(dict(WEEKDAY_CHOICES)[d])


# ---- posts and rules

RULE_FIELDS = ("fever_threshold", "max_hours_day", "max_hours_week", "min_rest_hours", "max_consecutive_days",
               "max_consecutive_nights", "night_age_limit", "night_mix_age", "fair_nights", "fair_weekends", "keep_pairs",
               "change_weight", "solve_seconds", "min_age")


def post_create(*, actor, site: Site, name: str, kind: str = Post.Kind.TENT, **rules) -> Post:
    """A new post at a site of the actor's community."""
    _manage(actor, site)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput(_("The name is required and has at most 80 characters."), field="name")
    if kind not in Post.Kind.values:
        raise InvalidInput(_("Unknown kind of post."), field="kind")
    post = Post(site=site, region=site.region, name=name, kind=kind)
    _apply_rules(post, rules)
    try:
        with transaction.atomic(durable=True):
            post.save()
            audit.record(actor=actor, action="post.create", obj=post, region=post.region, changes={"site": site.name})
    except IntegrityError:
        raise Conflict(_("This site already has a post with this name."), field="name") from None
    return post


def _apply_rules(post: Post, rules: dict) -> dict:
    from decimal import Decimal, InvalidOperation

    clean = {}
    for key, value in rules.items():
        if key not in RULE_FIELDS:
            raise InvalidInput(_("Unknown rule: %(name)s") % {"name": key}, field=key)
        if value is None and not Post._meta.get_field(key).null:
            # Only the optional limits can be switched off; a weight or the time limit always has a value.
            raise InvalidInput(_("%(name)s cannot be empty.") % {"name": Post._meta.get_field(key).verbose_name}, field=key)
        if key == "fever_threshold":
            try:
                value = Decimal(str(value)).quantize(Decimal("0.1"))
            except (InvalidOperation, ValueError):
                raise InvalidInput(_("The fever threshold must be a number."), field=key) from None
            if not Decimal("36.0") <= value <= Decimal("40.0"):
                raise InvalidInput(_("The fever threshold must be between 36.0 and 40.0 °C."), field=key)
        elif value is not None:
            if not isinstance(value, int) or value < 0 or value > 1000:
                raise InvalidInput(_("%(name)s must be a whole number from 0 to 1000.") % {"name": key}, field=key)
        clean[key] = value
    r = {**{k: getattr(post, k) for k in RULE_FIELDS}, **clean}
    if r["max_hours_day"] is not None and not 1 <= r["max_hours_day"] <= 24:
        raise InvalidInput(_("Max hours per day must be between 1 and 24."), field="max_hours_day")
    if r["max_hours_week"] is not None and not 1 <= r["max_hours_week"] <= 168:
        raise InvalidInput(_("Max hours per week must be between 1 and 168."), field="max_hours_week")
    if r["max_hours_day"] and r["max_hours_week"] and r["max_hours_week"] < r["max_hours_day"]:
        raise InvalidInput(_("Max hours per week cannot be less than max hours per day."), field="max_hours_week")
    if r["min_rest_hours"] is not None and r["min_rest_hours"] > 48:
        raise InvalidInput(_("Minimum rest can be at most 48 hours."), field="min_rest_hours")
    for key in ("max_consecutive_days", "max_consecutive_nights"):
        if r[key] is not None and not 1 <= r[key] <= 31:
            raise InvalidInput(_("A consecutive-days limit must be between 1 and 31."), field=key)
    for key in ("night_age_limit", "night_mix_age"):
        if r[key] is not None and not 16 <= r[key] <= 100:
            raise InvalidInput(_("An age limit must be between 16 and 100."), field=key)
    if not 14 <= (r["min_age"] or 0) <= 80:
        raise InvalidInput(_("The minimum age must be between 14 and 80."), field="min_age")
    if not 2 <= (r["solve_seconds"] or 0) <= 300:
        raise InvalidInput(_("The time limit must be between 2 and 300 seconds."), field="solve_seconds")
    return audit.diff(post, clean)


def post_update_rules(*, actor, post: Post, **rules) -> Post:
    """Switch and tune the post's rules (None switches a limit off)."""
    _manage(actor, post)
    with transaction.atomic(durable=True):
        changed = _apply_rules(post, rules)
        if changed:
            post.save(update_fields=list(changed))
            audit.record(actor=actor, action="post.rules", obj=post, region=post.region, changes=changed)
    return post


# ---- cover

@dataclass
class BandData:
    weekday: int
    start: dt.time
    end: dt.time
    required: int
    line: str = Band.Line.DUTY
    skill: str = ""
    skill_count: int = 0


def _band_errors(bands: list[BandData]) -> list[dict]:
    errors = []
    known = set(Skill.objects.filter(code__in={b.skill for b in bands if b.skill}).values_list("code", flat=True))
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for i, b in enumerate(bands, 1):
        label = f"{weekday_name(b.weekday) if 0 <= b.weekday <= 6 else '?'} {b.start:%H:%M}–{b.end:%H:%M}"
        if not 0 <= b.weekday <= 6:
            errors.append({"row": i, "field": "weekday", "message": _("Unknown weekday.")})
            continue
        if b.line not in Band.Line.values:
            errors.append({"row": i, "field": "line", "message": _("Unknown plan.")})
            continue
        if b.start == b.end:
            errors.append({"row": i, "field": "end", "message": _("%(band)s has no length: start and end are the same.") % {"band": label}})
            continue
        if not 1 <= b.required <= 50:
            errors.append({"row": i, "field": "required", "message": _("%(band)s must need between 1 and 50 people.") % {"band": label}})
        if b.skill and b.skill not in known:
            errors.append({"row": i, "field": "skill", "message": _("Unknown skill: %(codes)s") % {"codes": b.skill}})
        if b.skill_count and not b.skill:
            errors.append({"row": i, "field": "skill", "message": _("%(band)s counts people with a skill but names none.") % {"band": label}})
        if b.skill_count > b.required:
            errors.append({"row": i, "field": "skill_count",
                           "message": _("%(band)s asks for more people with the skill than people in all.") % {"band": label}})
        a = b.weekday * 1440 + b.start.hour * 60 + b.start.minute
        spans.setdefault(b.line, []).append((a, a + band_minutes(b.start, b.end), i))
    for items in spans.values():
        items.sort()
        # Compare on the weekly circle so that Sunday night running into Monday counts too.
        for j, (_a, z, i) in enumerate(items):
            for a2, _z2, i2 in items[j + 1:] + [(x + WEEK, y + WEEK, k) for x, y, k in items[:j]]:
                if a2 < z and i2 != i:
                    bi, bj = bands[i - 1], bands[i2 - 1]
                    errors.append({"row": i2, "field": "start", "message": _(
                        "%(a)s overlaps %(b)s in the same plan.") % {
                        "a": f"{weekday_name(bj.weekday)} {bj.start:%H:%M}–{bj.end:%H:%M}",
                        "b": f"{weekday_name(bi.weekday)} {bi.start:%H:%M}–{bi.end:%H:%M}"}})
                    break
    return errors


def cover_set(*, actor, post: Post, bands: list[BandData]) -> list[Band]:
    """Replace the post's cover requirement; refused as a whole if any band is wrong or two overlap."""
    _manage(actor, post)
    errors = _band_errors(bands)
    if errors:
        raise InvalidInput(errors[0]["message"], field="bands", errors=errors)
    skills = {s.code: s for s in Skill.objects.filter(code__in={b.skill for b in bands if b.skill})}
    with transaction.atomic(durable=True):
        old = sorted(str(b) for b in post.bands.all())
        post.bands.all().delete()
        rows = Band.objects.bulk_create([
            Band(post=post, weekday=b.weekday, line=b.line, start=b.start, end=b.end, required=b.required,
                 skill=skills.get(b.skill), skill_count=b.skill_count if b.skill else 0) for b in bands])
        audit.record(actor=actor, action="post.cover", obj=post, region=post.region,
                     changes={"old": old, "new": sorted(f"{weekday_name(b.weekday)} {b.line} {b.start:%H:%M}-{b.end:%H:%M} x{b.required}"
                                                        for b in bands)})
    return rows


def exception_add(*, actor, post: Post, date: dt.date, required: int, band: Band | None = None, note: str = "") -> CoverException:
    """A date on which the post needs a different number of people (0 closes the band or the day)."""
    _manage(actor, post)
    if band is not None and band.post_id != post.id:
        raise InvalidInput(_("This band belongs to another post."), field="band")
    if not 0 <= required <= 50:
        raise InvalidInput(_("The number of people must be between 0 and 50."), field="required")
    if band is not None and band.weekday != date.weekday():
        raise InvalidInput(_("This band is not on that weekday."), field="band")
    with transaction.atomic(durable=True):
        ex = CoverException.objects.create(post=post, date=date, band=band, required=required, note=(note or "")[:120])
        audit.record(actor=actor, action="post.exception", obj=post, region=post.region,
                     changes={"date": date, "band": str(band) if band else "", "required": required})
    return ex


# ---- team

@dataclass
class MemberData:
    available_weekdays: list[int] = field(default_factory=list)
    no_nights: bool = False
    night_consent: bool = False
    preferred: list[str] = field(default_factory=list)
    max_hours_week: int | None = None
    pair_with: Person | None = None
    active: bool = True


def _clean_member(post: Post, person: Person, data: MemberData) -> dict:
    if any(not isinstance(d, int) or not 0 <= d <= 6 for d in data.available_weekdays):
        raise InvalidInput(_("Weekdays are numbers from 0 (Monday) to 6 (Sunday)."), field="available_weekdays")
    keys = set(post.bands.values_list("line", "start", "end"))
    keys = {f"{ln}-{a:%H%M}-{b:%H%M}" for ln, a, b in keys}
    unknown = [k for k in data.preferred if k not in keys]
    if unknown:
        raise InvalidInput(_("Unknown band: %(codes)s") % {"codes": ", ".join(unknown)}, field="preferred")
    if data.max_hours_week is not None and not 1 <= data.max_hours_week <= 168:
        raise InvalidInput(_("Max hours per week must be between 1 and 168."), field="max_hours_week")
    if data.pair_with is not None:
        if data.pair_with.pk == person.pk:
            raise InvalidInput(_("Nobody can be paired with themselves."), field="pair_with")
        if not post.team.filter(person=data.pair_with).exists():
            raise InvalidInput(_("The partner must be on the same team."), field="pair_with")
    return {"available_weekdays": sorted(set(data.available_weekdays)), "no_nights": bool(data.no_nights),
            "night_consent": bool(data.night_consent), "preferred": sorted(set(data.preferred)),
            "max_hours_week": data.max_hours_week, "pair_with": data.pair_with, "active": bool(data.active)}


def team_add(*, actor, post: Post, person: Person, data: MemberData | None = None) -> TeamMember:
    """Put a person of the coordinator's region on the post's team."""
    _manage(actor, post)
    if not Scope.of(actor).covers(person.region, MANAGERS):
        raise NotFound(_("No such person in your region."))
    fields = _clean_member(post, person, data or MemberData())
    try:
        with transaction.atomic(durable=True):
            m = TeamMember.objects.create(post=post, person=person, **fields)
            audit.record(actor=actor, action="post.team_add", obj=post, region=post.region, changes={"person": person.name})
    except IntegrityError:
        raise Conflict(_("%(name)s is already on this team.") % {"name": person.name}, field="person") from None
    return m


def team_update(*, actor, member: TeamMember, data: MemberData) -> TeamMember:
    _manage(actor, member.post)
    fields = _clean_member(member.post, member.person, data)
    with transaction.atomic(durable=True):
        changed = audit.diff(member, fields)
        if changed:
            member.save(update_fields=list(changed))
            audit.record(actor=actor, action="post.team_update", obj=member.post, region=member.post.region,
                         changes={"person": member.person.name, **changed})
    return member


def absence_add(*, actor, member: TeamMember, start: dt.date, end: dt.date, note: str = "") -> Absence:
    """Days a team member cannot do (the coordinator enters them, or the member for themselves)."""
    own = getattr(actor, "person_id", None) == member.person_id
    if not own:
        _manage(actor, member.post)
    if end < start:
        raise InvalidInput(_("The last day is before the first."), field="end")
    if (end - start).days > 366:
        raise InvalidInput(_("An absence can be at most a year long."), field="end")
    with transaction.atomic(durable=True):
        a = Absence.objects.create(member=member, start=start, end=end, note=(note or "")[:120])
        audit.record(actor=actor, action="post.absence", obj=member.post, region=member.post.region,
                     changes={"person": member.person.name, "from": start, "to": end})
    return a


# ---- rosters

def monday_of(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def roster_request(*, actor, post: Post, start: dt.date, weeks: int = 1) -> Roster:
    """Queue a solve of `weeks` weeks from the Monday of `start`. Refused, with reasons, if the team cannot cover it."""
    from muster.rosters import solving

    _manage(actor, post)
    if not 1 <= weeks <= 8:
        raise InvalidInput(_("A roster covers 1 to 8 weeks."), field="weeks")
    start = monday_of(start)
    if start < monday_of(timezone.localdate()) - dt.timedelta(days=7):
        raise InvalidInput(_("Rosters cannot be made for weeks long past."), field="start")
    problems = solving.precheck(post, start, weeks)
    if problems:
        raise InvalidInput(problems[0], field="cover", errors=[{"message": p} for p in problems])
    if post.rosters.filter(start=start, status__in=[Roster.Status.QUEUED, Roster.Status.SOLVING]).exists():
        raise Conflict(_("A roster for this week is already being solved."))
    with transaction.atomic(durable=True):
        roster = Roster.objects.create(post=post, start=start, weeks=weeks, created_by=actor, time_limit=post.solve_seconds)
        audit.record(actor=actor, action="roster.request", obj=roster, region=post.region, changes={"start": start, "weeks": weeks})
        transaction.on_commit(lambda: solving.enqueue(roster.pk))
    return roster


def roster_publish(*, actor, roster: Roster) -> Roster:
    """Make a ready roster the one members see; the published rosters it overlaps are superseded."""
    _manage(actor, roster.post)
    with transaction.atomic(durable=True):
        n = Roster.objects.filter(pk=roster.pk, status=Roster.Status.READY).update(
            status=Roster.Status.PUBLISHED, published_at=timezone.now())
        if not n:
            raise Conflict(_("Only a ready roster can be published."))
        old = Roster.objects.select_for_update().filter(
            post=roster.post, status=Roster.Status.PUBLISHED, start__lte=roster.end,
            start__gt=roster.start - dt.timedelta(days=56)).exclude(pk=roster.pk)
        superseded, kept = [], []
        for r in old:
            if r.end < roster.start:
                continue
            # the weeks of the older roster outside the new one stay published: their shifts (the
            # very rows, with their check-ins and notes) move to a roster of those weeks
            for lo, hi in ((r.start, roster.start - dt.timedelta(days=1)), (roster.end + dt.timedelta(days=1), r.end)):
                if lo > hi:
                    continue
                part = Roster.objects.create(
                    post=r.post, start=lo, weeks=((hi - lo).days + 1) // 7, status=Roster.Status.PUBLISHED,
                    engine_status=r.engine_status, time_limit=r.time_limit, based_on=r, created_by=r.created_by,
                    finished_at=r.finished_at, published_at=r.published_at)
                Assignment.objects.filter(roster=r, date__gte=lo, date__lte=hi).update(roster=part)
                kept.append({"roster": part.pk, "start": lo.isoformat(), "weeks": part.weeks})
            superseded.append(r.pk)
        Roster.objects.filter(pk__in=superseded).update(status=Roster.Status.SUPERSEDED)
        audit.record(actor=actor, action="roster.publish", obj=roster, region=roster.post.region,
                     changes={"superseded": superseded, "kept": kept, "changes": roster.changes})
    roster.refresh_from_db()
    return roster


def roster_discard(*, actor, roster: Roster) -> None:
    _manage(actor, roster.post)
    with transaction.atomic(durable=True):
        n = Roster.objects.filter(pk=roster.pk, status__in=[Roster.Status.READY, Roster.Status.FAILED]).delete()[0]
        if not n:
            raise Conflict(_("Only a roster that is not published and not being solved can be discarded."))
        audit.record(actor=actor, action="roster.discard", obj=roster.post, region=roster.post.region,
                     changes={"start": roster.start})


# ---- swap and cover

def swap_request(*, actor, assignment: Assignment, kind: str, other: Person, other_assignment: Assignment | None = None,
                 reason: str = "") -> SwapRequest:
    """A member asks to hand their shift to a teammate (cover) or to trade it for one of theirs (swap)."""
    if getattr(actor, "person_id", None) != assignment.person_id:
        raise Forbidden(_("You can only ask about your own shifts."))
    if assignment.roster.status != Roster.Status.PUBLISHED:
        raise Conflict(_("This shift is no longer on the published roster."))
    if assignment.starts_at <= timezone.now():
        raise InvalidInput(_("This shift has already started."), field="assignment")
    if kind not in SwapRequest.Kind.values:
        raise InvalidInput(_("Unknown kind of request."), field="kind")
    if other.pk == assignment.person_id:
        raise InvalidInput(_("Choose somebody else."), field="other")
    if not TeamMember.objects.filter(post_id=assignment.post_id, person=other, active=True).exists():
        # No name here: the refusal must not tell the asker who a person id belongs to.
        raise InvalidInput(_("This person is not on this post's team."), field="other")
    if kind == SwapRequest.Kind.SWAP:
        if other_assignment is None or other_assignment.person_id != other.pk or other_assignment.post_id != assignment.post_id:
            raise InvalidInput(_("Choose one of their shifts at this post to trade for."), field="other_assignment")
    else:
        other_assignment = None
    if SwapRequest.objects.filter(assignment=assignment, status=SwapRequest.Status.OPEN).exists():
        raise Conflict(_("There is already an open request for this shift."))
    from muster.rosters import solving

    # Asked only if the roster's rules (fitness for duty among them) allow it, so the coordinator is not
    # handed a request that approval must refuse.
    if other_assignment is not None and other_assignment.starts_at <= timezone.now():
        raise InvalidInput(_("Their shift has already started."), field="other_assignment")
    moves = [(assignment, other)] + ([(other_assignment, assignment.person)] if other_assignment else [])
    dates = [a.date for a, _p in moves]
    problems = solving.ChangeCheck(assignment.post, min(dates), max(dates)).problems(moves)
    if problems:
        raise InvalidInput(problems[0], field="other_assignment" if other_assignment else "other",
                           errors=[{"message": p} for p in problems])
    with transaction.atomic(durable=True):
        req = SwapRequest.objects.create(assignment=assignment, kind=kind, requested_by=actor, other=other,
                                         other_assignment=other_assignment, reason=(reason or "")[:200])
        audit.record(actor=actor, action="roster.swap_request", obj=req, region=assignment.post.region,
                     changes={"kind": kind, "with": other.name})
    return req


def swap_decide(*, actor, request: SwapRequest, approve: bool, note: str = "") -> SwapRequest:
    """The coordinator approves (the roster changes, if it still meets every hard rule) or rejects."""
    from muster.rosters import solving

    post = request.assignment.post
    _manage(actor, post)
    problems: list[str] = []
    with transaction.atomic(durable=True):
        status = SwapRequest.Status.APPROVED if approve else SwapRequest.Status.REJECTED
        if approve:
            a = Assignment.objects.select_for_update().get(pk=request.assignment_id)
            moves = [(a, request.other)]
            if request.other_assignment_id:
                b = Assignment.objects.select_for_update().get(pk=request.other_assignment_id)
                moves.append((b, a.person))
            if any(m.starts_at <= timezone.now() for m, _p in moves):
                problems = [_("A shift of this request has already started.")]
            else:
                problems = solving.check_change(a.roster, moves)
            if problems:
                # The roster cannot take it: the request is refused with the reasons, so the members see
                # why instead of a request left waiting for ever.
                status, note = SwapRequest.Status.REJECTED, " ".join(str(p) for p in problems)
        n = SwapRequest.objects.filter(pk=request.pk, status=SwapRequest.Status.OPEN).update(
            status=status, decided_by=actor, decided_at=timezone.now(), decision_note=(note or "")[:200])
        if not n:
            raise Conflict(_("This request has already been decided."))
        if approve and not problems:
            for assignment, person in moves:
                Assignment.objects.filter(pk=assignment.pk).update(person=person)
        audit.record(actor=actor, action="roster.swap_decide", obj=request, region=post.region,
                     changes={"approved": approve and not problems, "note": note})
    if problems:
        raise InvalidInput(problems[0], field="approve", errors=[{"message": p} for p in problems])
    request.refresh_from_db()
    return request


def swap_cancel(*, actor, request: SwapRequest) -> None:
    if request.requested_by_id != actor.pk:
        raise Forbidden()
    with transaction.atomic(durable=True):
        if not SwapRequest.objects.filter(pk=request.pk, status=SwapRequest.Status.OPEN).update(status=SwapRequest.Status.CANCELLED):
            raise Conflict(_("This request has already been decided."))
        audit.record(actor=actor, action="roster.swap_cancel", obj=request, region=request.assignment.post.region)


# ---- duty log

def _current_assignment(post: Post, person: Person, at: dt.datetime) -> Assignment | None:
    """The shift the person keeps now: rostered to them, or one the coordinator recorded them standing in for."""
    return (Assignment.objects.filter(Q(person=person) | Q(checkins__person=person, checkins__method=CheckIn.Method.COORDINATOR),
                                      post=post, roster__status=Roster.Status.PUBLISHED,
                                      starts_at__lte=at + CHECKIN_EARLY, ends_at__gt=at)
            .order_by("starts_at").first())


def _minutes_left(assignment: Assignment, at: dt.datetime) -> int:
    """Minutes of the shift from `at` (or its start) to its end: what somebody who takes it over serves."""
    return max(0, int((assignment.ends_at - max(at, assignment.starts_at)).total_seconds() // 60))


def shift_duty(post: Post, assignment: Assignment | None, now: dt.datetime) -> fitness.Duty:
    """The rest of a shift (or, without one, the hour from now) as the fitness question sees it, with the post's minimum age."""
    start, end = (max(now, assignment.starts_at), assignment.ends_at) if assignment else (now, now + dt.timedelta(hours=1))
    return fitness.Duty.spanning(fitness.Kind.ROSTER, start, max(end, start + dt.timedelta(minutes=1)), min_age=post.min_age)


def checkin(*, actor, post: Post, method: str = CheckIn.Method.TAP, person: Person | None = None,
            assignment: Assignment | None = None) -> CheckIn:
    """Record somebody on duty now. A member checks themselves in; a coordinator may enter a stand-in for a shift."""
    now = timezone.now()
    if person is None or person.pk == getattr(actor, "person_id", None):
        if not getattr(actor, "person_id", None):
            raise Forbidden(_("Your account is not linked to a person in the registry."))
        person = actor.person
        if not TeamMember.objects.filter(post=post, person=person).exists() and not Scope.of(actor).covers(post.region, MANAGERS):
            raise Forbidden(_("You are not on this post's team."))
        assignment = _current_assignment(post, person, now)
        if assignment is None:
            raise InvalidInput(_("You have no shift at this post now."), field="post")
        entered = CheckIn.objects.filter(assignment=assignment, person=person, method=CheckIn.Method.COORDINATOR).first()
        if entered is not None:
            # The coordinator already put them on duty; their own scan confirms it rather than failing.
            return entered
    else:
        _manage(actor, post)
        method = CheckIn.Method.COORDINATOR
        if assignment is None or assignment.post_id != post.id:
            raise InvalidInput(_("Choose the shift the stand-in covered."), field="assignment")
    # Rostered while fit, unfit since (a recall, a contact flag, quarantine): not on duty.
    fitness.require_fit(person, shift_duty(post, assignment, now))
    stand_in = assignment is not None and person.pk != assignment.person_id
    # A stand-in serves from when they are put on duty, not from the rostered person's start; the
    # rostered person, if they had checked in, is credited up to the hand-over.
    minutes = (_minutes_left(assignment, now) if stand_in else assignment.minutes) if assignment else 0
    try:
        with transaction.atomic(durable=True):
            c = CheckIn.objects.create(post=post, assignment=assignment, person=person, at=now, method=method, minutes=minutes)
            if stand_in:
                for prior in CheckIn.objects.select_for_update().filter(assignment=assignment).exclude(pk=c.pk):
                    served = max(0, int((now - max(prior.at, assignment.starts_at)).total_seconds() // 60))
                    if served < prior.minutes:
                        CheckIn.objects.filter(pk=prior.pk).update(minutes=served)
            audit.record(actor=actor, action="duty.checkin", obj=post, region=post.region,
                         changes={"person": person.name, "method": method, "shift": str(assignment) if assignment else ""})
    except IntegrityError:
        raise Conflict(_("%(name)s is already checked in for this shift.") % {"name": person.name}) from None
    return c


def duty_note_add(*, actor, post: Post, text: str, kind: str = DutyNote.Kind.HANDOVER) -> DutyNote:
    """A hand-over note or an incident, by somebody on the team (or the coordinator)."""
    on_team = bool(getattr(actor, "person_id", None)) and TeamMember.objects.filter(post=post, person_id=actor.person_id).exists()
    if not on_team and not Scope.of(actor).covers(post.region, MANAGERS):
        raise Forbidden(_("You are not on this post's team."))
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise InvalidInput(_("Write the note (at most 2000 characters)."), field="text")
    if kind not in DutyNote.Kind.values:
        raise InvalidInput(_("Unknown kind of note."), field="kind")
    with transaction.atomic(durable=True):
        note = DutyNote.objects.create(post=post, author_id=getattr(actor, "person_id", None), by=actor, at=timezone.now(), kind=kind, text=text)
        audit.record(actor=actor, action="duty.note", obj=post, region=post.region, changes={"kind": kind})
    return note


def shift_missed_notify(*, assignment: Assignment, now: dt.datetime | None = None) -> bool:
    """Tell the post's coordinators, once, that nobody has checked in for a shift; False if already told (or checked in).

    A system action (the periodic job calls it): the claim is a conditional UPDATE so two
    workers, or a job run twice, tell nobody twice; the messages are queued in the same
    transaction, so a failure leaves the shift unclaimed for the next run.
    """
    now = now or timezone.now()
    post = assignment.post
    with transaction.atomic(durable=True):
        any_checkin = CheckIn.objects.filter(assignment=OuterRef("pk"))
        claimed = (Assignment.objects.filter(pk=assignment.pk, missed_notified_at__isnull=True)
                   .exclude(Exists(any_checkin)).update(missed_notified_at=now))
        if not claimed:
            return False
        leads = region_leads(post.region)
        audit.record(actor=None, action="duty.missed", obj=assignment, region=post.region,
                     object_repr=f"{post.name} {timezone.localtime(assignment.starts_at):%Y-%m-%d %H:%M}",
                     changes={"person": assignment.person.name, "told": [p.pk for p in leads]})
        with translation.override(settings.LANGUAGE_CODE):
            values = {"post": post.name, "name": assignment.person.name,
                      "start": f"{timezone.localtime(assignment.starts_at):%m-%d %H:%M}",
                      "end": f"{timezone.localtime(assignment.ends_at):%H:%M}"}
            subject = _("Missed shift at %(post)s: %(name)s") % values
            body = _("%(name)s has not checked in for the shift %(start)s–%(end)s at %(post)s. "
                     "Call them or find a stand-in.") % values
            url = reverse("rosters:missed")
        for person in leads:
            notifications.notify(person=person, subject=subject, body=body, url=url, event="duty.missed")
    assignment.missed_notified_at = now
    return True


def roster_solve_abandon(*, roster_id: int, now: dt.datetime | None = None) -> bool:
    """Mark a solve whose worker died as failed, so the coordinator can solve again; False if it ended meanwhile."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        # Conditional: a worker that was only slow and stores its roster now keeps its outcome.
        n = Roster.objects.filter(pk=roster_id, status=Roster.Status.SOLVING).update(
            status=Roster.Status.FAILED, finished_at=now,
            problems=[_("The background worker stopped during this solve. Nothing was changed: solve again.")])
        if n:
            roster = Roster.objects.select_related("post__site__region").get(pk=roster_id)
            audit.record(actor=None, action="roster.solve_abandoned", obj=roster, region=roster.post.site.region)
    return bool(n)
