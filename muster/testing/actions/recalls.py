"""Recalls: everyone in a positive pooled tube is found again and re-tested alone."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core import audit
from muster.core.errors import Conflict
from muster.core.transactions import atomic
from muster.testing.audits import Audit
from muster.testing.models import Recall, RecallItem, Sample, Tube
from muster.testing.permissions import require_manager


def recalls_follow_up(tubes: list[Tube], now) -> int:
    """Open recalls for positive pooled tubes; resolve recall items from single-tube results.

    Runs inside the caller's transaction (results_enter's, or the demo's); returns the number
    of recalls opened.
    """
    final = [t for t in tubes if t.final]
    if not final:
        return 0
    by_id = {t.pk: t for t in final}
    opened = 0
    pooled_pos = [t for t in final if t.result == Tube.Result.POSITIVE and t.count > 1]
    for t in pooled_pos:
        if Recall.objects.filter(tube=t).exists():
            continue
        recall = Recall.objects.create(campaign_id=t.campaign_id, tube=t)
        people = Sample.objects.filter(tube=t).values_list("person_id", flat=True)
        RecallItem.objects.bulk_create([RecallItem(recall=recall, person_id=p) for p in people])
        opened += 1
    singles = [t.pk for t in final if t.count == 1]
    if singles:
        items = list(RecallItem.objects.filter(resample__tube_id__in=singles).select_related("resample"))
        touched = set()
        for item in items:
            item.status = by_id[item.resample.tube_id].result  # negative/positive map onto the item's states
            item.resolved_at = now
            touched.add(item.recall_id)
        RecallItem.objects.bulk_update(items, ["status", "resolved_at"])
        for recall_id in touched:
            if not RecallItem.objects.filter(recall_id=recall_id).exclude(
                    status__in=[RecallItem.Status.NEGATIVE, RecallItem.Status.POSITIVE]).exists():
                Recall.objects.filter(pk=recall_id, status=Recall.Status.OPEN).update(status=Recall.Status.CLOSED, closed_at=now)
    return opened


def recall_contact(*, actor, item: RecallItem) -> RecallItem:
    """The community has reached the person and told them to isolate and come for a single tube."""
    require_manager(actor, item.person.region)
    with atomic():
        n = RecallItem.objects.filter(pk=item.pk, status=RecallItem.Status.PENDING).update(
            status=RecallItem.Status.CONTACTED, contacted_at=timezone.now())
        if not n:
            raise Conflict(_("This person has already been contacted."), code="recall_state")
        audit.record(actor=actor, action=Audit.RECALL_CONTACT, obj=item.person, region=item.person.region,
                     changes={"recall": item.recall_id})
    item.refresh_from_db()
    return item
