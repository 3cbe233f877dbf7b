"""Every write to needs and reports. Each one checked, audited, and in one transaction.

Places are claimed with a conditional UPDATE on `Need.accepted_count` (plus a
check constraint), so two coordinators accepting at the same instant can never
overfill a need; a person's row is locked while their commitments are checked
so that they cannot be double-booked by two concurrent writes either.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.guards import check_date
from muster.core.transactions import atomic
from muster.geo.models import Region, Site
from muster.needs.models import Need, NeedRole, Report
from muster.people import fitness
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


# --- needs -----------------------------------------------------------------------------------


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


def _create_need(fields: dict, skills: list[Skill], **extra) -> Need:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                need = Need.objects.create(**fields, **extra, checkin_code=new_code())
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
            needs.append(_create_need(f, skills, recurrence=data.recurrence if step else "", series=series,
                                      posted_by=actor, **data.extra))
        first = needs[0]
        audit.record(actor=actor, action="need.post", obj=first, region=first.region,
                     changes={"role": first.role.code, "headcount": first.headcount, "start": first.start,
                              "end": first.end, "skills": [s.code for s in skills], "occurrences": count,
                              "site": first.site_id, "urgency": first.urgency})
    return needs


def _manage(actor, need: Need) -> None:
    if not Scope.of(actor).covers(need.region, MANAGERS):
        raise NotFound()


def need_update(*, actor, need: Need, data: NeedData) -> Need:
    """Change a need's details (not its series); audited field by field."""
    _manage(actor, need)
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
            audit.record(actor=actor, action="need.update", obj=need, region=need.region, changes=changed)
        if {"start", "end", "site"} & set(changed):
            # The people already accepted planned their day around the old time and place: tell them.
            accepted = Report.objects.filter(need=need, status=Report.Status.ACCEPTED).select_related("person")
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Changed: %(need)s") % {"need": need}
                body = _("The time or place has changed: now %(when)s. If you cannot come, withdraw your report.") % {"when": _when(need)}
            for r in accepted:
                _tell(r.person, subject, body, need, "need.update")
    return need


_FLIPS = {
    "pause": ((Need.Status.OPEN,), Need.Status.PAUSED),
    "resume": ((Need.Status.PAUSED,), Need.Status.OPEN),
    "cancel": ((Need.Status.OPEN, Need.Status.PAUSED), Need.Status.CANCELLED),
    "close": ((Need.Status.OPEN, Need.Status.PAUSED), Need.Status.CLOSED),
}


def need_set_status(*, actor, need: Need, verb: str, reason: str = "") -> Need:
    """Pause, resume, cancel or close a need. Cancelling withdraws its live reports and tells the people."""
    _manage(actor, need)
    if verb not in _FLIPS:
        raise InvalidInput(_("Unknown action."), field="action")
    sources, target = _FLIPS[verb]
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
        audit.record(actor=actor, action=f"need.{verb}", obj=need, region=need.region,
                     changes={"status": [old, target], **({"reason": reason} if reason else {})})
        for person in told:
            _tell(person, _("Cancelled: %(need)s") % {"need": need}, reason, need, "need.cancel")
    return need


# --- reports ---------------------------------------------------------------------------------


def _tell(person: Person, subject: str, body: str, need: Need, event: str) -> None:
    from muster.notifications.actions import notify

    with translation.override(settings.LANGUAGE_CODE):
        notify(person=person, subject=str(subject), body=str(body), event=event, url=reverse("needs:mine"))


def _when(need: Need) -> str:
    start = timezone.localtime(need.start)
    return f"{start:%m-%d %H:%M}–{timezone.localtime(need.end):%H:%M} {need.place}"


