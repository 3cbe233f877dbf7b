"""Corrections of ledger lines, trainings and awards, and certificates of service.

A volunteer asks for a correction of their own record with a reason; the organiser who recorded it (or a
coordinator over its region) accepts it, changing the record, or refuses it, with a reason; both are audited.
A certificate states a period's hours, records and recording units; its digest is a keyed HMAC of exactly
those statements, so the public verify page can tell a genuine certificate from a forged or altered one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.transactions import atomic
from muster.people.models import Person
from muster.volunteering.actions.core import manages_team
from muster.volunteering.audits import Audit
from muster.volunteering.certificates import certificate_digest, certificate_statement
from muster.volunteering.models import Certificate, Correction, Honour, Membership, ServiceRecord, Volunteer


def _text(value: str, field: str, message: str, limit: int = 300) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise InvalidInput(message, field=field)
    if len(value) > limit:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return value


def may_correct(user, record: ServiceRecord) -> bool:
    """The organiser who recorded it, or a coordinator over the region where it was served."""
    return (record.recorded_by_id is not None and record.recorded_by_id == getattr(user, "pk", None)) or \
        Scope.of(user).covers(record.region, MANAGERS)


def correction_request(*, actor, record: ServiceRecord, reason: str, hours: Decimal | str | None = None) -> Correction:
    """The volunteer asks for a correction of one of their own records, with a reason (and the hours they believe right)."""
    if not getattr(actor, "person_id", None) or record.person_id != actor.person_id:
        raise Forbidden(_("You can ask for a correction of your own records only."))
    reason = _text(reason, "reason", _("Say what is wrong with this record."))
    amount = None
    if hours not in (None, ""):
        try:
            amount = Decimal(str(hours)).quantize(Decimal("0.01"))
        except (ArithmeticError, ValueError):
            raise InvalidInput(_("Give the hours as a number, e.g. 2.5."), field="hours") from None
        if not amount.is_finite() or amount <= 0 or amount >= 1000:
            raise InvalidInput(_("Give the hours as a number, e.g. 2.5."), field="hours")
    try:
        with atomic():
            c = Correction.objects.create(record=record, reason=reason, hours=amount)
            audit.record(actor=actor, action=Audit.CORRECTION_REQUEST, obj=record, region=record.region,
                         changes={"reason": reason, "hours": str(amount) if amount is not None else ""})
    except IntegrityError:
        raise Conflict(_("A correction of this record is already waiting for the organiser."), code="open") from None
    return c


def correction_decide(*, actor, correction: Correction, accept: bool, answer: str) -> Correction:
    """The organiser accepts (the record takes the corrected hours) or refuses the request, with a reason."""
    record = correction.record
    if not may_correct(actor, record):
        raise Forbidden(_("Only the organiser that recorded it decides on a correction."))
    answer = _text(answer, "answer", _("Give the reason for your decision."))
    status = Correction.Status.ACCEPTED if accept else Correction.Status.REFUSED
    with atomic():
        if not Correction.objects.filter(pk=correction.pk, status=Correction.Status.OPEN).update(
                status=status, answer=answer, decided_by=actor, decided_at=timezone.now()):
            raise Conflict(_("This correction has been decided already."), code="decided")
        changes: dict = {"status": status, "answer": answer}
        if accept and correction.hours is not None and correction.hours != record.hours:
            changes["hours"] = [str(record.hours), str(correction.hours)]
            ServiceRecord.objects.filter(pk=record.pk).update(hours=correction.hours)
        audit.record(actor=actor, action=Audit.CORRECTION_DECIDE, obj=record, region=record.region, changes=changes)
    correction.refresh_from_db()
    return correction


def _may_record_for(actor, person: Person) -> Volunteer:
    v = Volunteer.objects.select_related("region").filter(person=person).first()
    if v is None:
        raise InvalidInput(_("This person is not a registered volunteer."), field="person")
    if Scope.of(actor).covers(v.region, MANAGERS):
        return v
    teams = [m.team for m in Membership.objects.select_related("team").filter(person=person, status=Membership.Status.ACTIVE)]
    if any(manages_team(actor, t) for t in teams):
        return v
    raise Forbidden(_("You do not organise this volunteer."))


def honour_record(*, actor, person: Person, kind: str, title: str, date: dt.date, organiser: str,
                  hours: Decimal | None = None, rating: str = "") -> Honour:
    """Record a training the volunteer took, an award they received or an evaluation of their service (with its rating)."""
    v = _may_record_for(actor, person)
    if kind not in Honour.Kind.values:
        raise InvalidInput(_("Choose training, award or evaluation."), field="kind")
    if kind == Honour.Kind.EVALUATION and rating not in Honour.Rating.values:
        raise InvalidInput(_("An evaluation needs a rating."), field="rating")
    title = _text(title, "title", _("Give the title."), 120)
    organiser = _text(organiser, "organiser", _("Give the organising unit."), 120)
    if date > timezone.localdate():
        raise InvalidInput(_("The date cannot be in the future."), field="date")
    with atomic():
        h = Honour.objects.create(person=person, kind=kind, title=title, date=date, organiser=organiser,
                                  hours=hours if kind == Honour.Kind.TRAINING else None,
                                  rating=rating if kind == Honour.Kind.EVALUATION else "", region=v.region, recorded_by=actor)
        audit.record(actor=actor, action=Audit.HONOUR_RECORD, obj=h, region=v.region,
                     changes={"kind": kind, "title": title, "rating": h.rating})
    return h


# --- certificates -----------------------------------------------------------------------------

def certificate_issue(*, actor, period_from: dt.date, period_to: dt.date, person: Person | None = None) -> Certificate:
    """Issue the volunteer (the actor, or a person they organise) a certificate of the hours recorded in a period."""
    if person is None:
        if not getattr(actor, "person_id", None):
            raise Forbidden(_("Your account is not linked to a volunteer."))
        person = Person.objects.get(pk=actor.person_id)
    elif person.pk != getattr(actor, "person_id", None):
        _may_record_for(actor, person)
    if period_from > period_to:
        raise InvalidInput(_("The period must start before it ends."), field="period_from")
    rows = ServiceRecord.objects.filter(person=person, date__gte=period_from, date__lte=period_to)
    agg = rows.aggregate(hours=Sum("hours"))
    count = rows.count()
    if not count:
        raise NotFound(_("No service hours are recorded for this period."), field="period_from", code="no_hours")
    units = "、".join(sorted(set(rows.values_list("organiser", flat=True))))[:600]
    with atomic():
        c = Certificate(number=f"ZY{timezone.localdate():%Y%m%d}{secrets.token_hex(4).upper()}", person=person,
                        period_from=period_from, period_to=period_to, hours=agg["hours"], records=count, units=units)
        c.digest = certificate_digest(certificate_statement(c, person.name))
        c.save()
        audit.record(actor=actor, action=Audit.CERTIFICATE_ISSUE, obj=c, region=None,
                     changes={"number": c.number, "hours": str(c.hours), "from": str(period_from), "to": str(period_to)})
    return c
