"""The member's private calendar address: made, or made again so that the old one stops working."""

from __future__ import annotations

from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Forbidden
from muster.core.transactions import atomic
from muster.rosters.audits import Audit
from muster.rosters.models import CalendarFeed


def calendar_token_rotate(*, actor) -> CalendarFeed:
    """Give the actor's person a new secret calendar URL; the previous one, if any, no longer works."""
    if not getattr(actor, "person_id", None):
        raise Forbidden(_("Your account is not linked to a person in the registry."))
    with atomic():
        feed, created = CalendarFeed.objects.get_or_create(person_id=actor.person_id)
        if not created:
            # Drawn the way a new feed's token is (the field's default), never derived from the old one.
            feed.token = CalendarFeed._meta.get_field("token").get_default()
            feed.save(update_fields=["token"])
        audit.record(actor=actor, action=Audit.ROSTER_CALENDAR_FEED, obj=feed)
    return feed
