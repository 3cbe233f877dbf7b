"""Attendance and the hours ledger: sign in and out by the session's code, its QR or the volunteer's personal
code scanned by the leader; back-filled hours; no-shows; every ledger line, made once (see `ledger`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.people.models import Person
from muster.volunteering import ledger
from muster.volunteering.actions.core import may_manage_project
from muster.volunteering.actions.insurance import insurance_require
from muster.volunteering.audits import Audit
from muster.volunteering.models import CREDIT_SHARE, Attendance, ServiceRecord, Session, Signup

# --- attendance and the hours ledger --------------------------------------------------------

ARRIVE_EARLY = dt.timedelta(minutes=30)  # sign-in opens this long before the start
LEAVE_LATE = dt.timedelta(hours=1)  # and sign-out closes this long after the end


@dataclass
class Scan:
    action: str  # "in" or "out"
    attendance: Attendance
    record: ServiceRecord | None = None


def attendance_scan(*, actor, code: str, now: dt.datetime | None = None) -> Scan:
    """Sign in (first entry of the session's 6-digit code, typed or from its QR) or out (second). At sign-out the
    hours served are the part of the session covered; they are credited, as one ledger record, only if at least
    CREDIT_SHARE of the session was covered. Captured hours are never edited afterwards."""
    now = now or timezone.now()
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        raise InvalidInput(_("The session code has 6 digits."), field="code")
    person_id = getattr(actor, "person_id", None)
    if not person_id:
        raise InvalidInput(_("Register as a volunteer before signing up."), field="code", code="not_registered")
    signup = (Signup.objects.select_related(*_RELATED)
              .filter(person_id=person_id, session__code=code, status=Signup.Status.CONFIRMED,
                      session__starts_at__lte=now + ARRIVE_EARLY, session__ends_at__gte=now - LEAVE_LATE).first())
    if signup is None:
        raise Conflict(_("No confirmed sign-up of yours for a session with this code at this time."), field="code",
                       code="no_session")
    return _attend(actor, signup, now, Attendance.Method.CODE)


_RELATED = ("session__project__region", "session__project__team", "session__project__site",
            "session__project__created_by", "person")
PERSONAL_SALT = "volunteering.personal-code"


def personal_code(person: Person) -> str:
    """The code on a volunteer's own page that a leader scans to sign them in or out; signed, so it cannot be
    made up from a person's number."""
    return signing.Signer(salt=PERSONAL_SALT).sign(f"V{person.pk}")


def attendance_scan_person(*, actor, session: Session, personal: str, now: dt.datetime | None = None) -> Scan:
    """The leader scans a volunteer's personal code for this session: sign in, or out, as with the session code."""
    now = now or timezone.now()
    _require_leader(actor, session.project)
    try:
        value = signing.Signer(salt=PERSONAL_SALT).unsign("".join((personal or "").split()))
    except signing.BadSignature:
        raise InvalidInput(_("This is not a volunteer's personal code."), field="personal") from None
    if not value.startswith("V") or not value[1:].isdigit():
        raise InvalidInput(_("This is not a volunteer's personal code."), field="personal")
    signup = (Signup.objects.select_related(*_RELATED)
              .filter(person_id=int(value[1:]), session=session, status=Signup.Status.CONFIRMED).first())
    if signup is None:
        raise Conflict(_("This volunteer has no confirmed sign-up for this session."), field="personal", code="not_signed_up")
    if not (session.starts_at - ARRIVE_EARLY <= now <= session.ends_at + LEAVE_LATE):
        raise Conflict(_("Attendance is taken from 30 minutes before the session until an hour after it."),
                       field="personal", code="outside_time")
    return _attend(actor, signup, now, Attendance.Method.LEADER)


def _attend(actor, signup: Signup, now: dt.datetime, method: str) -> Scan:
    session = signup.session
    with atomic():
        att = Attendance.objects.select_for_update().filter(signup=signup).first()
        if att is None:
            if now > session.ends_at:
                raise Conflict(_("This session is over: sign-in is closed."), field="code", code="over")
            insurance_require(signup)
            att = Attendance.objects.create(signup=signup, signed_in_at=now, method=method)
            audit.record(actor=actor, action=Audit.ATTENDANCE_IN, obj=session.project, region=session.project.region,
                         changes={"session": session.pk, "person": signup.person.name, "method": method})
            return Scan(action="in", attendance=att)
        if att.signed_out_at is not None or att.signed_in_at is None:
            raise Conflict(_("You have already signed out of this session."), field="code", code="done")
        served = min(now, session.ends_at) - max(att.signed_in_at, session.starts_at)
        length = session.ends_at - session.starts_at
        seconds = max(0.0, served.total_seconds())
        att.signed_out_at = now
        att.hours = (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))
        att.credited = seconds >= CREDIT_SHARE * length.total_seconds() and att.hours > 0
        att.save(update_fields=["signed_out_at", "hours", "credited"])
        record = None
        if att.credited:
            record = _ledger_add(_served(signup, start=max(att.signed_in_at, session.starts_at),
                                         end=min(now, session.ends_at), hours=att.hours), origin="volunteering")
        audit.record(actor=actor, action=Audit.ATTENDANCE_OUT, obj=session.project, region=session.project.region,
                     changes={"session": session.pk, "hours": str(att.hours), "credited": att.credited})
    return Scan(action="out", attendance=att, record=record)


