"""The organiser signs a proposed volunteer up for a session (from the dispatch engine's proposals, one click).

The same checks as the volunteer's own sign-up (registered, of age for this session, a guardian's
consent for a minor, fit for duty) and the same claim of a place (a conditional UPDATE on `taken`),
so an organiser's click and a burst of public sign-ups together still never over-fill a session.
The volunteer is told and may withdraw as from any sign-up.
"""

from __future__ import annotations

from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, Forbidden
from muster.core.transactions import atomic
from muster.notifications.actions import notify
from muster.people.models import Person
from muster.volunteering.actions.core import _check_volunteer, may_manage_project
from muster.volunteering.audits import Audit
from muster.volunteering.models import Session, Signup

__all__ = ["session_invite"]


def session_invite(*, actor, session: Session, person: Person) -> Signup:
    """Sign `person` up for `session` in the organiser's name: a confirmed place, or Conflict "full" /
    "duplicate" and nothing changed. A retried click finds the sign-up already there (Conflict "duplicate")."""
    if not may_manage_project(actor, session.project):
        raise Forbidden(_("Only the project's organisers may sign volunteers up for its sessions."))
    _check_volunteer(person, session)
    try:
        with atomic():
            row = Signup.objects.select_for_update().filter(session=session, person=person).first()
            if row is not None and row.status in Signup.ACTIVE:
                raise Conflict(_("%(name)s has already signed up for this session.") % {"name": person.name},
                               field="person", code="duplicate")
            if not Session.objects.filter(pk=session.pk, taken__lt=F("places")).update(taken=F("taken") + 1):
                raise Conflict(_("This session is full."), field="session", code="full")
            if row is None:
                row = Signup.objects.create(session=session, person=person, status=Signup.Status.CONFIRMED)
            else:
                row.status = Signup.Status.CONFIRMED
                row.save(update_fields=["status", "changed_at"])
            when = timezone.localtime(session.starts_at)
            notify(person=person, event="volunteering.invited",
                   subject=_("You are signed up: %(project)s, %(when)s. Withdraw on your volunteer page if you "
                             "cannot come.") % {"project": session.project.title[:60], "when": f"{when:%m-%d %H:%M}"})
            audit.record(actor=actor, action=Audit.SESSION_INVITE, obj=session.project, region=session.project.region,
                         changes={"session": session.pk, "person": person.name})
    except IntegrityError:
        raise Conflict(_("%(name)s has already signed up for this session.") % {"name": person.name},
                       field="person", code="duplicate") from None
    session.refresh_from_db(fields=["taken"])
    return row
