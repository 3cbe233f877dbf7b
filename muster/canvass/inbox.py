"""What canvass puts in leaders' inboxes (muster.notifications.inbox): findings awaiting review and
conflicting visits, one item per campaign; a new one makes the item unread again."""

from __future__ import annotations

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.accounts.scoping import MANAGERS, Scope
from muster.canvass import selectors
from muster.canvass.models import Campaign, Finding
from muster.notifications.inbox import LIMIT, InboxItem, register


def findings_to_review(user):
    if not Scope.of(user).has_role(MANAGERS):
        return
    waiting = Q(findings__action=Finding.Action.NONE)
    rows = (selectors.campaigns_led(user).filter(status=Campaign.Status.OPEN)
            .annotate(waiting=Count("findings", filter=waiting), newest=Max("findings__id", filter=waiting),
                      last_at=Max("findings__created_at", filter=waiting))
            .filter(waiting__gt=0).order_by("-last_at")[:LIMIT])
    for c in rows:
        values = {"n": c.waiting, "campaign": c.name}
        yield InboxItem(key=f"canvass.findings:{c.pk}:{c.newest}", kind="canvass.findings",
                        title=ngettext("%(n)d door-knocking finding to review: %(campaign)s",
                                       "%(n)d door-knocking findings to review: %(campaign)s", c.waiting) % values,
                        detail=_("Flag for single-tube sampling, open a case or raise a need in one step."),
                        url=reverse("canvass:campaign", args=[c.pk]) + "#findings", at=c.last_at, urgent=True)


register("canvass.findings", findings_to_review)
