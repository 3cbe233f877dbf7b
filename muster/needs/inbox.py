"""What needs puts in coordinators' inboxes (muster.notifications.inbox): reports waiting to be
accepted, and dispatch proposals waiting to be confirmed or discarded."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.accounts.scoping import MANAGERS, Scope
from muster.needs import selectors
from muster.needs.models import DispatchRun, Need, Report
from muster.notifications.inbox import LIMIT, InboxItem, register

SOON = dt.timedelta(hours=24)  # reports for a need starting this soon are urgent
# A proposal nobody has confirmed or discarded this long after it was made is stale: the people
# in it are waiting to hear, and the needs or their fitness may change under it.
STALE_AFTER = dt.timedelta(minutes=30)


def reports_to_accept(user):
    """One item per need the user coordinates that has reports waiting; a new report makes it unread again."""
    if not Scope.of(user).has_role(MANAGERS):
        return
    now = timezone.now()
    waiting = Q(reports__status=Report.Status.REPORTED)
    qs = (selectors.needs_managed(user).filter(status=Need.Status.OPEN, end__gt=now)
          .annotate(waiting=Count("reports", filter=waiting), newest=Max("reports__id", filter=waiting),
                    last_at=Max("reports__created_at", filter=waiting))
          .filter(waiting__gt=0).order_by("-last_at")[:LIMIT])
    for need in qs:
        values = {"n": need.waiting, "need": str(need), "place": str(need.place),
                  "start": f"{timezone.localtime(need.start):%m-%d %H:%M}",
                  "open": need.open_places}
        title = ngettext("%(n)d report waiting: %(need)s", "%(n)d reports waiting: %(need)s", need.waiting) % values
        detail = _("%(place)s, from %(start)s; %(open)d places still open. Accept or decline them.") % values
        urgent = need.urgency in (Need.Urgency.HIGH, Need.Urgency.CRITICAL) or need.start - now < SOON
        yield InboxItem(key=f"needs.reports:{need.pk}:{need.newest}", kind="needs.reports", title=title, detail=detail,
                        url=reverse("needs:detail", args=[need.pk]), at=need.last_at, urgent=urgent)


def proposals_to_review(user):
    """Dispatch proposals ready for review in the user's regions; stale ones are urgent."""
    if not Scope.of(user).has_role(MANAGERS):
        return
    now = timezone.now()
    for run in selectors.runs_managed(user).filter(status=DispatchRun.Status.READY).order_by("-created_at")[:LIMIT]:
        made = run.finished_at or run.created_at
        stale = now - made >= STALE_AFTER
        values = {"region": run.region.name, "filled": run.filled, "places": run.places,
                  "time": f"{timezone.localtime(made):%m-%d %H:%M}"}
        title = (_("Dispatch proposal waiting since %(time)s: %(region)s") if stale
                 else _("Dispatch proposal ready for review: %(region)s")) % values
        detail = _("%(filled)d of %(places)d places filled. Confirm it or discard it: the people in it are waiting to hear.") \
            % values
        yield InboxItem(key=f"needs.proposal:{run.pk}", kind="needs.proposal", title=title, detail=detail,
                        url=reverse("needs:run", args=[run.pk]), at=made, urgent=stale)


register("needs.reports", reports_to_accept)
register("needs.proposal", proposals_to_review)
