"""Retention of messages sent to residents: deleted N days after they were created.

A message to a resident (a result, a recall, a release) carries their phone and what it said.
Messages to a user account are the account's own list and are left alone.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from muster.core import retention
from muster.notifications.models import Notification

KEY = "notifications.notification"


def due(clock: retention.Clock) -> QuerySet:
    done = (Notification.Status.SENT, Notification.Status.FAILED)
    return Notification.objects.filter(person__isnull=False, user__isnull=True, status__in=done,
                                       created_at__lt=clock.cutoff(KEY)).order_by()


def purge(pks: list[int], clock: retention.Clock) -> int:
    return due(clock).filter(pk__in=pks).delete()[0]


def live_people(clock: retention.Clock) -> QuerySet:
    return Notification.objects.filter(person__isnull=False, created_at__gte=clock.cutoff(KEY)).values("person_id")


def subject(person) -> list[dict]:
    from django.utils import timezone

    rows = Notification.objects.filter(person=person).order_by("-created_at")[:200]
    return [{str(_("Time")): f"{timezone.localtime(n.created_at):%Y-%m-%d %H:%M}", str(_("Channel")): n.get_channel_display(),
             str(_("Subject")): n.subject, str(_("Status")): n.get_status_display()} for n in rows]


retention.register(retention.RecordType(
    key=KEY, label=_("Messages to residents"), default_days=30, floor_days=7, max_days=365,
    anchor=_("after sending"),
    reason=_("Kept to answer “was I told?” during the emergency; the text and phone number serve nothing later."),
    action=retention.DELETE, model="notifications.Notification", due=due, purge=purge, person_field="person",
    live_people=live_people, covers=("notifications.Notification",), order=60, subject=subject,
))
