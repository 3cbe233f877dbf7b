"""Retention of door-knocking answers: 28 days after the visit, the answers and the names met are cleared.

What a household answered at the door (travel, symptoms, needs) is collected for tracing this outbreak;
two incubation periods cover it. The visit itself (who knocked, when, the result code) stays, so the
coverage figures of the campaign are unchanged; a finding keeps its label and what was done.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muster.canvass.models import VisitPerson
from muster.core import retention

KEY = "canvass.answers"


def due(clock: retention.Clock) -> QuerySet:
    return VisitPerson.objects.filter(visit__recorded_at__lt=clock.cutoff(KEY)).exclude(
        Q(purged_at__isnull=False)).order_by()


def purge(pks: list[int], clock: retention.Clock) -> int:
    ids = list(due(clock).filter(pk__in=pks).values_list("pk", flat=True))
    return VisitPerson.objects.filter(pk__in=ids).update(person=None, name=retention.PLACEHOLDER, answers={},
                                                          purged_at=clock.now)


def live_people(clock: retention.Clock) -> QuerySet:
    return VisitPerson.objects.filter(visit__recorded_at__gte=clock.cutoff(KEY), person__isnull=False).values("person_id")


def subject(person) -> list[dict]:
    rows = (VisitPerson.objects.filter(person=person, purged_at__isnull=True).select_related("visit__campaign")
            .order_by("-visit__recorded_at")[:500])
    return [{str(_("Door-knocking campaign")): p.visit.campaign.name,
             str(_("Time")): f"{timezone.localtime(p.visit.recorded_at):%Y-%m-%d %H:%M}",
             str(_("Answers")): ", ".join(f"{k}: {v}" for k, v in p.answers.items())} for p in rows]


retention.register(retention.RecordType(
    key=KEY, label=_("Door-knocking answers"), default_days=28, floor_days=14, max_days=90,
    anchor=_("after the visit"),
    reason=_("Two incubation periods cover tracing from the answers; the visit and its result code stay for coverage."),
    action=retention.ANONYMISE, model="canvass.VisitPerson", due=due, purge=purge, person_field="person",
    live_people=live_people, covers=("canvass.VisitPerson",), order=32, subject=subject,
))
