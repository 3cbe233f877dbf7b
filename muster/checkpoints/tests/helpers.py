"""What the checkpoint tests share: a member put on duty at a post now, and a passage's fields."""

import datetime as dt

from django.utils import timezone

from muster.checkpoints.actions import PassageData
from muster.rosters import actions as rosters
from muster.rosters.models import Assignment, Roster


def put_on_duty(post, person):
    now = timezone.now()
    r = Roster.objects.create(post=post, start=rosters.monday_of(timezone.localdate()), status=Roster.Status.PUBLISHED)
    return Assignment.objects.create(roster=r, post=post, person=person, date=timezone.localdate(),
                                     starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=4))


def data(**kw):
    base = {"direction": "in", "temperature": "36.5", "health_code": "green", "pass_checked": True, "visitor_name": "快递员"}
    return PassageData(**{**base, **kw})
