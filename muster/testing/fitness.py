"""Testing's answer to the fitness question (muster.people.fitness): who must not be sent because of a test.

- "recall_open": in a positive pooled tube and not yet re-tested alone (or the single
  tube's result not yet in): they were told to isolate until it is.
- "positive": a positive result of their own — a recall resolved positive, or a positive
  tube that held only their swab — with no negative result of theirs after it.
- "contact": an active close-contact single-tube flag.

These are facts of today with no end date: they refuse every duty until they change.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muster.people import fitness
from muster.testing.models import RecallItem, Sample, SingleTubeFlag, Tube

OPEN_RECALL = (RecallItem.Status.PENDING, RecallItem.Status.CONTACTED, RecallItem.Status.RESAMPLED)


def point_duty(point, now=None) -> fitness.Duty:
    """Working on a collection point's team for the rest of its campaign (sampling: never under 18)."""
    campaign = point.campaign
    now = now or timezone.now()
    start = now if campaign.starts_at < now < campaign.ends_at else campaign.starts_at
    return fitness.Duty.spanning(fitness.Kind.SAMPLING, start, campaign.ends_at)


def testing_reasons(person_ids, duties):
    found: dict[int, list[fitness.Reason]] = {}

    def add(pid: int, reason: fitness.Reason) -> None:
        found.setdefault(pid, []).append(reason)

    positive: dict[int, object] = {}  # person -> time of their latest positive (None: not known)

    def seen_positive(pid: int, at) -> None:
        prev = positive.get(pid)
        positive[pid] = at if prev is None else (max(prev, at) if at is not None else prev)

    for pid, at in RecallItem.objects.filter(person_id__in=person_ids, status=RecallItem.Status.POSITIVE).values_list(
            "person_id", "resolved_at"):
        seen_positive(pid, at)
    for pid, at in Sample.objects.filter(person_id__in=person_ids, tube__result=Tube.Result.POSITIVE, tube__count=1).values_list(
            "person_id", "tube__resulted_at"):
        seen_positive(pid, at)
    if positive:
        cleared = set()
        for pid, at in Sample.objects.filter(person_id__in=list(positive), tube__result=Tube.Result.NEGATIVE).values_list(
                "person_id", "tube__resulted_at"):
            if at is not None and positive[pid] is not None and at > positive[pid]:
                cleared.add(pid)
        for pid in sorted(set(positive) - cleared):
            add(pid, fitness.Reason("positive"))
    for pid in sorted(set(RecallItem.objects.filter(person_id__in=person_ids, status__in=OPEN_RECALL)
                          .values_list("person_id", flat=True))):
        add(pid, fitness.Reason("recall_open"))
    for pid in sorted(set(SingleTubeFlag.objects.filter(person_id__in=person_ids, reason=SingleTubeFlag.Reason.CONTACT,
                                                        active=True).values_list("person_id", flat=True))):
        add(pid, fitness.Reason("contact"))
    for pid, reasons in found.items():
        for d in duties:
            for r in reasons:
                yield d, pid, r


fitness.register("testing", testing_reasons, {
    "positive": _("Positive result"),
    "recall_open": _("Single-tube re-test not done"),
    "contact": _("Flagged as a close contact"),
}, {"positive": _("positive result"), "recall_open": _("single-tube re-test pending"), "contact": _("close contact")})
