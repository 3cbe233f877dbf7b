"""Writes of emergencies and retention: declare, close, set a policy, place and lift holds, purge,
and residents' correction requests. Each one transaction with its audit event."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muster.accounts.models import Role
from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit, retention
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.models import AuditEvent
from muster.core.transactions import atomic
from muster.emergencies import work
from muster.emergencies.audits import Audit
from muster.emergencies.models import CorrectionRequest, Emergency, LegalHold, PurgeRun, RetentionPolicy
from muster.geo.models import Region

COMMAND = frozenset({Role.COMMAND})


def may_command(user, region: Region) -> bool:
    return Scope.of(user).covers(region, COMMAND)


def is_deployment_command(user) -> bool:
    """Retention is set per deployment: command over the whole city (a grant at the top two levels)."""
    scope = Scope.of(user)
    return scope.is_superuser or any(g.role == Role.COMMAND and g.region.depth <= 1 for g in scope.grants)


def _require_deployment_command(actor) -> None:
    if not is_deployment_command(actor):
        raise Forbidden(_("Only city command sets retention, holds and purges."))


def emergency_declare(*, actor, name: str, region: Region, level: str, purpose: str,
                      started_at: dt.datetime | None = None) -> Emergency:
    """Command declares an emergency for a region it commands."""
    if not may_command(actor, region):
        raise Forbidden(_("Only command over this region may declare an emergency for it."))
    if level not in Emergency.Level.values:
        raise InvalidInput(_("Unknown response level."), field="level")
    if not (name or "").strip():
        raise InvalidInput(_("An emergency needs a name."), field="name")
    if not (purpose or "").strip():
        raise InvalidInput(_("State the purpose: personal data may be used for it only."), field="purpose")
    started_at = started_at or timezone.now()
    if started_at > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidInput(_("An emergency cannot start in the future."), field="started_at")
    with atomic():
        e = Emergency.objects.create(name=name.strip(), region=region, level=level, purpose=purpose.strip(),
                                     started_at=started_at, declared_by=actor)
        adopted = _adopt_since_start(e)
        audit.record(actor=actor, action=Audit.EMERGENCY_DECLARE, obj=e, region=region,
                     changes={"level": level, "region": region.code, "adopted": adopted})
    return e


def _adopt_since_start(emergency: Emergency) -> dict[str, int]:
    """Work begun in the region since the emergency started, and belonging to none, joins it.

    An emergency is often declared days after it began (Beijing: the outbreak on 11 June, level
    Ⅱ on 16 June); the campaigns, needs and posts set up meanwhile are its work. Work that
    already belongs to another emergency stays there: moving it is command's decision
    (`emergency_attach`), since it changes the purpose the data may serve.
    """
    adopted = {}
    for k in work.kinds():
        qs = k.within(emergency).filter(**{f"{k.fk}__isnull": True})
        if "created_at" in {f.name for f in k.model._meta.fields}:
            qs = qs.filter(created_at__gte=emergency.started_at)
        n = k.model._default_manager.filter(pk__in=list(qs.values_list("pk", flat=True))).update(**{k.fk: emergency})
        if n:
            adopted[k.label] = n
    return adopted


def emergency_attach(*, actor, emergency: Emergency, kind: str, ids: list[int]) -> int:
    """Command attaches work in the emergency's region to it: work of none, or moved from another.

    The audit event keeps which emergency each row belonged to before, since the link bounds
    what its personal data may be used for.
    """
    if not may_command(actor, emergency.region):
        raise Forbidden(_("Only command over this region may attach work to its emergency."))
    if emergency.status != Emergency.Status.ACTIVE:
        raise Conflict(_("This emergency is over: no work can join it."))
    k = work.kind(kind)
    if k is None:
        raise InvalidInput(_("Unknown kind of work."), field="kind")
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise InvalidInput(_("Choose the work to attach."), field="ids")
    with atomic():
        rows = dict(k.within(emergency).filter(pk__in=wanted).select_for_update().values_list("pk", k.fk))
        missing = [i for i in wanted if i not in rows]
        if missing:
            raise InvalidInput(_("Not in this emergency's region: %(ids)s.") % {"ids": ", ".join(map(str, missing[:10]))},
                               field="ids")
        moved = {pk: before for pk, before in rows.items() if before != emergency.pk}
        n = k.model._default_manager.filter(pk__in=list(moved)).update(**{k.fk: emergency})
        audit.record(actor=actor, action=Audit.EMERGENCY_ATTACH, obj=emergency, region=emergency.region,
                     changes={"kind": k.label, "ids": sorted(moved), "from": {str(pk): b for pk, b in moved.items()}})
    return n


def emergency_close(*, actor, emergency: Emergency, ended_at: dt.datetime | None = None) -> Emergency:
    """Command declares the emergency over; from then its data's retention clocks can run out."""
    if not may_command(actor, emergency.region):
        raise Forbidden(_("Only command over this region may declare the emergency over."))
    ended_at = ended_at or timezone.now()
    if ended_at < emergency.started_at:
        raise InvalidInput(_("An emergency cannot end before it started."), field="ended_at")
    with atomic():
        n = Emergency.objects.filter(pk=emergency.pk, status=Emergency.Status.ACTIVE).update(
            status=Emergency.Status.CLOSED, ended_at=ended_at, closed_by=actor)
        if not n:
            raise Conflict(_("This emergency is already over."))
        audit.record(actor=actor, action=Audit.EMERGENCY_CLOSE, obj=emergency, region=emergency.region)
    emergency.refresh_from_db()
    return emergency