def _served(signup: Signup, *, start, end, hours: Decimal, key: str = "session") -> ledger.Served:
    session = signup.session
    p, by, site = session.project, session.project.created_by, session.project.site
    leader = (by.get_full_name() or by.get_username()) if by is not None else ""
    return ledger.Served(
        source_key=f"volunteering.{key}:{session.pk}:{signup.person_id}", person_id=signup.person_id,
        starts_at=start, ends_at=end, hours=hours, activity=p.title,
        place=f"{p.region.name} {site.name}" if site is not None else p.region.name,
        content=p.description or p.get_category_display(), organiser=p.organiser, leader=leader,
        region_id=p.region_id, recorded_by_id=p.created_by_id)


def _require_leader(actor, project) -> None:
    if not may_manage_project(actor, project):
        raise Forbidden(_("Only the project's organisers take its attendance."))


def attendance_backfill(*, actor, signup: Signup, hours: Decimal | str | float, reason: str,
                        now: dt.datetime | None = None) -> Attendance:
    """The leader adds hours a volunteer served but did not scan, with a reason, once the session has begun.
    They are kept apart from captured hours (never changing them) and, with them, never exceed the session."""
    now = now or timezone.now()
    session = signup.session
    _require_leader(actor, session.project)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(_("Give the reason for back-filling these hours."), field="reason")
    if len(reason) > 200:
        raise InvalidInput(_("At most 200 characters."), field="reason")
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError):
        raise InvalidInput(_("Give the hours as a number, e.g. 2.5."), field="hours") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(_("Give the hours as a number, e.g. 2.5."), field="hours")
    if now < session.starts_at:
        raise Conflict(_("Hours can be back-filled once the session has begun."), field="hours", code="not_started")
    if signup.status != Signup.Status.CONFIRMED:
        raise Conflict(_("Only a confirmed volunteer's hours can be back-filled."), field="hours", code="not_confirmed")
    length = ledger.hours_between(session.starts_at, session.ends_at)
    with atomic():
        att = Attendance.objects.select_for_update().filter(signup=signup).first()
        if att is not None and att.backfill_hours is not None:
            raise Conflict(_("Hours were back-filled for this session already."), field="hours", code="done")
        captured = (att.hours or Decimal(0)) if att is not None and att.credited else Decimal(0)
        if captured + amount > length:
            raise InvalidInput(_("With the %(captured)s hours captured, at most %(left)s hours can be added: the session "
                                 "lasts %(length)s hours.") % {"captured": captured, "left": length - captured,
                                                               "length": length}, field="hours")
        if att is None:
            att = Attendance.objects.create(signup=signup, method=Attendance.Method.BACKFILL)
        att.backfill_hours, att.backfill_reason, att.backfill_by, att.backfill_at = amount, reason, actor, now
        att.save(update_fields=["backfill_hours", "backfill_reason", "backfill_by", "backfill_at"])
        served = _served(signup, start=session.starts_at, end=session.ends_at, hours=amount, key="backfill")
        # Made directly, beside the captured record of the same session (the cap above keeps their sum true); its
        # span is the session's, so another path's hours inside the session are not counted again.
        ServiceRecord.objects.create(starts_at=session.starts_at, ends_at=session.ends_at,
            source_key=served.source_key, person_id=served.person_id, activity=served.activity[:120],
            date=timezone.localtime(session.starts_at).date(), place=served.place[:200], content=served.content[:300],
            hours=amount, organiser=served.organiser[:120], leader=served.leader[:60], region_id=served.region_id,
            origin="volunteering", backfilled=True, recorded_by=actor)
        audit.record(actor=actor, action=Audit.ATTENDANCE_BACKFILL, obj=session.project, region=session.project.region,
                     changes={"session": session.pk, "person": signup.person.name, "hours": str(amount), "reason": reason})
    return att