def person_meets(person: Person, need: Need) -> str | None:
    """Why the person does not qualify for the need, or None."""
    wanted = {s.code for s in need.skills.all()}
    if wanted:
        held = {s.code for s in person.skills.all()}
        missing = wanted - held
        if missing:
            names = [s.label for s in need.skills.all() if s.code in missing]
            return _("This need asks for: %(skills)s.") % {"skills": "、".join(names)}
    if need.affiliation_kinds:
        kinds = set(person.affiliations.values_list("organisation__kind", flat=True))
        if not kinds & set(need.affiliation_kinds):
            labels = [str(Organisation.Kind(k).label) for k in need.affiliation_kinds]
            return _("This need is for members of: %(kinds)s.") % {"kinds": "、".join(labels)}
    return None


def _check_free(person: Person, need: Need, *, exclude: int | None = None) -> None:
    """Refuse a commitment that overlaps another live one of the same person (the caller holds the person's lock)."""
    clash = (Report.objects.filter(person=person, status__in=Report.ACTIVE, need__start__lt=need.end, need__end__gt=need.start)
             .exclude(need__status__in=[Need.Status.CANCELLED, Need.Status.CLOSED]).exclude(pk=exclude)
             .select_related("need", "need__role", "need__region", "need__site").first())
    if clash is not None:
        raise Conflict(_("%(name)s is already committed at that time: %(other)s.")
                       % {"name": person.name, "other": f"{clash.need} {_when(clash.need)}"}, field="person")


def report_create(*, actor, need: Need, person: Person | None = None, note: str = "", accept: bool = False,
                  source: str = Report.Source.SELF) -> Report:
    """Report to a need: a person for themself, or a coordinator for someone in their region (optionally accepted at once)."""
    scope = Scope.of(actor)
    if person is None:
        if not actor.person_id:
            raise Forbidden(_("Your account is not linked to a person, so it cannot report."))
        person = actor.person
    elif person.pk != actor.person_id:
        # Dispatched cadres may live outside the region they are sent to; everyone else must be in it.
        person_ok = source == Report.Source.DISPATCH or scope.covers(person.region, MANAGERS)
        if not scope.covers(need.region, MANAGERS) or not person_ok:
            raise Forbidden(_("You can only add people of your region to needs of your region."))
        source = source if source != Report.Source.SELF else Report.Source.COORDINATOR
    if need.status != Need.Status.OPEN:
        raise Conflict(_("This need is not open for reports."), field="need")
    if need.end <= timezone.now():
        raise Conflict(_("This need is already over."), field="need")
    if accept and not scope.covers(need.region, MANAGERS):
        raise Forbidden()
    why = person_meets(person, need)
    if why:
        raise InvalidInput(why, field="person")
    # Nobody in quarantine, under a recall, flagged as a contact or under the role's age is sent.
    fitness.require_fit(person, need.duty)
    note = (note or "").strip()[:200]
    with atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if Report.objects.filter(need=need, person=person).exclude(
                status__in=[Report.Status.WITHDRAWN, Report.Status.DECLINED]).exists():
            raise Conflict(_("%(name)s has already reported to this need.") % {"name": person.name}, field="person")
        _check_free(person, need)
        try:
            with transaction.atomic():
                report = Report.objects.create(need=need, person=person, note=note, source=source, created_by=actor)
        except IntegrityError:
            raise Conflict(_("%(name)s has already reported to this need.") % {"name": person.name}, field="person") from None
        audit.record(actor=actor, action="report.create", obj=report, region=need.region,
                     changes={"need": need.pk, "person": person.pk, "source": source})
        if accept:
            _accept(actor, report, need)
    return report


