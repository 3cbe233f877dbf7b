"""Reminders before a session: each confirmed sign-up is told once, settings.VOLUNTEER_REMIND_HOURS before its
session starts, on the volunteer's channels (SMS to their phone, e-mail, the in-app list)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.transactions import atomic
from muster.notifications.actions import notify
from muster.volunteering.audits import Audit
from muster.volunteering.models import Signup

__all__ = ["signups_to_remind", "signup_remind"]


def signups_to_remind(now: dt.datetime, *, limit: int = 500):
    """Confirmed sign-ups not yet reminded whose session starts within the reminder's lead time from `now`."""
    lead = dt.timedelta(hours=settings.VOLUNTEER_REMIND_HOURS)
    return (Signup.objects.filter(status=Signup.Status.CONFIRMED, reminded_at__isnull=True,
                                  session__starts_at__gt=now, session__starts_at__lte=now + lead)
            .select_related("person", "session__project__region", "session__project__site", "session__project__team")
            .order_by("session__starts_at", "pk")[:limit])


def signup_remind(*, signup: Signup, now: dt.datetime | None = None) -> bool:
    """Remind the volunteer of their session, once: the sent-marker is claimed by a conditional UPDATE (still
    confirmed, not yet reminded) in the transaction that queues the message, so a job run twice or by two
    workers at once sends one reminder, and a failure leaves the sign-up for the next run. False if not sent."""
    now = now or timezone.now()
    session = signup.session
    project = session.project
    if session.starts_at <= now:
        return False
    with atomic():
        # Only the row's own columns in the WHERE: a condition through a join makes Django write `id IN (subquery)`,
        # which PostgreSQL does not re-check after waiting for a concurrent claim, so both workers would win.
        claimed = Signup.objects.filter(pk=signup.pk, status=Signup.Status.CONFIRMED,
                                        reminded_at__isnull=True).update(reminded_at=now)
        if not claimed:
            return False
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        place = f"{project.region.name} {project.site.name}" if project.site_id else project.region.name
        with translation.override(settings.LANGUAGE_CODE):
            values = {"project": project.title[:60], "start": f"{start:%m-%d %H:%M}", "end": f"{end:%H:%M}",
                      "place": place[:60]}
            subject = _("Reminder: %(project)s, %(start)s–%(end)s at %(place)s.") % values
            body = _("You signed up for this volunteer session. If you cannot come, withdraw on your page so that "
                     "the next on the waiting list gets the place.")
        notify(person=signup.person, subject=subject, body=body, url=reverse("volunteering:me"),
               event="volunteering.reminder")
        audit.record(actor=None, action=Audit.SESSION_REMIND, obj=project, region=project.region,
                     object_repr=project.title, changes={"session": session.pk, "signup": signup.pk})
    signup.reminded_at = now
    return True
