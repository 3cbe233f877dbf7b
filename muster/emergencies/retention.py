"""Retention of correction requests: answered ones are deleted N days after the answer."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from muster.core import retention
from muster.emergencies.models import CorrectionRequest

KEY = "emergencies.correction"


def due(clock: retention.Clock) -> QuerySet:
    return CorrectionRequest.objects.filter(status=CorrectionRequest.Status.DONE,
                                            answered_at__lt=clock.cutoff(KEY)).order_by()


def purge(pks: list[int], clock: retention.Clock) -> int:
    return due(clock).filter(pk__in=pks).delete()[0]


def live_people(clock: retention.Clock) -> QuerySet:
    return CorrectionRequest.objects.exclude(pk__in=due(clock).values("pk")).values("person_id")


retention.register(retention.RecordType(
    key=KEY, label=_("Residents' correction requests"), default_days=90, floor_days=30, max_days=3 * 365,
    anchor=_("after the answer"),
    reason=_("Kept long enough to show the resident what was answered and to handle a complaint about it."),
    action=retention.DELETE, model="emergencies.CorrectionRequest", due=due, purge=purge, person_field="person",
    live_people=live_people, covers=("emergencies.CorrectionRequest", "emergencies.LegalHold"), order=70,
))