def signup_no_show(*, actor, signup: Signup, now: dt.datetime | None = None) -> Signup:
    """The leader marks a confirmed volunteer who never signed in as not having come (after the session began)."""
    now = now or timezone.now()
    session = signup.session
    _require_leader(actor, session.project)
    if now < session.starts_at:
        raise Conflict(_("A volunteer can be marked absent once the session has begun."), code="not_started")
    with atomic():
        if Attendance.objects.filter(signup=signup).exists():
            raise Conflict(_("This volunteer has attendance for the session."), code="attended")
        if not Signup.objects.filter(pk=signup.pk, status=Signup.Status.CONFIRMED).update(status=Signup.Status.NO_SHOW):
            raise Conflict(_("Only a confirmed volunteer can be marked absent."), code="not_confirmed")
        audit.record(actor=actor, action=Audit.SIGNUP_NO_SHOW, obj=session.project, region=session.project.region,
                     changes={"session": session.pk, "person": signup.person.name})
    signup.status = Signup.Status.NO_SHOW
    return signup


def _ledger_add(served: ledger.Served, *, origin: str) -> ServiceRecord | None:
    """One ledger line for `served`, unless its source key is recorded already or the same person already has
    a record overlapping its span (the same hour through another path). Call inside a transaction: the
    person's row is locked so that two paths recording at once cannot both pass the overlap check."""
    if served.hours <= 0 or served.ends_at <= served.starts_at:
        return None
    Person.objects.select_for_update().filter(pk=served.person_id).first()
    if ServiceRecord.objects.filter(source_key=served.source_key).exists():
        return None
    if ServiceRecord.objects.filter(person_id=served.person_id, starts_at__lt=served.ends_at,
                                    ends_at__gt=served.starts_at).exists():
        return None
    return ServiceRecord.objects.create(
        source_key=served.source_key[:80], person_id=served.person_id, activity=served.activity[:120],
        date=timezone.localtime(served.starts_at).date(), place=served.place[:200], content=served.content[:300],
        hours=served.hours, organiser=served.organiser[:120], leader=served.leader[:60], region_id=served.region_id,
        starts_at=served.starts_at, ends_at=served.ends_at, origin=origin[:30], recorded_by_id=served.recorded_by_id)


def service_records_collect(*, since: dt.datetime, until: dt.datetime | None = None) -> int:
    """Record, once each, what every registered domain (`<app>/service.py`) says was served between `since` and
    `until`, in the name of its organiser. Idempotent: run it as often as you like. Returns the records made."""
    until = until or timezone.now()
    made = 0
    for name, source in ledger.sources().items():
        for served in source(since, until):
            with atomic():
                record = _ledger_add(served, origin=name)
                if record is not None:
                    made += 1
                    audit.record(actor=None, action=Audit.RECORD_COLLECT, obj=record, region=record.region,
                                 changes={"source": served.source_key, "hours": str(record.hours)})
    return made
