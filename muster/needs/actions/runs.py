"""Writes to dispatch runs: start one (inline when small, queued when large), keep some of its lines,
confirm it (each kept line becomes an accepted report) or discard it.

The work itself (building the engine's instance, solving, writing the proposal) is in
`muster.needs.dispatching`; the queued task (`muster.needs.tasks`) only calls it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit
from muster.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.geo.models import Region
from muster.needs import dispatching, tasks
from muster.needs.actions.reports import report_create
from muster.needs.audits import Audit
from muster.needs.models import Deployment, DispatchRun, ProposalLine, Report


def dispatch_start(*, actor, region: Region, max_km: float = dispatching.DEFAULT_MAX_KM,
                   deployment: Deployment | None = None, background: bool | None = None) -> DispatchRun:
    """Start a dispatch run for the actor's region (or a deployment); small runs finish before this returns."""
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("You can only run the dispatcher for your own region."))
    try:
        max_km = float(max_km)
    except (TypeError, ValueError):
        raise InvalidInput(_("The radius must be a number of kilometres."), field="max_km") from None
    if not 0.1 <= max_km <= 100:
        raise InvalidInput(_("The radius must be between 0.1 and 100 km."), field="max_km")
    with atomic():
        run = DispatchRun.objects.create(region=region, deployment=deployment, max_km=max_km, requested_by=actor)
        audit.record(actor=actor, action=Audit.DISPATCH_START, obj=run, region=region,
                     changes={"max_km": max_km, "deployment": deployment.pk if deployment else None})
    # A request may ask for the background but not keep a large run inline: a city-wide run once
    # held a request for 54 s. Above the sizes a run is background-only, whatever was asked.
    if not background:
        people = region.people_count if deployment is None else dispatching.SYNC_MAX_PEOPLE
        needs = len(dispatching.run_needs(run)) if people <= dispatching.SYNC_MAX_PEOPLE else dispatching.SYNC_MAX_NEEDS + 1
        background = people > dispatching.SYNC_MAX_PEOPLE or needs > dispatching.SYNC_MAX_NEEDS
    if background:
        transaction.on_commit(lambda: tasks.dispatch_run.enqueue(run.pk))
    else:
        dispatching.dispatch_execute(run.pk)
        run.refresh_from_db()
    return run


def _manage_run(actor, run: DispatchRun) -> None:
    if not Scope.of(actor).covers(run.region, MANAGERS):
        raise Forbidden()


def proposal_adjust(*, actor, run: DispatchRun, keep: set[int]) -> int:
    """Keep only the given lines of a ready proposal; returns how many are kept."""
    _manage_run(actor, run)
    if run.status != DispatchRun.Status.READY:
        raise Conflict(_("Only a proposal waiting for review can be changed."))
    with atomic():
        ProposalLine.objects.filter(run=run).exclude(pk__in=keep).update(included=False)
        kept = ProposalLine.objects.filter(run=run, pk__in=keep).update(included=True)
        audit.record(actor=actor, action=Audit.DISPATCH_ADJUST, obj=run, region=run.region, changes={"kept": kept})
    return kept


def proposal_confirm(*, actor, run: DispatchRun) -> DispatchRun:
    """Turn every kept line into an accepted report and notify the people.

    Refused (dispatching.ProposalSuperseded, ProposalStale) when a newer proposal replaces this one, when
    the needs changed since it was made, or when someone kept in it may no longer be sent; a
    stale proposal is marked expired with the reason. Lines that no longer fit otherwise (the
    need filled meanwhile, the person booked elsewhere) are skipped with the reason on the line.
    """
    _manage_run(actor, run)
    if run.status != DispatchRun.Status.READY and run.status != DispatchRun.Status.SUPERSEDED:
        raise Conflict(_("This proposal is not waiting for review any more."))
    stale = dispatching.proposal_staleness(run)
    if stale is not None:
        with atomic():
            if isinstance(stale, dispatching.ProposalSuperseded):
                DispatchRun.objects.filter(pk=run.pk, status=DispatchRun.Status.READY).update(status=DispatchRun.Status.SUPERSEDED)
            else:
                DispatchRun.objects.filter(pk=run.pk, status=DispatchRun.Status.READY).update(
                    status=DispatchRun.Status.EXPIRED, error=str(stale.message)[:300])
            audit.record(actor=actor, action=Audit.DISPATCH_REFUSE, obj=run, region=run.region,
                         changes={"code": stale.code, "reason": str(stale.message)[:300]})
        raise stale
    with atomic():
        if not DispatchRun.objects.filter(pk=run.pk, status=DispatchRun.Status.READY).update(status=DispatchRun.Status.CONFIRMED):
            raise Conflict(_("This proposal is not waiting for review any more."))
        confirmed = 0
        for line in ProposalLine.objects.filter(run=run, included=True).select_related(
                "need", "need__region", "need__role", "need__site", "person"):
            try:
                report = report_create(actor=actor, need=line.need, person=line.person, accept=True,
                                       source=Report.Source.DISPATCH, note=line.reason)
                line.report, line.outcome = report, ""
                confirmed += 1
            except DomainError as e:
                line.outcome = str(e.message)[:200]
            line.save(update_fields=["report", "outcome"])
        DispatchRun.objects.filter(pk=run.pk).update(confirmed_count=confirmed)
        if run.deployment_id:
            Deployment.objects.filter(pk=run.deployment_id).update(status=Deployment.Status.ALLOCATED)
        audit.record(actor=actor, action=Audit.DISPATCH_CONFIRM, obj=run, region=run.region, changes={"confirmed": confirmed})
        # The older proposals for these needs were made without the people just accepted.
        older = [r.pk for r in dispatching.overlapping(run, [DispatchRun.Status.READY], newer=False)]
        if older:
            DispatchRun.objects.filter(pk__in=older, status=DispatchRun.Status.READY).update(
                status=DispatchRun.Status.SUPERSEDED, superseded_by=run)
    run.refresh_from_db()
    return run


def proposal_discard(*, actor, run: DispatchRun) -> None:
    _manage_run(actor, run)
    with atomic():
        if not DispatchRun.objects.filter(pk=run.pk, status__in=[DispatchRun.Status.READY, DispatchRun.Status.FAILED]).update(
                status=DispatchRun.Status.DISCARDED):
            raise Conflict(_("This proposal is not waiting for review any more."))
        audit.record(actor=actor, action=Audit.DISPATCH_DISCARD, obj=run, region=run.region)
