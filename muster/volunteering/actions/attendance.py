"""Attendance and the hours ledger: sign in and out by the session's code, its QR or the volunteer's personal
code scanned by the leader; back-filled hours; no-shows; every ledger line, made once (see `ledger`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, InvalidInput
from muster.core.transactions import atomic
from muster.people.models import Person
from muster.volunteering import ledger
from muster.volunteering.audits import Audit
from muster.volunteering.models import CREDIT_SHARE, Attendance, ServiceRecord, Signup

# --- attendance and the hours ledger --------------------------------------------------------

ARRIVE_EARLY = dt.timedelta(minutes=30)  # sign-in opens this long before the start
LEAVE_LATE = dt.timedelta(hours=1)  # and sign-out closes this long after the end


@dataclass
class Scan:
    action: str  # "in" or "out"
    attendance: Attendance
    record: ServiceRecord | None = None


def attendance_scan(*, actor, code: str, now: dt.datetime | None = None) -> Scan:
    """Sign in (first entry of the session's 6-digit code) or out (second). At sign-out the hours served are
    the part of the session covered; they are credited, as one ledger record, only if at least CREDIT_SHARE
    of the session was covered. Captured hours are never edited afterwards."""
    now = now or timezone.now()
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        raise InvalidInput(_("The session code has 6 digits."), field="code")
    person_id = getattr(actor, "person_id", None)
    if not person_id:
        raise InvalidInput(_("Register as a volunteer before signing up."), field="code", code="not_registered")
    signup = (Signup.objects.select_related("session__project__region", "session__project__team",
                                            "session__project__site", "session__project__created_by")
              .filter(person_id=person_id, session__code=code, status=Signup.Status.CONFIRMED,
                      session__starts_at__lte=now + ARRIVE_EARLY, session__ends_at__gte=now - LEAVE_LATE).first())
    if signup is None:
        raise Conflict(_("No confirmed sign-up of yours for a session with this code at this time."), field="code",
                       code="no_session")
    session = signup.session
    with atomic():
        att = Attendance.objects.select_for_update().filter(signup=signup).first()
        if att is None:
            if now > session.ends_at:
                raise Conflict(_("This session is over: sign-in is closed."), field="code", code="over")
            att = Attendance.objects.create(signup=signup, signed_in_at=now)
            audit.record(actor=actor, action=Audit.ATTENDANCE_IN, obj=session.project, region=session.project.region,
                         changes={"session": session.pk})
            return Scan(action="in", attendance=att)
        if att.signed_out_at is not None:
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
            p, by, site = session.project, session.project.created_by, session.project.site
            leader = (by.get_full_name() or by.get_username()) if by is not None else ""
            record = _ledger_add(ledger.Served(
                source_key=f"volunteering.session:{session.pk}:{person_id}", person_id=person_id,
                starts_at=max(att.signed_in_at, session.starts_at), ends_at=min(now, session.ends_at), hours=att.hours,
                activity=p.title, place=f"{p.region.name} {site.name}" if site is not None else p.region.name,
                content=p.description or p.get_category_display(), organiser=p.organiser, leader=leader,
                region_id=p.region_id, recorded_by_id=p.created_by_id), origin="volunteering")
        audit.record(actor=actor, action=Audit.ATTENDANCE_OUT, obj=session.project, region=session.project.region,
                     changes={"session": session.pk, "hours": str(att.hours), "credited": att.credited})
    return Scan(action="out", attendance=att, record=record)


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
