"""The collection point's staff roll: who of its team was on duty there, from when to when.

Recorded after the shift by the point's team lead (or the campaign's coordinators), who saw who
came. Nothing at the desk says it for them: samplers never scan, and a clerk's first and last scan
of a day miss the setting up, the breaks and the closing (the roll page shows them as a hint).
Each shift lands once in the hours ledger (testing/service.py); a person is never on two shifts
at the same time, and a retried submission finds the shift it already recorded.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.people.models import Person
from muster.testing.audits import Audit
from muster.testing.models import CollectionPoint, Shift, TeamMember
from muster.testing.permissions import may_record_shifts

MAX_SHIFT = dt.timedelta(hours=16)


def shift_record(*, actor, point: CollectionPoint, person: Person, starts_at: dt.datetime, ends_at: dt.datetime,
                 now: dt.datetime | None = None) -> Shift:
    """Record that a member of the point's team served there from `starts_at` to `ends_at` (a finished shift)."""
    if not may_record_shifts(actor, point):
        raise Forbidden(_("Only the point's team lead and the campaign's coordinators keep its roll."))
    now = now or timezone.now()
    member = TeamMember.objects.filter(point=point, person=person).first()
    if member is None:
        raise InvalidInput(_("This person is not on this collection point's team."), field="person")
    if starts_at is None or ends_at is None:
        raise InvalidInput(_("Give the start and the end of the shift."), field="starts_at")
    if ends_at <= starts_at:
        raise InvalidInput(_("The shift must end after it starts."), field="ends_at")
    if ends_at - starts_at > MAX_SHIFT:
        raise InvalidInput(_("A shift lasts at most 16 hours."), field="ends_at")
    if ends_at > now:
        raise InvalidInput(_("Record a shift once it is over."), field="ends_at")
    c = point.campaign
    if starts_at >= c.ends_at or ends_at <= c.starts_at:
        raise InvalidInput(_("The shift lies outside the campaign's days."), field="starts_at")
    try:
        with atomic():
            Person.objects.select_for_update().filter(pk=person.pk).first()  # one roll entry for a person at a time
            same = Shift.objects.filter(person=person, starts_at=starts_at).first()
            if same is not None:
                if same.point_id == point.pk and same.ends_at == ends_at:
                    return same  # a retried submission
                raise Conflict(_("%(name)s already has a shift starting at this time.") % {"name": person.name},
                               field="starts_at", code="overlap")
            if Shift.objects.filter(person=person, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
                raise Conflict(_("%(name)s already has a shift overlapping this one.") % {"name": person.name},
                               field="starts_at", code="overlap")
            shift = Shift.objects.create(point=point, person=person, role=member.role, starts_at=starts_at,
                                         ends_at=ends_at, recorded_by=actor)
            audit.record(actor=actor, action=Audit.SHIFT_RECORD, obj=point, region=point.site.region,
                         changes={"person": person.name, "role": member.role, "starts_at": starts_at,
                                  "ends_at": ends_at})
    except IntegrityError:
        raise Conflict(_("%(name)s already has a shift starting at this time.") % {"name": person.name},
                       field="starts_at", code="overlap") from None
    return shift
