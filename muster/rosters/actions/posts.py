"""Writes to posts: the post and its rules, its cover requirement and exceptions, its team and their absences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit, purpose
from muster.core.errors import Conflict, InvalidInput, NotFound
from muster.core.transactions import atomic
from muster.geo.models import Site
from muster.people.models import Person, Skill
from muster.rosters.actions.common import manage, weekday_name
from muster.rosters.audits import Audit
from muster.rosters.models import Absence, Band, CoverException, Post, TeamMember, band_minutes

WEEK = 7 * 24 * 60


RULE_FIELDS = ("fever_threshold", "max_hours_day", "max_hours_week", "min_rest_hours", "max_consecutive_days",
               "max_consecutive_nights", "night_age_limit", "night_mix_age", "fair_nights", "fair_weekends", "keep_pairs",
               "change_weight", "solve_seconds", "min_age")


def post_create(*, actor, site: Site, name: str, kind: str = Post.Kind.TENT, **rules) -> Post:
    """A new post at a site of the actor's community."""
    manage(actor, site)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput(_("The name is required and has at most 80 characters."), field="name")
    if kind not in Post.Kind.values:
        raise InvalidInput(_("Unknown kind of post."), field="kind")
    post = Post(site=site, region=site.region, name=name, kind=kind, emergency_id=purpose.emergency_for(site.region))
    _apply_rules(post, rules)
    try:
        with atomic():
            post.save()
            audit.record(actor=actor, action=Audit.POST_CREATE, obj=post, region=post.region, changes={"site": site.name})
    except IntegrityError:
        raise Conflict(_("This site already has a post with this name."), field="name") from None
    return post


def _apply_rules(post: Post, rules: dict) -> dict:

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
    manage(actor, post)
    with atomic():
        changed = _apply_rules(post, rules)
        if changed:
            post.save(update_fields=list(changed))
            audit.record(actor=actor, action=Audit.POST_RULES, obj=post, region=post.region, changes=changed)
    return post


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
    manage(actor, post)
    errors = _band_errors(bands)
    if errors:
        raise InvalidInput(errors[0]["message"], field="bands", errors=errors)
    skills = {s.code: s for s in Skill.objects.filter(code__in={b.skill for b in bands if b.skill})}
    with atomic():
        old = sorted(str(b) for b in post.bands.all())
        post.bands.all().delete()
        rows = Band.objects.bulk_create([
            Band(post=post, weekday=b.weekday, line=b.line, start=b.start, end=b.end, required=b.required,
                 skill=skills.get(b.skill), skill_count=b.skill_count if b.skill else 0) for b in bands])
        audit.record(actor=actor, action=Audit.POST_COVER, obj=post, region=post.region,
                     changes={"old": old, "new": sorted(f"{weekday_name(b.weekday)} {b.line} {b.start:%H:%M}-{b.end:%H:%M} x{b.required}"
                                                        for b in bands)})
    return rows


def exception_add(*, actor, post: Post, date: dt.date, required: int, band: Band | None = None, note: str = "") -> CoverException:
    """A date on which the post needs a different number of people (0 closes the band or the day)."""
    manage(actor, post)
    if band is not None and band.post_id != post.id:
        raise InvalidInput(_("This band belongs to another post."), field="band")
    if not 0 <= required <= 50:
        raise InvalidInput(_("The number of people must be between 0 and 50."), field="required")
    if band is not None and band.weekday != date.weekday():
        raise InvalidInput(_("This band is not on that weekday."), field="band")
    with atomic():
        ex = CoverException.objects.create(post=post, date=date, band=band, required=required, note=(note or "")[:120])
        audit.record(actor=actor, action=Audit.POST_EXCEPTION, obj=post, region=post.region,
                     changes={"date": date, "band": str(band) if band else "", "required": required})
    return ex


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
    manage(actor, post)
    if not Scope.of(actor).covers(person.region, MANAGERS):
        raise NotFound(_("No such person in your region."))
    fields = _clean_member(post, person, data or MemberData())
    try:
        with atomic():
            m = TeamMember.objects.create(post=post, person=person, **fields)
            audit.record(actor=actor, action=Audit.POST_TEAM_ADD, obj=post, region=post.region, changes={"person": person.name})
    except IntegrityError:
        raise Conflict(_("%(name)s is already on this team.") % {"name": person.name}, field="person") from None
    return m


def team_update(*, actor, member: TeamMember, data: MemberData) -> TeamMember:
    manage(actor, member.post)
    fields = _clean_member(member.post, member.person, data)
    with atomic():
        changed = audit.diff(member, fields)
        if changed:
            member.save(update_fields=list(changed))
            audit.record(actor=actor, action=Audit.POST_TEAM_UPDATE, obj=member.post, region=member.post.region,
                         changes={"person": member.person.name, **changed})
    return member


def absence_add(*, actor, member: TeamMember, start: dt.date, end: dt.date, note: str = "") -> Absence:
    """Days a team member cannot do (the coordinator enters them, or the member for themselves)."""
    own = getattr(actor, "person_id", None) == member.person_id
    if not own:
        manage(actor, member.post)
    if end < start:
        raise InvalidInput(_("The last day is before the first."), field="end")
    if (end - start).days > 366:
        raise InvalidInput(_("An absence can be at most a year long."), field="end")
    with atomic():
        a = Absence.objects.create(member=member, start=start, end=end, note=(note or "")[:120])
        audit.record(actor=actor, action=Audit.POST_ABSENCE, obj=member.post, region=member.post.region,
                     changes={"person": member.person.name, "from": start, "to": end})
    return a
