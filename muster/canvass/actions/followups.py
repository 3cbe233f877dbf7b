"""Follow-up lists after the door-knock: daily checks of a finding's household (an elderly person living alone,
medicines), and twice-daily checks of a door that got a notice after the last round, until someone reports."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.canvass.audits import Audit
from muster.canvass.models import Campaign, Door, Finding, FollowUp, FollowUpCheck
from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic

DAILY, TWICE_DAILY = 24, 12


def _require_leader(actor, campaign: Campaign) -> None:
    if not Scope.of(actor).covers(campaign.region, MANAGERS):
        raise Forbidden(_("Only the campaign's leaders may do this."))


def followups_open(*, actor, campaign: Campaign, rule: str = "", notices: bool = False, every_hours: int | None = None,
                   assignee=None) -> list[FollowUp]:
    """Put on the follow-up list every household whose finding matched `rule` (checked daily by default), or,
    with `notices`, every door with a notice after the last round (checked twice a day). Already listed ones
    are left as they are, so asking again adds only what is new."""
    _require_leader(actor, campaign)
    if not rule and not notices:
        raise InvalidInput(_("Choose a finding or the door notices."), field="rule")
    if rule and rule not in {r["key"] for r in campaign.rules}:
        raise InvalidInput(_("This campaign has no such finding."), field="rule")
    every = every_hours or (TWICE_DAILY if notices else DAILY)
    if not 1 <= every <= 168:
        raise InvalidInput(_("Check between every hour and once a week."), field="every_hours")
    now = timezone.now()
    with atomic():
        if notices:
            taken = set(FollowUp.objects.filter(campaign=campaign, kind=FollowUp.Kind.NOTICE).values_list("door_id", flat=True))
            doors = (Door.objects.filter(campaign=campaign, status=Door.Status.NOTICE).exclude(pk__in=taken)
                     .select_related("building", "household"))
            rows = [FollowUp(campaign=campaign, door=d, kind=FollowUp.Kind.NOTICE, every_hours=every, assignee=assignee,
                             label=f"{d.building.name if d.building else ''} {d.unit}-{d.household.room}".strip(),
                             due_at=now, region_id=d.region_id, created_by=actor) for d in doors]
        else:
            taken = set(FollowUp.objects.filter(campaign=campaign, kind=FollowUp.Kind.FINDING).values_list("finding_id", flat=True))
            found = (Finding.objects.filter(campaign=campaign, rule=rule).exclude(pk__in=taken)
                     .select_related("visit_person__visit__door__building", "visit_person__visit__door__household"))
            rows = []
            for f in found:
                d = f.visit_person.visit.door
                rows.append(FollowUp(campaign=campaign, door=d, finding=f, kind=FollowUp.Kind.FINDING, every_hours=every,
                                     assignee=assignee, label=f"{f.label} · {d.building.name if d.building else ''} "
                                     f"{d.unit}-{d.household.room}"[:120], due_at=now, region_id=d.region_id, created_by=actor))
        FollowUp.objects.bulk_create(rows)
        audit.record(actor=actor, action=Audit.FOLLOWUP_OPEN, obj=campaign, region=campaign.region,
                     changes={"rule": rule, "notices": notices, "every_hours": every, "added": len(rows)})
    return rows


def followup_check(*, actor, follow_up: FollowUp, key: str, result: str, note: str = "",
                   checked_at: dt.datetime | None = None) -> tuple[FollowUpCheck, bool]:
    """Record one check (by the leader or the person it is assigned to); the next one falls due a period later.
    "Someone reported" closes a door notice's checks. The same key again returns the first check."""
    key = (key or "").strip()
    if not key or len(key) > 100:
        raise InvalidInput(_("An idempotency key of 1 to 100 characters is required."), field="key")
    first = FollowUpCheck.objects.filter(key=key).first()
    if first is not None:
        if first.checked_by_id != actor.pk or first.follow_up_id != follow_up.pk:
            raise InvalidInput(_("This idempotency key was used by someone else."), field="key")
        return first, False
    if follow_up.assignee_id != actor.pk and not Scope.of(actor).covers(follow_up.campaign.region, MANAGERS):
        raise Forbidden(_("Only the campaign's leaders may do this."))
    if result not in FollowUpCheck.Result.values:
        raise InvalidInput(_("Choose what the check found."), field="result")
    if len(note or "") > 200:
        raise InvalidInput(_("The note has at most 200 characters."), field="note")
    now = timezone.now()
    at = checked_at or now
    if timezone.is_naive(at) or not (now - dt.timedelta(days=2) <= at <= now + dt.timedelta(minutes=10)):
        raise InvalidInput(_("The check's time is not plausible; check the phone's clock."), field="checked_at")
    try:
        with atomic():
            fu = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
            if fu.status != FollowUp.Status.OPEN:
                raise Conflict(_("This follow-up is closed."), code="followup_closed")
            check = FollowUpCheck.objects.create(follow_up=fu, result=result, note=(note or "").strip(), key=key,
                                                 checked_by=actor, checked_at=at)
            fu.due_at = max(fu.due_at, at + dt.timedelta(hours=fu.every_hours))
            fields = ["due_at"]
            if fu.kind == FollowUp.Kind.NOTICE and result == FollowUpCheck.Result.REPORTED:
                fu.status = FollowUp.Status.CLOSED
                fields.append("status")
            fu.save(update_fields=fields)
            follow_up.due_at, follow_up.status = fu.due_at, fu.status
            audit.record(actor=actor, action=Audit.FOLLOWUP_CHECK, obj=fu, region=fu.region,
                         changes={"result": result, "closed": fu.status == FollowUp.Status.CLOSED})
    except IntegrityError:
        first = FollowUpCheck.objects.filter(key=key, checked_by=actor).first()
        if first is None:
            raise
        return first, False
    return check, True


def followup_close(*, actor, follow_up: FollowUp) -> FollowUp:
    """The leader ends a follow-up (the person moved, the case went elsewhere)."""
    _require_leader(actor, follow_up.campaign)
    with atomic():
        if not FollowUp.objects.filter(pk=follow_up.pk, status=FollowUp.Status.OPEN).update(status=FollowUp.Status.CLOSED):
            raise Conflict(_("This follow-up is closed."), code="followup_closed")
        audit.record(actor=actor, action=Audit.FOLLOWUP_CLOSE, obj=follow_up, region=follow_up.region)
    follow_up.refresh_from_db()
    return follow_up
