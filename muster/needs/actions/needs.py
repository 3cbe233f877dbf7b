"""Writes to needs: post one (or a repeating series), edit it, pause, resume, cancel or close it, draw a new code."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit, purpose
from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.guards import check_date
from muster.core.transactions import atomic
from muster.geo.models import Region, Site
from muster.needs.audits import Audit
from muster.needs.models import Need, NeedRole, Report
from muster.needs.signals import need_status_changed
from muster.people.models import Organisation, Person, Skill

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are typed on phones
CODE_LENGTH = 6
# A need's code works from an hour before its start to two hours after its end
# (check-out), never on another day.
CHECKIN_OPENS = dt.timedelta(hours=1)
CHECKOUT_CLOSES = dt.timedelta(hours=2)
MAX_DURATION = dt.timedelta(hours=24)
MAX_OCCURRENCES = 60
MAX_HEADCOUNT = 10_000


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@dataclass
class NeedData:
    """Validated fields of a need: the same for a form, an API call and a deployment."""

    role: NeedRole
    region: Region
    start: dt.datetime
    end: dt.datetime
    headcount: int
    site: Site | None = None
    title: str = ""
    notes: str = ""
    skills: tuple[str, ...] = ()
    affiliation_kinds: tuple[str, ...] = ()
    urgency: str = Need.Urgency.NORMAL
    recurrence: str = Need.Recurrence.NONE
    occurrences: int = 1
    extra: dict = field(default_factory=dict)


def _check_region(actor, region: Region | None, site: Site | None) -> Region:
    if site is not None:
        if region is not None and site.region_id != region.id:
            raise InvalidInput(_("The site is not in the chosen community."), field="site")
        region = site.region
    if region is None:
        raise InvalidInput(_("Choose a community or a site."), field="region")
    if region.level != Region.Level.COMMUNITY:
        raise InvalidInput(_("A need belongs to a community or village."), field="region")
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("You can only post needs in your own region."), field="region")
    return region


def clean_need(actor, data: NeedData, *, existing: Need | None = None,
               max_duration: dt.timedelta = MAX_DURATION) -> tuple[dict, list[Skill]]:
    """Validate a NeedData; raise InvalidInput naming the field at fault."""
    region = _check_region(actor, data.region, data.site)
    if data.role is None or not data.role.active:
        raise InvalidInput(_("Choose a role from the catalogue."), field="role")
    start, end = data.start, data.end
    if start is None or end is None or timezone.is_naive(start) or timezone.is_naive(end):
        raise InvalidInput(_("Give a start and an end time."), field="start")
    # Year 9999 used to be accepted, and confirming any dispatch containing it then overflowed.
    check_date(start, "start")
    check_date(end, "end")
    if end <= start:
        raise InvalidInput(_("The end must be after the start."), field="end")
    if end - start > max_duration:
        raise InvalidInput(_("One need lasts at most 24 hours; use a repeating need for longer."), field="end")
    if existing is None and end <= timezone.now():
        raise InvalidInput(_("This time is already over."), field="end")
    if not isinstance(data.headcount, int) or isinstance(data.headcount, bool) or not 1 <= data.headcount <= MAX_HEADCOUNT:
        raise InvalidInput(_("The number of people must be between 1 and %(max)d.") % {"max": MAX_HEADCOUNT},
                           field="headcount")
    if existing is not None and data.headcount < existing.accepted_count:
        raise InvalidInput(_("%(n)d people are already accepted; release some before lowering the number.")
                           % {"n": existing.accepted_count}, field="headcount")
    if data.urgency not in Need.Urgency.values:
        raise InvalidInput(_("Unknown urgency."), field="urgency")
    if data.recurrence not in Need.Recurrence.values:
        raise InvalidInput(_("Unknown repetition."), field="recurrence")
    if not 1 <= data.occurrences <= MAX_OCCURRENCES:
        raise InvalidInput(_("A need repeats at most %(n)d times.") % {"n": MAX_OCCURRENCES}, field="occurrences")
    bad_kinds = [k for k in data.affiliation_kinds if k not in Organisation.Kind.values]
    if bad_kinds:
        raise InvalidInput(_("Unknown affiliation: %(k)s") % {"k": ", ".join(bad_kinds)}, field="affiliation_kinds")
    skills: list[Skill] = []
    if data.skills:
        known = {s.code: s for s in Skill.objects.filter(code__in=data.skills)}
        missing = [c for c in data.skills if c not in known]
        if missing:
            raise InvalidInput(_("Unknown skill: %(codes)s") % {"codes": ", ".join(missing)}, field="skills")
        skills = list(known.values())
    title, notes = (data.title or "").strip(), (data.notes or "").strip()
    if len(title) > 120:
        raise InvalidInput(_("The title has at most 120 characters."), field="title")
    if len(notes) > 2000:
        raise InvalidInput(_("The notes have at most 2000 characters."), field="notes")
    fields = {"region": region, "site": data.site, "role": data.role, "title": title, "notes": notes, "start": start,
              "end": end, "headcount": data.headcount, "urgency": data.urgency,
              "affiliation_kinds": sorted(set(data.affiliation_kinds))}
    return fields, skills


def create_need(fields: dict, skills: list[Skill], **extra) -> Need:
    """The row of a need cleaned by `clean_need`, with a fresh check-in code; for actions (no audit here)."""
    for _attempt in range(5):
        try:
            with atomic():
                need = Need.objects.create(**{"emergency_id": purpose.emergency_for(fields["region"]), **fields, **extra},
                                           checkin_code=new_code())
                break
        except IntegrityError:
            continue  # a code collision (1 in ~900 million per pair): draw again
    else:  # pragma: no cover
        raise Conflict(_("Could not allocate a check-in code; try again."))
    if skills:
        need.skills.set(skills)
    return need


def need_post(*, actor, data: NeedData) -> list[Need]:
    """Post a need (or a repeating series of them) in a community of the actor's region."""
    fields, skills = clean_need(actor, data)
    step = {Need.Recurrence.DAILY: dt.timedelta(days=1), Need.Recurrence.WEEKLY: dt.timedelta(days=7)}.get(data.recurrence)
    count = data.occurrences if step else 1
    series = uuid.uuid4() if count > 1 else None
    with atomic():
        needs = []
        for i in range(count):
            f = {**fields, "start": fields["start"] + i * step if step else fields["start"],
                 "end": fields["end"] + i * step if step else fields["end"]}
            needs.append(create_need(f, skills, recurrence=data.recurrence if step else "", series=series,
                                      posted_by=actor, **data.extra))
        first = needs[0]
        audit.record(actor=actor, action=Audit.NEED_POST, obj=first, region=first.region,
                     changes={"role": first.role.code, "headcount": first.headcount, "start": first.start,
                              "end": first.end, "skills": [s.code for s in skills], "occurrences": count,
                              "site": first.site_id, "urgency": first.urgency})
    return needs


