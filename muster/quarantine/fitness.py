"""Quarantine's answer to the fitness question (muster.people.fitness): who is under observation on a duty's days.

- "quarantine": an active centralised case whose stay overlaps the duty's days. A case
  still active past its planned end (a test missing, a release not yet signed) is taken
  to last until today at least. A case that ends before the duty begins does not refuse it.
- "observation": a quarantine single-tube flag with no active case behind it — somebody
  under home observation (or quarantined elsewhere) flagged by hand or by import. Such a
  flag carries no end date, so it refuses every duty until it is lifted.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muster.people import fitness
from muster.quarantine.models import Case
from muster.testing.models import SingleTubeFlag


def quarantine_reasons(person_ids, duties):
    today = timezone.localdate()
    in_case = set()
    for pid, start, planned_end in Case.objects.filter(person_id__in=person_ids, status=Case.Status.ACTIVE).values_list(
            "person_id", "start", "planned_end"):
        in_case.add(pid)
        until = max(planned_end, today)
        for d in duties:
            if start <= d.last and until >= d.start:
                yield d, pid, fitness.Reason("quarantine", {"until": until})
    flagged = set(SingleTubeFlag.objects.filter(person_id__in=person_ids, reason=SingleTubeFlag.Reason.QUARANTINE,
                                                active=True).values_list("person_id", flat=True))
    for pid in sorted(flagged - in_case):
        for d in duties:
            yield d, pid, fitness.Reason("observation")


fitness.register("quarantine", quarantine_reasons, {
    "quarantine": _("In centralised quarantine until %(until)s"),
    "observation": _("Under home observation"),
}, {"quarantine": _("in quarantine"), "observation": _("under home observation")})
