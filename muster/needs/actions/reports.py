"""Writes to reports: report to a need (or be added), be accepted, declined or withdraw, be marked a no-show;
check in and out with the need's code.

Places are claimed with a conditional UPDATE on `Need.accepted_count` (plus a check constraint),
so two coordinators accepting at the same instant can never overfill a need; a person's row is
locked while their commitments are checked so that they cannot be double-booked either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.transactions import atomic
from muster.needs import selectors
from muster.needs.actions.needs import (
    CHECKIN_OPENS,
    CHECKOUT_CLOSES,
    CODE_LENGTH,
    manage,
    normalise_code,
    tell,
    when,
)
from muster.needs.audits import Audit
from muster.needs.models import Need, Report
from muster.people import fitness
from muster.people.models import Organisation, Person


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
                       % {"name": person.name, "other": f"{clash.need} {when(clash.need)}"}, field="person")


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
            with atomic():
                report = Report.objects.create(need=need, person=person, note=note, source=source, created_by=actor)
        except IntegrityError:
            raise Conflict(_("%(name)s has already reported to this need.") % {"name": person.name}, field="person") from None
        audit.record(actor=actor, action=Audit.REPORT_CREATE, obj=report, region=need.region,
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
    audit.record(actor=actor, action=Audit.REPORT_ACCEPT, obj=report, region=need.region,
                 changes={"status": [Report.Status.REPORTED, Report.Status.ACCEPTED], "need": need.pk})
    tell(report.person, _("Accepted: %(need)s") % {"need": need}, when(need), need, "report.accept")


def _report_for_manager(actor, report: Report) -> Need:
    need = report.need
    manage(actor, need)
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
        audit.record(actor=actor, action=Audit.REPORT_DECLINE, obj=report, region=need.region,
                     changes={"status": [old, report.status], "reason": reason})
        tell(report.person, _("Not needed this time: %(need)s") % {"need": need}, reason, need, "report.decline")
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
        audit.record(actor=actor, action=Audit.REPORT_WITHDRAW, obj=report, region=report.need.region,
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
        audit.record(actor=actor, action=Audit.REPORT_NO_SHOW, obj=report, region=need.region)
    return report


def hours_between(a: dt.datetime, b: dt.datetime) -> Decimal:
    return (Decimal((b - a).total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class CheckResult:
    report: Report
    action: str  # "in" or "out"


def _need_for_code(code: str) -> Need:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        raise InvalidInput(_("A check-in code has %(n)d letters and digits.") % {"n": CODE_LENGTH}, field="code")
    need = selectors.need_by_code(code)
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
    need = _need_for_code(code)
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
        audit.record(actor=actor, action=Audit.REPORT_CHECK_IN if action == "in" else Audit.REPORT_CHECK_OUT, obj=report,
                     region=need.region, changes={"at": now, **({"hours": str(report.hours)} if action == "out" else {})})
    return CheckResult(report=report, action=action)