def manage(actor, need: Need) -> None:
    """Refuse (as not found) unless the actor coordinates the need's region."""
    if not Scope.of(actor).covers(need.region, MANAGERS):
        raise NotFound()


def need_update(*, actor, need: Need, data: NeedData) -> Need:
    """Change a need's details (not its series); audited field by field."""
    manage(actor, need)
    if need.status in (Need.Status.CANCELLED, Need.Status.CLOSED):
        raise Conflict(_("A cancelled or closed need cannot be edited."))
    fields, skills = clean_need(actor, data, existing=need,
                                max_duration=dt.timedelta(days=90) if need.deployment_id else MAX_DURATION)
    with atomic():
        locked = Need.objects.select_for_update().get(pk=need.pk)
        if fields["headcount"] < locked.accepted_count:
            raise InvalidInput(_("%(n)d people are already accepted; release some before lowering the number.")
                               % {"n": locked.accepted_count}, field="headcount")
        changed = audit.diff(need, fields)
        for key in ("region", "site", "role"):
            if key in changed:
                changed[key] = [str(v) if v is not None else None for v in changed[key]]
        if changed:
            need.save(update_fields=[*changed, "updated_at"])
        old_skills = sorted(need.skills.values_list("code", flat=True))
        new_skills = sorted(s.code for s in skills)
        if old_skills != new_skills:
            need.skills.set(skills)
            changed["skills"] = [old_skills, new_skills]
        if changed:
            audit.record(actor=actor, action=Audit.NEED_UPDATE, obj=need, region=need.region, changes=changed)
        if {"start", "end", "site"} & set(changed):
            # The people already accepted planned their day around the old time and place: tell them.
            accepted = Report.objects.filter(need=need, status=Report.Status.ACCEPTED).select_related("person")
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Changed: %(need)s") % {"need": need}
                body = _("The time or place has changed: now %(when)s. If you cannot come, withdraw your report.") % {"when": when(need)}
            for r in accepted:
                tell(r.person, subject, body, need, "need.update")
    return need


