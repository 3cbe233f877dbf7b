"""Campaigns and their collection points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils.translation import gettext as _

from muster.core import audit, purpose
from muster.core.errors import Conflict, InvalidInput
from muster.core.transactions import atomic
from muster.geo.models import Region, Site
from muster.people.models import Person
from muster.testing.audits import Audit
from muster.testing.models import POOL_SIZES, Campaign, CollectionPoint
from muster.testing.permissions import require_manager
from muster.testing.selectors import labs_usable


@dataclass
class CampaignData:
    name: str
    region: Region
    starts_at: dt.datetime
    ends_at: dt.datetime
    pool_size: int = 10
    round: int = 1
    prevalence: float = 0.001
    labs: tuple[Site, ...] = ()


def _clean_campaign(data: CampaignData) -> None:
    if not (data.name or "").strip() or len(data.name) > 120:
        raise InvalidInput(_("The name is required and has at most 120 characters."), field="name")
    if data.pool_size not in POOL_SIZES:
        raise InvalidInput(_("The pooling ratio must be 1, 5, 10 or 20."), field="pool_size")
    if data.ends_at <= data.starts_at:
        raise InvalidInput(_("The campaign must end after it starts."), field="ends_at")
    if not (0 < data.prevalence < 1):
        raise InvalidInput(_("The expected prevalence must be between 0 and 1."), field="prevalence")
    if not (1 <= data.round <= 999):
        raise InvalidInput(_("The round must be between 1 and 999."), field="round")
    for lab in data.labs:
        if lab.kind != Site.Kind.LAB:
            raise InvalidInput(_("%(name)s is not a laboratory.") % {"name": lab.name}, field="labs")


def campaign_create(*, actor, data: CampaignData) -> Campaign:
    """Start a campaign over a region; the target population is counted from the registry."""
    require_manager(actor, data.region)
    _clean_campaign(data)
    usable = set(labs_usable(actor).filter(pk__in=[lab.pk for lab in data.labs]).values_list("pk", flat=True))
    for lab in data.labs:
        if lab.pk not in usable:
            raise InvalidInput(_("%(name)s is not a lab your region may use.") % {"name": lab.name}, field="labs")
    target = Person.objects.filter(region__path__startswith=data.region.path).count()
    with atomic():
        campaign = Campaign.objects.create(name=data.name.strip(), region=data.region, round=data.round, starts_at=data.starts_at,
                                           ends_at=data.ends_at, pool_size=data.pool_size, prevalence=data.prevalence,
                                           target_population=target, created_by=actor,
                                           emergency_id=purpose.emergency_for(data.region))
        campaign.labs.set(data.labs)
        audit.record(actor=actor, action=Audit.CAMPAIGN_CREATE, obj=campaign, region=data.region,
                     changes={"pool_size": data.pool_size, "round": data.round, "target": target,
                              "labs": [lab.name for lab in data.labs]})
    return campaign


def campaign_set_status(*, actor, campaign: Campaign, status: str) -> Campaign:
    require_manager(actor, campaign.region)
    if status not in Campaign.Status.values:
        raise InvalidInput(_("Unknown status."), field="status")
    with atomic():
        old = campaign.status
        Campaign.objects.filter(pk=campaign.pk).update(status=status)
        campaign.status = status
        audit.record(actor=actor, action=Audit.CAMPAIGN_STATUS, obj=campaign, region=campaign.region,
                     changes={"status": [old, status]})
    return campaign


def point_add(*, actor, campaign: Campaign, site: Site, desks: int = 2, opens: dt.time = dt.time(7), closes: dt.time = dt.time(22)) -> CollectionPoint:
    """Add a collection site of the campaign's region to the campaign."""
    require_manager(actor, campaign.region)
    if site.kind != Site.Kind.COLLECTION:
        raise InvalidInput(_("Only collection points can take part in sampling."), field="site")
    if not campaign.region.contains(site.region):
        raise InvalidInput(_("This collection point is outside the campaign's region."), field="site")
    if not (1 <= desks <= 200):
        raise InvalidInput(_("Desks must be between 1 and 200."), field="desks")
    if closes <= opens:
        raise InvalidInput(_("The point must close after it opens."), field="closes")
    try:
        with atomic():
            point = CollectionPoint.objects.create(campaign=campaign, site=site, desks=desks, opens=opens, closes=closes)
            audit.record(actor=actor, action=Audit.POINT_ADD, obj=point, region=site.region,
                         changes={"campaign": campaign.pk, "desks": desks, "hours": f"{opens:%H:%M}-{closes:%H:%M}"})
    except IntegrityError:
        raise Conflict(_("This collection point is already part of the campaign."), field="site") from None
    return point


def campaign_apply_plan(*, actor, campaign: Campaign, pool_size: int, prevalence: float, target_population: int,
                        desks_per_point: int | None = None) -> Campaign:
    """Write the planner's figures to the campaign in one step: its pooling ratio, expected prevalence and
    population, and the desks at each of its collection points (when the plan gives them)."""
    require_manager(actor, campaign.region)
    if campaign.status == Campaign.Status.CLOSED:
        raise Conflict(_("This campaign is closed: its plan can no longer change."))
    if pool_size not in POOL_SIZES:
        raise InvalidInput(_("Pooling ratio must be one of %(sizes)s.") % {"sizes": ", ".join(map(str, POOL_SIZES))}, field="pool_size")
    if not 0 < prevalence <= 0.5:
        raise InvalidInput(_("Expected prevalence must be above 0 and at most 0.5."), field="prevalence")
    if not 0 <= target_population <= 30_000_000:
        raise InvalidInput(_("The population must be between 0 and 30 million."), field="target_population")
    if desks_per_point is not None and not 1 <= desks_per_point <= 200:
        raise InvalidInput(_("Desks must be between 1 and 200."), field="desks")
    with atomic():
        fresh = Campaign.objects.select_for_update().get(pk=campaign.pk)
        new = {"pool_size": pool_size, "prevalence": prevalence, "target_population": target_population}
        changes = {k: [getattr(fresh, k), v] for k, v in new.items() if getattr(fresh, k) != v}
        if changes:
            Campaign.objects.filter(pk=fresh.pk).update(**new)
        if desks_per_point is not None:
            points = list(CollectionPoint.objects.filter(campaign=fresh).exclude(desks=desks_per_point).select_related("site"))
            if points:
                CollectionPoint.objects.filter(pk__in=[p.pk for p in points]).update(desks=desks_per_point)
                changes["desks"] = {p.site.name: [p.desks, desks_per_point] for p in points}
        audit.record(actor=actor, action=Audit.CAMPAIGN_PLAN_APPLY, obj=campaign, region=campaign.region, changes=changes)
    for k, v in new.items():
        setattr(campaign, k, v)
    return campaign