def _accept(actor, report: Report, need: Need) -> None:
    # The claim: succeeds only while a place is free, atomically in the database.
    if not Need.objects.filter(pk=need.pk, status=Need.Status.OPEN, accepted_count__lt=F("headcount")).update(
            accepted_count=F("accepted_count") + 1):
        raise Conflict(_("All %(n)d places of this need are taken.") % {"n": need.headcount}, field="need")
    if not Report.objects.filter(pk=report.pk, status=Report.Status.REPORTED).update(
            status=Report.Status.ACCEPTED, decided_by=actor, updated_at=timezone.now()):
        raise Conflict(_("This report is no longer waiting for a decision."))
    report.status = Report.Status.ACCEPTED
    need.accepted_count = Need.objects.filter(pk=need.pk).values_list("accepted_count", flat=True)[0]
    audit.record(actor=actor, action="report.accept", obj=report, region=need.region,
                 changes={"status": [Report.Status.REPORTED, Report.Status.ACCEPTED], "need": need.pk})
    _tell(report.person, _("Accepted: %(need)s") % {"need": need}, _when(need), need, "report.accept")


def _report_for_manager(actor, report: Report) -> Need:
    need = report.need
    _manage(actor, need)
    return need


def report_accept(*, actor, report: Report) -> Report:
    """Give a reported person one of the need's places; never more than the need asks for.

    Refused (fitness.Unfit, code "unfit", with the reason) when the person may not be sent:
    they may have become unfit since they reported.
    """
    need = _report_for_manager(actor, report)
    with atomic():
        Person.objects.select_for_update().filter(pk=report.person_id).first()
        fitness.require_fit(report.person, need.duty)
        _check_free(report.person, need, exclude=report.pk)
        _accept(actor, report, need)
    return report


def report_decline(*, actor, report: Report, reason: str = "") -> Report:
    """Say no to a report, or release an accepted person (their place opens again)."""
    need = _report_for_manager(actor, report)
    reason = (reason or "").strip()[:200]
    with atomic():
        old = report.status
        if not Report.objects.filter(pk=report.pk, status__in=[Report.Status.REPORTED, Report.Status.ACCEPTED]).update(
                status=Report.Status.DECLINED, reason=reason, decided_by=actor, updated_at=timezone.now()):
            raise Conflict(_("Only a waiting or accepted report can be declined."))
        if old == Report.Status.ACCEPTED:
            Need.objects.filter(pk=need.pk).update(accepted_count=F("accepted_count") - 1)
        report.status = Report.Status.DECLINED
        audit.record(actor=actor, action="report.decline", obj=report, region=need.region,
                     changes={"status": [old, report.status], "reason": reason})
        _tell(report.person, _("Not needed this time: %(need)s") % {"need": need}, reason, need, "report.decline")
    return report


def report_withdraw(*, actor, report: Report, reason: str) -> Report:
    """A person pulls out of a commitment, saying why; an accepted place opens again."""
    if report.person_id != actor.person_id:
        raise NotFound()
    reason = (reason or "").strip()[:200]
    if not reason:
        raise InvalidInput(_("Say why you withdraw, so the coordinator can plan."), field="reason")
    with atomic():
        old = report.status
        if not Report.objects.filter(pk=report.pk, status__in=[Report.Status.REPORTED, Report.Status.ACCEPTED]).update(
                status=Report.Status.WITHDRAWN, reason=reason, updated_at=timezone.now()):
            raise Conflict(_("Only a waiting or accepted report can be withdrawn."))
        if old == Report.Status.ACCEPTED:
            Need.objects.filter(pk=report.need_id).update(accepted_count=F("accepted_count") - 1)
        report.status = Report.Status.WITHDRAWN
        audit.record(actor=actor, action="report.withdraw", obj=report, region=report.need.region,
                     changes={"status": [old, report.status], "reason": reason})
    return report


def report_no_show(*, actor, report: Report) -> Report:
    """Mark an accepted person who never came (only once the need has started)."""
    need = _report_for_manager(actor, report)
    if timezone.now() < need.start:
        raise Conflict(_("The need has not started yet."))
    with atomic():
        if not Report.objects.filter(pk=report.pk, status=Report.Status.ACCEPTED).update(
                status=Report.Status.NO_SHOW, decided_by=actor, updated_at=timezone.now()):
            raise Conflict(_("Only an accepted report can be marked as a no-show."))
        report.status = Report.Status.NO_SHOW
        audit.record(actor=actor, action="report.no_show", obj=report, region=need.region)
    return report


