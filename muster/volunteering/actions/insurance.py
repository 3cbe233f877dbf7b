"""Volunteers' accident insurance: recording a policy, and the check that keeps a volunteer without cover out of
the sessions of a project that requires it (at sign-in: nobody serves uninsured)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.people.models import Person
from muster.volunteering.actions.core import may_manage_project
from muster.volunteering.audits import Audit
from muster.volunteering.models import Insurance, Membership, Project, Session, Signup, Volunteer

__all__ = ["insurance_record", "may_record_insurance", "insurance_require", "insurance_missing_note"]

MAX_POLICY_YEARS = 5  # a policy longer than this is a typing error


def may_record_insurance(user, person: Person) -> bool:
    """The volunteer themselves; the coordinators and command of their area; the managers of a team they belong to;
    the organisers of a project they have signed up for."""
    if getattr(user, "person_id", None) == person.pk:
        return True
    volunteer = Volunteer.objects.select_related("region").filter(person=person).first()
    if volunteer is not None and Scope.of(user).covers(volunteer.region, MANAGERS):
        return True
    user_person = getattr(user, "person_id", None)
    if user_person and Membership.objects.filter(
            person_id=user_person, role=Membership.Role.MANAGER, status=Membership.Status.ACTIVE,
            team__memberships__person=person, team__memberships__status=Membership.Status.ACTIVE).exists():
        return True
    projects = (Project.objects.filter(sessions__signups__person=person, sessions__signups__status__in=Signup.ACTIVE)
                .select_related("region", "team").distinct()[:50])
    return any(may_manage_project(user, p) for p in projects)


def insurance_record(*, actor, person: Person, insurer: str, policy_number: str, valid_from: dt.date,
                     valid_until: dt.date) -> Insurance:
    """Record a volunteer's accident insurance policy (the same policy twice is a Conflict; nothing changes)."""
    if not may_record_insurance(actor, person):
        raise Forbidden(_("Only the volunteer, their team's managers and their organisers may record their insurance."))
    volunteer = Volunteer.objects.select_related("region").filter(person=person).first()
    if volunteer is None:
        raise InvalidInput(_("Only registered volunteers' insurance is recorded here."), field="person")
    insurer = " ".join((insurer or "").split())
    if not insurer or len(insurer) > 100:
        raise InvalidInput(_("The insurer is required and has at most 100 characters."), field="insurer")
    number = "".join((policy_number or "").split()).upper()
    if not number or len(number) > 60:
        raise InvalidInput(_("The policy number is required and has at most 60 characters."), field="policy_number")
    if valid_from is None:
        raise InvalidInput(_("Give the first day of cover."), field="valid_from")
    if valid_until is None:
        raise InvalidInput(_("Give the last day of cover."), field="valid_until")
    if valid_until < valid_from:
        raise InvalidInput(_("The cover must end on or after its first day."), field="valid_until")
    if (valid_until - valid_from).days > 366 * MAX_POLICY_YEARS:
        raise InvalidInput(_("A policy runs at most %(years)d years: check the dates.") % {"years": MAX_POLICY_YEARS},
                           field="valid_until")
    try:
        with atomic():
            row = Insurance.objects.create(person=person, insurer=insurer, policy_number=number, valid_from=valid_from,
                                           valid_until=valid_until, recorded_by=actor)
            audit.record(actor=actor, action=Audit.INSURANCE_RECORD, obj=volunteer, region=volunteer.region,
                         object_repr=person.name,
                         changes={"insurer": insurer, "policy": number[-4:], "from": valid_from.isoformat(),
                                  "until": valid_until.isoformat()})
    except IntegrityError:
        raise Conflict(_("This policy is recorded already."), field="policy_number", code="duplicate") from None
    return row


def session_day(session: Session) -> dt.date:
    return timezone.localtime(session.starts_at).date()


def insurance_require(signup: Signup) -> None:
    """Refuse (Conflict "uninsured") a volunteer without a policy covering the session's day, when the project
    requires accident insurance."""
    session = signup.session
    if not session.project.insurance_required:
        return
    day = session_day(session)
    if not Insurance.objects.filter(person_id=signup.person_id, valid_from__lte=day, valid_until__gte=day).exists():
        raise Conflict(_("This project requires accident insurance: no policy of %(name)s covering %(day)s is "
                         "recorded. Record the policy first.") % {"name": signup.person.name, "day": day.isoformat()},
                       field="insurance", code="uninsured")


def insurance_missing_note(session: Session) -> str:
    """What a volunteer signed up without cover is told (sign-up goes ahead: they may record a policy later)."""
    return _("This project requires accident insurance and no policy of yours covers %(day)s: record your insurance "
             "before the session, or you cannot sign in to it.") % {"day": session_day(session).isoformat()}
