"""Cadre deployment (下沉干部): a bulk need split over communities by households, filled from releasing units."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit
from muster.core.errors import Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.geo.models import Region
from muster.needs import actions
from muster.needs.apportion import largest_remainder
from muster.needs.audits import Audit
from muster.needs.models import Deployment, Need, NeedRole
from muster.people.models import Organisation

MAX_DEPLOYMENT = 100_000
MAX_DAYS = 90


def household_weights(communities: list[Region]) -> list[int]:
    """Households per community (registered rows, or the kept count if larger); where none are registered yet,
    its people divided by 2.5, a typical household."""
    from django.db.models import Count

    from muster.geo.models import Household

    counted = dict(Household.objects.filter(region__in=communities).values_list("region").annotate(n=Count("id")))
    return [max(c.households_count, counted.get(c.pk, 0)) or round(c.people_count / 2.5) for c in communities]


def deployment_post(*, actor, region: Region, title: str, total: int, communities: list[Region],
                    organisations: list[Organisation], role: NeedRole, start: dt.datetime, end: dt.datetime,
                    skills: tuple[str, ...] = (), notes: str = "") -> Deployment:
    """Post a deployment: `total` cadres over `communities` in proportion to their households (largest remainder),
    one need per community, to be filled from the government units in `organisations`."""
    scope = Scope.of(actor)
    if not scope.covers(region, MANAGERS):
        raise Forbidden(_("You can only deploy cadres within your own region."), field="region")
    if region.level not in (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET):
        raise InvalidInput(_("A deployment is posted by a city, district or street."), field="region")
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise InvalidInput(_("The title is required and has at most 120 characters."), field="title")
    if not isinstance(total, int) or not 1 <= total <= MAX_DEPLOYMENT:
        raise InvalidInput(_("The number of cadres must be between 1 and %(max)d.") % {"max": MAX_DEPLOYMENT}, field="total")
    communities = list({c.pk: c for c in communities}.values())
    if not communities:
        raise InvalidInput(_("Choose at least one community."), field="communities")
    outside = [c.name for c in communities if not region.contains(c) or c.level != Region.Level.COMMUNITY]
    if outside:
        raise InvalidInput(_("Not a community of %(region)s: %(names)s") % {"region": region.name, "names": "、".join(outside)},
                           field="communities")
    if not organisations:
        raise InvalidInput(_("Choose the units that release cadres."), field="organisations")
    bad = [o.name for o in organisations if o.kind != Organisation.Kind.GOVERNMENT or not scope.covers(o.region, MANAGERS)]
    if bad:
        raise InvalidInput(_("Only government units of your region release cadres: %(names)s") % {"names": "、".join(bad)},
                           field="organisations")
    if start is None or end is None or end <= start:
        raise InvalidInput(_("The end must be after the start."), field="end")
    if end - start > dt.timedelta(days=MAX_DAYS):
        raise InvalidInput(_("A deployment lasts at most %(n)d days.") % {"n": MAX_DAYS}, field="end")
    shares = largest_remainder(total, household_weights(communities))
    with atomic():
        dep = Deployment.objects.create(region=region, title=title, total=total, posted_by=actor)
        dep.organisations.set(organisations)
        for community, share in zip(communities, shares, strict=True):
            if share == 0:
                continue
            data = actions.NeedData(role=role, region=community, start=start, end=end, headcount=share, title=title,
                                    notes=notes, skills=skills, affiliation_kinds=(Organisation.Kind.GOVERNMENT,),
                                    urgency=Need.Urgency.HIGH, extra={"deployment": dep})
            fields, skill_rows = actions.clean_need(actor, data, max_duration=dt.timedelta(days=MAX_DAYS))
            actions.create_need(fields, skill_rows, posted_by=actor, deployment=dep)
        audit.record(actor=actor, action=Audit.DEPLOYMENT_POST, obj=dep, region=region,
                     changes={"total": total, "communities": {c.code: s for c, s in zip(communities, shares, strict=True)},
                              "organisations": [o.pk for o in organisations]})
    return dep
