"""Reads of regions, sites, buildings and households, scoped by the acting user."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from muster.accounts.scoping import ALL_ROLES, MANAGERS, Scope
from muster.core.errors import NotFound
from muster.geo.models import Building, Household, Region, Site


def regions_visible(user) -> QuerySet[Region]:
    """Regions inside any subtree the user holds a role on."""
    return Region.objects.filter(Scope.of(user).region_q(field="", roles=ALL_ROLES))


def region_roots(user) -> QuerySet[Region]:
    """The top regions of the user's grants: where browsing starts."""
    scope = Scope.of(user)
    paths = scope.paths(ALL_ROLES)
    if paths == ["/"]:
        return Region.objects.filter(parent__isnull=True)
    return Region.objects.filter(path__in=paths)


def region_get(user, code: str) -> Region:
    region = regions_visible(user).select_related("parent").filter(code=code).first()
    if region is None:
        raise NotFound()
    return region


def region_children(user, region: Region) -> QuerySet[Region]:
    return regions_visible(user).filter(parent=region).order_by("code")


def region_ancestors(region: Region) -> list[Region]:
    ids = region.ancestor_ids()[:-1]
    by_id = Region.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def region_search(user, q: str, *, level: str | None = None) -> QuerySet[Region]:
    qs = regions_visible(user)
    q = (q or "").strip()
    if q:
        qs = qs.filter(code__startswith=q) if q.isdigit() else qs.filter(name__contains=q)
    if level:
        qs = qs.filter(level=level)
    return qs.select_related("parent").order_by("depth", "code")


def sites_visible(user) -> QuerySet[Site]:
    """Sites in the user's managed regions, plus the sites they work at."""
    scope = Scope.of(user)
    q = scope.region_q("region", MANAGERS)
    own = scope.site_ids()
    if own:
        q |= Q(pk__in=own)
    return Site.objects.filter(q).select_related("region")


def site_get(user, pk: int) -> Site:
    site = sites_visible(user).filter(pk=pk).first()
    if site is None:
        raise NotFound()
    return site


def buildings_visible(user) -> QuerySet[Building]:
    return Building.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("region")


def households_visible(user) -> QuerySet[Household]:
    return Household.objects.filter(Scope.of(user).region_q("region", MANAGERS)).select_related("region", "building")


def buildings_with_households(user, region: Region) -> QuerySet[Building]:
    """A community's buildings with their household and resident counts (managers only)."""
    return (buildings_visible(user).filter(region=region)
            .annotate(n_households=Count("households", distinct=True), n_people=Count("households__members", distinct=True))
            .order_by("name"))