def policy_set(*, actor, key: str, days: int) -> RetentionPolicy:
    """Set this deployment's days for a record type, within the type's floor and maximum."""
    _require_deployment_command(actor)
    t = retention.get(key)
    if t is None or t.action == retention.KEEP:
        raise InvalidInput(_("Unknown record type."), field="key")
    if not (t.floor_days <= days <= t.max_days):
        raise InvalidInput(_("Between %(floor)s and %(max)s days for this record type.") % {"floor": t.floor_days, "max": t.max_days},
                           field="days")
    with atomic():
        policy = RetentionPolicy.objects.filter(key=key).first()
        old = policy.days if policy else t.default_days
        if policy is None:
            policy = RetentionPolicy.objects.create(key=key, days=days, updated_by=actor)
        else:
            policy.days, policy.updated_by = days, actor
            policy.save(update_fields=["days", "updated_by", "updated_at"])
        audit.record(actor=actor, action=Audit.RETENTION_POLICY, obj=policy, changes={"days": [old, days]})
    return policy


def hold_place(*, actor, reason: str, person=None, record_type: str = "", object_id: int | None = None) -> LegalHold:
    """Keep a person's data, or one record and its person, out of every purge."""
    _require_deployment_command(actor)
    if not (reason or "").strip():
        raise InvalidInput(_("A hold needs a reason."), field="reason")
    if person is None and not (record_type and object_id):
        raise InvalidInput(_("Name a person or a record."), field="record_type")
    if record_type and retention.get(record_type) is None:
        raise InvalidInput(_("Unknown record type."), field="record_type")
    with atomic():
        hold = LegalHold.objects.create(person=person, record_type=record_type or "", object_id=object_id,
                                        reason=reason.strip(), placed_by=actor)
        audit.record(actor=actor, action=Audit.RETENTION_HOLD, obj=hold, object_repr=f"hold {hold.pk}",
                     changes={"record_type": record_type, "object_id": object_id, "person": getattr(person, "pk", None)})
    return hold


def hold_lift(*, actor, hold: LegalHold) -> LegalHold:
    _require_deployment_command(actor)
    with atomic():
        n = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(lifted_at=timezone.now(), lifted_by=actor)
        if not n:
            raise Conflict(_("This hold was lifted already."))
        audit.record(actor=actor, action=Audit.RETENTION_HOLD_LIFT, obj=hold, object_repr=f"hold {hold.pk}")
    hold.refresh_from_db()
    return hold


def purge_start(*, actor, dry_run: bool, batch: int | None = None) -> PurgeRun:
    """Run a purge (or a dry run) now, in this process; the periodic job runs the same."""
    from muster.emergencies import purging

    _require_deployment_command(actor)
    if not dry_run and PurgeRun.objects.filter(status=PurgeRun.Status.RUNNING, dry_run=False,
                                               started_at__gte=timezone.now() - purging.STALE_AFTER).exists():
        raise Conflict(_("A purge is running already."))
    return purging.run(actor=actor, dry_run=dry_run, batch=batch or purging.BATCH)


def own_data_read(*, actor, person, download: bool = False) -> None:
    """A resident looked at (or downloaded) their own data: on the trail, so that a stolen session shows up.

    Not recorded as a read of the person record: "who looked at me" lists others, not the resident.
    """
    audit.record(actor=actor, action=Audit.MYDATA_DOWNLOAD if download else Audit.MYDATA_VIEW,
                 kind=AuditEvent.Kind.READ, object_repr="", region=person.region, changes={"person": person.pk})


def own_data_refused(*, actor, person, asked: int) -> None:
    """Someone asked for a resident's data that is not theirs: nothing is shown, the attempt is recorded."""
    audit.record(actor=actor, action=Audit.MYDATA_REFUSED, kind=AuditEvent.Kind.READ, object_repr=f"person {asked}",
                 region=getattr(person, "region", None), changes={"asked": asked, "own": getattr(person, "pk", None)})


def correction_request(*, person, text: str) -> CorrectionRequest:
    """A resident asks for a correction; it goes to their home community's coordinators."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Say what is wrong."), field="text")
    with atomic():
        req = CorrectionRequest.objects.create(person=person, region=person.region, text=text[:2000])
        audit.record(actor=None, action=Audit.MYDATA_CORRECTION, obj=req, region=person.region,
                     object_repr=f"correction {req.pk}")
    return req


def correction_answer(*, actor, request: CorrectionRequest, answer: str) -> CorrectionRequest:
    if not Scope.of(actor).covers(request.region, MANAGERS):
        raise Forbidden()
    with atomic():
        n = CorrectionRequest.objects.filter(pk=request.pk, status=CorrectionRequest.Status.OPEN).update(
            status=CorrectionRequest.Status.DONE, answer=(answer or "").strip()[:2000], answered_by=actor,
            answered_at=timezone.now())
        if not n:
            raise Conflict(_("This request was answered already."))
        audit.record(actor=actor, action=Audit.MYDATA_CORRECTION_ANSWER, obj=request, region=request.region,
                     object_repr=f"correction {request.pk}")
    request.refresh_from_db()
    return request
