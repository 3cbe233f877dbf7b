"""The purge: what is past its retention goes, in batches, each batch its own transaction.

For each record type of the registry (`core.retention`), in order (the person record first:
its eligibility reads the rows the later types detach), the engine takes the type's due rows
minus those under a legal hold, in primary-key order, `batch` at a time, and has the type purge
each batch inside one transaction together with the run's progress. So:

- an interrupted purge leaves whole batches done and the rest untouched: nobody is half
  anonymised (a person is one UPDATE), and the next run finds the rest by the same due query;
- a legal hold is read at the start of every batch, so one placed during a run takes effect
  at the next batch; the type's `purge` asks its due question of the batch's window itself,
  under the batch's locks, so a row is judged once, in the transaction that purges it;
- the desk's hot path never waits on more than one batch's row locks (about 1,000 people);
- a dry run only counts: per type, rows due and rows kept by a hold.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone

from muster.core import retention
from muster.core.transactions import atomic
from muster.emergencies.audits import Audit
from muster.emergencies.models import LegalHold, PurgeRun, RetentionPolicy

log = logging.getLogger("muster.emergencies")

BATCH = 1000
# A run still RUNNING after this long has lost its process (the next run says so and resumes).
STALE_AFTER = dt.timedelta(hours=6)


def policy_days() -> dict[str, int]:
    """Days per record type: this deployment's policy, else the type's default."""
    stored = dict(RetentionPolicy.objects.values_list("key", "days"))
    return {t.key: stored.get(t.key, t.default_days) for t in retention.types()}


def clock(now: dt.datetime | None = None) -> retention.Clock:
    return retention.Clock(now=now or timezone.now(), days=policy_days())


def held() -> tuple[set[int], dict[str, set[int]]]:
    """People under a hold (directly or through a held record) and held record ids per type."""
    people: set[int] = set()
    objects: dict[str, set[int]] = {}
    for person_id, key, object_id in LegalHold.objects.filter(lifted_at__isnull=True).values_list(
            "person_id", "record_type", "object_id"):
        if person_id:
            people.add(person_id)
        if key and object_id is not None:
            objects.setdefault(key, set()).add(object_id)
    for key, ids in objects.items():
        t = retention.get(key)
        if t is None or not t.model or not t.person_field:
            continue
        from django.apps import apps

        model = apps.get_model(t.model)
        field = "pk" if t.person_field == "pk" else t.person_field
        people.update(p for p in model._default_manager.filter(pk__in=ids).values_list(field, flat=True) if p)
    return people, objects


def _hold_q(t: retention.RecordType, people: set[int], objects: dict[str, set[int]]) -> Q:
    q = Q(pk__in=objects.get(t.key, set())) if objects.get(t.key) else Q(pk__in=[])
    if people and t.person_field:
        q |= Q(**{f"{t.person_field}__in": people}) if t.person_field != "pk" else Q(pk__in=people)
    return q


def purgeable() -> list[retention.RecordType]:
    return [t for t in retention.types() if t.due is not None and t.purge is not None]


def plan(now: dt.datetime | None = None) -> dict:
    """A dry run's numbers without recording a run: per type, rows due and rows a hold keeps."""
    c = clock(now)
    people, objects = held()
    out = {}
    for t in purgeable():
        due = t.due(c)
        kept = due.filter(_hold_q(t, people, objects)).count() if (people or objects.get(t.key)) else 0
        out[t.key] = {"due": due.count() - kept, "held": kept, "days": c.days[t.key], "action": t.action}
    return out


def _mark_stale() -> None:
    (PurgeRun.objects.filter(status=PurgeRun.Status.RUNNING, started_at__lt=timezone.now() - STALE_AFTER)
     .update(status=PurgeRun.Status.INTERRUPTED, finished_at=timezone.now()))


def run(*, actor=None, dry_run: bool = False, batch: int = BATCH, now: dt.datetime | None = None,
        progress: Callable[[str, int], None] | None = None, only: list[str] | None = None) -> PurgeRun:
    """Purge (or, with dry_run, count) everything past its retention; returns the run with its report.

    Not an action in the one-transaction sense: each batch commits on its own, with the run's
    progress, so that a crash loses at most the batch under way and the next run resumes.
    """
    from muster.core import audit

    _mark_stale()
    c = clock(now)
    with atomic():
        pr = PurgeRun.objects.create(actor=actor if getattr(actor, "pk", None) else None, dry_run=dry_run,
                                     report={"types": {}, "now": c.now.isoformat()})
    try:
        if dry_run:
            pr.report["types"] = plan(c.now)
        else:
            for t in purgeable():
                if only and t.key not in only:
                    continue
                _purge_type(pr, t, c, batch, progress)
        people, objects = held()
        pr.report["holds"] = {"people": len(people), "records": sum(len(v) for v in objects.values())}
        pr.status, pr.finished_at = PurgeRun.Status.DONE, timezone.now()
        with atomic():
            pr.save(update_fields=["report", "status", "finished_at"])
            audit.record(actor=actor, action=Audit.RETENTION_DRY_RUN if dry_run else Audit.RETENTION_PURGE, obj=pr,
                         object_repr=f"purge {pr.pk}", changes={k: {n: v for n, v in r.items() if n != "action"}
                                                                for k, r in pr.report["types"].items()})
    except BaseException as exc:
        pr.status, pr.finished_at, pr.error = PurgeRun.Status.FAILED, timezone.now(), f"{type(exc).__name__}: {exc}"[:300]
        PurgeRun.objects.filter(pk=pr.pk).update(status=pr.status, finished_at=pr.finished_at, error=pr.error,
                                                 report=pr.report)
        log.exception("purge %s failed; the next run resumes", pr.pk)
        raise
    return pr


def _purge_type(pr: PurgeRun, t: retention.RecordType, c: retention.Clock, batch: int, progress) -> None:
    row = pr.report["types"].setdefault(t.key, {"days": c.days[t.key], "action": t.action, "deleted": 0,
                                                "anonymised": 0, "held": 0, "batches": 0})
    field = "deleted" if t.action == retention.DELETE else "anonymised"
    from django.apps import apps

    model = apps.get_model(t.model)
    last = 0
    while True:
        # A window of the next `batch` rows by primary key, then the type's due question asked of
        # those rows only: each batch costs the same at row 1,000 and at row 2,000,000 (asked of
        # the whole table with a LIMIT, PostgreSQL's anti-joins walked every sample each time).
        window = list(model._default_manager.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not window:
            break
        last = window[-1]
        with atomic():
            people, objects = held()  # each batch: a hold placed during the run counts at once
            pks = window
            if people or objects.get(t.key):
                pks = list(model._default_manager.filter(pk__in=window).exclude(_hold_q(t, people, objects))
                           .values_list("pk", flat=True))
            # The type asks its due question of the window itself, under the batch's locks: asked
            # here first as well, it cost a second pass of the most expensive query of the purge.
            n = t.purge(pks, c) if pks else 0
            if not n:
                continue
            row[field] += n
            row["batches"] += 1
            PurgeRun.objects.filter(pk=pr.pk).update(report=pr.report)
        if progress:
            progress(t.key, row[field])
    row["held"] = t.due(c).filter(_hold_q(t, *held())).count()
