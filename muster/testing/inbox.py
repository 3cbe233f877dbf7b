"""What mass testing puts in people's inboxes (muster.notifications.inbox): positive pooled tubes
whose people are to be contacted and re-tested (recalls) in the user's communities, and boxes
of tubes overdue on their way to the lab."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.accounts.models import Role
from muster.accounts.scoping import MANAGERS, Scope
from muster.notifications.inbox import LIMIT, InboxItem, register
from muster.testing import selectors
from muster.testing.models import Box, RecallItem
from muster.testing.permissions import LAB_ROLES


def recalls_open(user):
    """One item per open recall with people in the user's communities: urgent while some are still to be
    contacted; then, once everyone is told, a quieter one until their single-tube re-tests are back."""
    if not Scope.of(user).has_role(MANAGERS):
        return
    pending = Q(status=RecallItem.Status.PENDING)
    rows = (selectors.recall_items(user).order_by()
            .values("recall_id", "recall__campaign_id", "recall__campaign__name", "recall__tube__barcode")
            .annotate(to_contact=Count("pk", filter=pending),
                      to_retest=Count("pk", filter=Q(status__in=[RecallItem.Status.CONTACTED, RecallItem.Status.RESAMPLED])),
                      since=Min("recall__created_at"))
            .filter(Q(to_contact__gt=0) | Q(to_retest__gt=0)).order_by("-since")[:LIMIT])
    for r in rows:
        values = {"tube": r["recall__tube__barcode"], "campaign": r["recall__campaign__name"], "n": r["to_contact"],
                  "m": r["to_retest"]}
        url = reverse("testing:recalls", args=[r["recall__campaign_id"]])
        if r["to_contact"]:
            yield InboxItem(
                key=f"testing.recall:{r['recall_id']}:contact", kind="testing.recall",
                title=_("Positive pooled tube %(tube)s: people to contact") % values,
                detail=ngettext("%(campaign)s: %(n)d person in your communities is still to be told to isolate and come for a "
                                "single-tube re-test.",
                                "%(campaign)s: %(n)d people in your communities are still to be told to isolate and come for a "
                                "single-tube re-test.", r["to_contact"]) % values,
                url=url, at=r["since"], urgent=True)
        else:
            yield InboxItem(
                key=f"testing.recall:{r['recall_id']}:retest", kind="testing.recall",
                title=_("Recall of tube %(tube)s: re-tests awaited") % values,
                detail=ngettext("%(campaign)s: %(m)d person was told and still waits for a single-tube result.",
                                "%(campaign)s: %(m)d people were told and still wait for a single-tube result.", r["to_retest"])
                % values,
                url=url, at=r["since"], urgent=False)


def boxes_overdue(user):
    """Boxes handed to the courier too long ago and not received: for the point's coordinators and site lead,
    and for the lab waiting for them."""
    scope = Scope.of(user)
    leads = scope.site_ids({Role.SITE_LEAD})
    labs = scope.site_ids(LAB_ROLES)
    if not (scope.has_role(MANAGERS) or leads or labs):
        return
    q = scope.region_q("point__site__region", MANAGERS) if scope.has_role(MANAGERS) else Q(pk__in=[])
    if leads:
        q |= Q(point__site_id__in=leads)
    if labs:
        q |= Q(lab_id__in=labs)
    boxes = selectors.overdue_boxes(Box.objects.filter(q)).select_related("point", "point__site", "point__site__region", "lab").order_by("handed_at")
    now = timezone.now()
    for b in boxes[:LIMIT]:
        hours = int((now - b.handed_at).total_seconds() // 3600)
        values = {"box": b.barcode, "hours": hours, "n": b.tube_count, "point": b.point.site.name, "lab": b.lab.name,
                  "courier": b.courier or "—"}
        at_lab = b.lab_id in labs and not (scope.covers(b.point.site.region, MANAGERS) or b.point.site_id in leads)
        url = (reverse("testing:lab", args=[b.lab_id]) if at_lab
               else reverse("testing:box", args=[b.point_id, b.pk]))
        yield InboxItem(key=f"testing.box:{b.pk}", kind="testing.box",
                        title=ngettext("Box %(box)s overdue: handed over %(hours)d hour ago",
                                       "Box %(box)s overdue: handed over %(hours)d hours ago", hours) % values,
                        detail=_("%(n)d tubes from %(point)s to %(lab)s, courier %(courier)s. Find out where it is.") % values,
                        url=url, at=b.handed_at, urgent=True)


register("testing.recall", recalls_open)
register("testing.box", boxes_overdue)
