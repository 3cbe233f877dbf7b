"""Closing a project: its organiser closes it, or the community need it was published from is cancelled
or closed. The volunteers holding or awaiting a place in a session still to come are told, with the
reason; their sign-ups are marked cancelled (no reminder goes out for them) and the places are freed."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.notifications.actions import notify
from muster.volunteering.actions.core import may_manage_project
from muster.volunteering.audits import Audit
from muster.volunteering.models import Project, Session, Signup

__all__ = ["project_close"]

LIVE = (Signup.Status.CONFIRMED, Signup.Status.PENDING, Signup.Status.WAITING)


def project_close(*, actor, project: Project, reason: str) -> Project:
    """The organiser closes the project: no longer listed, no more sign-ups, the volunteers told why."""
    if not may_manage_project(actor, project):
        raise Forbidden(_("You do not organise this project."))
    return _close(actor, project, reason)


def _close(actor, project: Project, reason: str) -> Project:
    reason = " ".join((reason or "").split())[:200]
    if not reason:
        raise InvalidInput(_("Say why the project is closed; the volunteers signed up will be told."), field="reason")
    now = timezone.now()
    with atomic():
        if not Project.objects.filter(pk=project.pk, status=Project.Status.OPEN).update(status=Project.Status.CLOSED):
            raise Conflict(_("This project is already closed."), code="closed")
        project.status = Project.Status.CLOSED
        live = list(Signup.objects.select_for_update().filter(session__project=project, session__starts_at__gt=now,
                                                              status__in=LIVE).select_related("person", "session"))
        Signup.objects.filter(pk__in=[s.pk for s in live]).update(status=Signup.Status.CANCELLED, changed_at=now)
        Session.objects.filter(project=project, starts_at__gt=now).update(taken=0)
        audit.record(actor=actor, action=Audit.PROJECT_CLOSE, obj=project, region=project.region,
                     changes={"status": [Project.Status.OPEN, Project.Status.CLOSED], "reason": reason,
                              "signups_cancelled": len(live)})
        for s in live:
            when = timezone.localtime(s.session.starts_at)
            notify(person=s.person, event="volunteering.project_closed",
                   subject=_("Cancelled: %(project)s, %(when)s. Why: %(reason)s") % {
                       "project": project.title[:60], "when": f"{when:%m-%d %H:%M}", "reason": reason[:80]}, body=reason)
    return project


def close_when_need_ends(sender, *, need, actor, verb: str, reason: str = "", **kwargs) -> None:
    """A need cancelled or closed closes the project published from it (connected in apps.ready)."""
    if verb not in ("cancel", "close"):
        return
    project = Project.objects.filter(need=need, status=Project.Status.OPEN).first()
    if project is not None:
        _close(actor, project, reason or (_("The community need was closed.") if verb == "close"
                                          else _("The community need was cancelled.")))