# verb -> (statuses it may start from, the status it sets, what the audit trail calls it)
_FLIPS = {
    "pause": ((Need.Status.OPEN,), Need.Status.PAUSED, Audit.NEED_PAUSE),
    "resume": ((Need.Status.PAUSED,), Need.Status.OPEN, Audit.NEED_RESUME),
    "cancel": ((Need.Status.OPEN, Need.Status.PAUSED), Need.Status.CANCELLED, Audit.NEED_CANCEL),
    "close": ((Need.Status.OPEN, Need.Status.PAUSED), Need.Status.CLOSED, Audit.NEED_CLOSE),
}


def need_set_status(*, actor, need: Need, verb: str, reason: str = "") -> Need:
    """Pause, resume, cancel or close a need. Cancelling withdraws its live reports and tells the people."""
    manage(actor, need)
    if verb not in _FLIPS:
        raise InvalidInput(_("Unknown action."), field="action")
    sources, target, event = _FLIPS[verb]
    reason = (reason or "").strip()[:200]
    if verb == "cancel" and not reason:
        raise InvalidInput(_("Say why the need is cancelled; the people who reported will be told."), field="reason")
    with atomic():
        if not Need.objects.filter(pk=need.pk, status__in=sources).update(status=target, updated_at=timezone.now()):
            raise Conflict(_("This need is %(status)s; it cannot be changed that way.") % {"status": need.get_status_display()})
        old = need.status
        need.status = target
        told: list[Person] = []
        if verb == "cancel":
            live = list(Report.objects.filter(need=need, status__in=Report.ACTIVE).select_related("person"))
            Report.objects.filter(pk__in=[r.pk for r in live]).update(status=Report.Status.WITHDRAWN, reason=reason,
                                                                     decided_by=actor, updated_at=timezone.now())
            Need.objects.filter(pk=need.pk).update(accepted_count=0)
            told = [r.person for r in live]
        audit.record(actor=actor, action=event, obj=need, region=need.region,
                     changes={"status": [old, target], **({"reason": reason} if reason else {})})
        for person in told:
            tell(person, _("Cancelled: %(need)s") % {"need": need}, reason, need, "need.cancel")
        # Work published from the need elsewhere (a volunteer project) follows it, in this transaction.
        need_status_changed.send(sender=Need, need=need, actor=actor, verb=verb, reason=reason)
    return need




def tell(person: Person, subject: str, body: str, need: Need, event: str) -> None:
    from muster.notifications.actions import notify

    with translation.override(settings.LANGUAGE_CODE):
        notify(person=person, subject=str(subject), body=str(body), event=event, url=reverse("needs:mine"))


def when(need: Need) -> str:
    start = timezone.localtime(need.start)
    return f"{start:%m-%d %H:%M}–{timezone.localtime(need.end):%H:%M} {need.place}"




def checkin_code_rotate(*, actor, need: Need) -> Need:
    """Draw a new code (e.g. after a printed sheet went astray); the old one stops working."""
    manage(actor, need)
    with atomic():
        for _attempt in range(5):
            code = new_code()
            if not Need.objects.filter(checkin_code=code).exists():
                break
        Need.objects.filter(pk=need.pk).update(checkin_code=code)
        need.checkin_code = code
        audit.record(actor=actor, action=Audit.NEED_ROTATE_CODE, obj=need, region=need.region)
    return need
