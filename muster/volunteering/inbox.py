"""What volunteering puts in organisers' inboxes (muster.notifications.inbox): sign-ups awaiting
their decision on projects that confirm each sign-up by hand."""

from __future__ import annotations

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.accounts.scoping import MANAGERS, Scope
from muster.notifications.inbox import LIMIT, InboxItem, register
from muster.volunteering import selectors
from muster.volunteering.models import Signup


def signups_to_decide(user):
    """One item per project the user organises with sign-ups awaiting them; a new sign-up makes it unread again."""
    if not (Scope.of(user).has_role(MANAGERS) or getattr(user, "person_id", None)):
        return
    now = timezone.now()
    pending = Q(sessions__signups__status=Signup.Status.PENDING, sessions__ends_at__gt=now)
    rows = (selectors.projects_managed(user)
            .annotate(waiting=Count("sessions__signups", filter=pending), newest=Max("sessions__signups__id", filter=pending),
                      last_at=Max("sessions__signups__changed_at", filter=pending))
            .filter(waiting__gt=0).order_by("-last_at")[:LIMIT])
    for p in rows:
        values = {"n": p.waiting, "project": p.title}
        yield InboxItem(key=f"volunteering.signups:{p.pk}:{p.newest}", kind="volunteering.signups",
                        title=ngettext("%(n)d sign-up to confirm: %(project)s", "%(n)d sign-ups to confirm: %(project)s",
                                       p.waiting) % values,
                        detail=_("Each holds a place until you confirm or decline it."),
                        url=reverse("volunteering:project_manage", args=[p.pk]), at=p.last_at, urgent=False)


register("volunteering.signups", signups_to_decide)


def corrections_to_decide(user):
    """One item per open correction request of a record the user organised (or coordinates)."""
    if not (Scope.of(user).has_role(MANAGERS) or getattr(user, "person_id", None)):
        return
    for c in selectors.corrections_to_decide(user)[:LIMIT]:
        yield InboxItem(key=f"volunteering.correction:{c.pk}", kind="volunteering.corrections",
                        title=_("Correction asked for: %(name)s, %(activity)s") % {"name": c.record.person.name,
                                                                                  "activity": c.record.activity},
                        detail=c.reason, url=reverse("volunteering:corrections"), at=c.created_at, urgent=False)


register("volunteering.corrections", corrections_to_decide)


def team_requests_to_decide(user):
    """One item per team the user manages with requests to join awaiting them; a new request makes it unread again."""
    from muster.volunteering import selectors_teams

    if not (Scope.of(user).has_role(MANAGERS) or getattr(user, "person_id", None)):
        return
    for t in selectors_teams.teams_with_requests(user)[:LIMIT]:
        values = {"n": t.waiting, "team": t.name}
        yield InboxItem(key=f"volunteering.team_requests:{t.pk}:{t.newest}", kind="volunteering.team_requests",
                        title=ngettext("%(n)d request to join %(team)s", "%(n)d requests to join %(team)s",
                                       t.waiting) % values,
                        detail=_("Approve them, or refuse with a reason the volunteer will see."),
                        url=reverse("volunteering:team", args=[t.pk]), at=t.last_at, urgent=False)


register("volunteering.team_requests", team_requests_to_decide)


def team_invitations(user):
    """The volunteer's open invitations to join a team."""
    from muster.volunteering import selectors_teams

    if not getattr(user, "person_id", None):
        return
    for m in selectors_teams.invitations_mine(user)[:LIMIT]:
        at = m.changed_at or m.created_at
        yield InboxItem(key=f"volunteering.invitation:{m.pk}:{int(at.timestamp())}", kind="volunteering.invitations",
                        title=_("%(team)s invites you to join the team.") % {"team": m.team.name},
                        detail=_("Accept or decline the invitation on your teams page."),
                        url=reverse("volunteering:teams_mine"), at=at, urgent=False)


register("volunteering.invitations", team_invitations)
