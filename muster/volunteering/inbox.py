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