def hours_between(a: dt.datetime, b: dt.datetime) -> Decimal:
    return (Decimal((b - a).total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class CheckResult:
    report: Report
    action: str  # "in" or "out"


def need_by_code(code: str) -> Need:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        raise InvalidInput(_("A check-in code has %(n)d letters and digits.") % {"n": CODE_LENGTH}, field="code")
    need = Need.objects.select_related("region", "site", "role").filter(checkin_code=code).first()
    if need is None:
        raise InvalidInput(_("No need has this code. Check the letters and try again."), field="code")
    return need


def check_in_or_out(*, actor, code: str, now: dt.datetime | None = None) -> CheckResult:
    """Scan or type a need's code: the first time checks in, the second checks out and records the hours.

    Refused when the code is unknown, outside its time, or for a need the person was not accepted for.
    """
    now = now or timezone.now()
    if not actor.person_id:
        raise Forbidden(_("Your account is not linked to a person, so it cannot check in."))
    need = need_by_code(code)
    if now < need.start - CHECKIN_OPENS:
        raise InvalidInput(_("Check-in opens at %(t)s.") % {"t": f"{timezone.localtime(need.start - CHECKIN_OPENS):%m-%d %H:%M}"},
                           field="code")
    if now > need.end + CHECKOUT_CLOSES or need.status in (Need.Status.CANCELLED, Need.Status.CLOSED):
        raise InvalidInput(_("This code has expired."), field="code")
    report = (Report.objects.filter(need=need, person_id=actor.person_id, status__in=[
        Report.Status.ACCEPTED, Report.Status.CHECKED_IN, Report.Status.COMPLETED]).select_related("need", "person").first())
    if report is None:
        raise Forbidden(_("You are not accepted for this need, so this code is not yours to use."), field="code")
    with atomic():
        if report.status == Report.Status.ACCEPTED:
            if now > need.end:
                raise InvalidInput(_("This code has expired."), field="code")
            # Accepted while fit, unfit since (a recall, a contact flag): not on duty today.
            fitness.require_fit(report.person, fitness.Duty.spanning(fitness.Kind.NEED, max(now, need.start), need.end,
                                                                     min_age=need.role.min_age))
            if not Report.objects.filter(pk=report.pk, status=Report.Status.ACCEPTED).update(
                    status=Report.Status.CHECKED_IN, checked_in_at=now, updated_at=now):
                raise Conflict(_("You are already checked in."))
            report.status, report.checked_in_at, action = Report.Status.CHECKED_IN, now, "in"
        elif report.status == Report.Status.CHECKED_IN:
            hours = hours_between(report.checked_in_at, now)
            if not Report.objects.filter(pk=report.pk, status=Report.Status.CHECKED_IN).update(
                    status=Report.Status.COMPLETED, checked_out_at=now, hours=hours, updated_at=now):
                raise Conflict(_("You are already checked out."))
            report.status, report.checked_out_at, report.hours, action = Report.Status.COMPLETED, now, hours, "out"
        else:
            raise Conflict(_("You have already checked out of this need."), field="code")
        audit.record(actor=actor, action=f"report.check_{action}", obj=report, region=need.region,
                     changes={"at": now, **({"hours": str(report.hours)} if action == "out" else {})})
    return CheckResult(report=report, action=action)


def checkin_code_rotate(*, actor, need: Need) -> Need:
    """Draw a new code (e.g. after a printed sheet went astray); the old one stops working."""
    _manage(actor, need)
    with atomic():
        for _attempt in range(5):
            code = new_code()
            if not Need.objects.filter(checkin_code=code).exists():
                break
        Need.objects.filter(pk=need.pk).update(checkin_code=code)
        need.checkin_code = code
        audit.record(actor=actor, action="need.rotate_code", obj=need, region=need.region)
    return need
