"""Retention of passage checks: 28 days after the entry, the line loses its person.

A passage line holds who passed, their temperature, health code and a note. After
`checkpoints.passage` days (28 by default: two incubation periods, what tracing a fever or a
case needs) the person link, the visitor's name and the note are cleared; time, direction,
temperature, health code and the fever flag stay, so a post's daily counts and fever figures
are unchanged. A fever alert's outcome text is cleared with it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.checkpoints.models import FeverAlert, Passage
from muster.core import retention

KEY = "checkpoints.passage"


def due(clock: retention.Clock) -> QuerySet:
    cleared = Q(person__isnull=True, visitor_name=retention.PLACEHOLDER, note="")
    return Passage.objects.filter(at__lt=clock.cutoff(KEY)).exclude(cleared).order_by()


def purge(pks: list[int], clock: retention.Clock) -> int:
    ids = list(due(clock).filter(pk__in=pks).values_list("pk", flat=True))
    FeverAlert.objects.filter(passage_id__in=ids).exclude(outcome="").update(outcome="")
    return Passage.objects.filter(pk__in=ids).update(person=None, visitor_name=retention.PLACEHOLDER, note="")


def live_people(clock: retention.Clock) -> QuerySet:
    return Passage.objects.filter(at__gte=clock.cutoff(KEY), person__isnull=False).values("person_id")


def subject(person) -> list[dict]:
    from django.utils import timezone

    rows = Passage.objects.filter(person=person).select_related("post").order_by("-at")[:500]
    return [{str(_("Time")): f"{timezone.localtime(p.at):%Y-%m-%d %H:%M}", str(pgettext_lazy("checkpoint post", "Post")): p.post.name,
             str(_("Direction")): p.get_direction_display(), str(_("Temperature (°C)")): str(p.temperature),
             str(_("Health code")): p.get_health_code_display()} for p in rows]


retention.register(retention.RecordType(
    key=KEY, label=_("Passage records (temperature, health code)"), default_days=28, floor_days=14, max_days=90,
    anchor=_("after the entry"),
    reason=_("Two incubation periods (2 × 14 days) cover tracing from a fever or a case back through the gates; "
             "beyond that a line with a name and a temperature only exposes movements."),
    action=retention.ANONYMISE, model="checkpoints.Passage", due=due, purge=purge, person_field="person",
    live_people=live_people, covers=("checkpoints.Passage",), order=30, subject=subject,
))
