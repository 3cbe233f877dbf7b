from ninja import Router, Schema

from muster.core.api import Paged, paged
from muster.geo import selectors
from muster.geo.models import Region, Site

router = Router(tags=["regions and sites"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    lat: float | None
    lon: float | None
    people_count: int
    households_count: int
    sites_count: int


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    region_name: str
    address: str
    lat: float | None
    lon: float | None
    active: bool


def region_out(r: Region) -> dict:
    return {"code": r.code, "name": r.name, "level": r.level, "parent": r.parent.code if r.parent_id and r.parent else None,
            "lat": r.lat, "lon": r.lon, "people_count": r.people_count, "households_count": r.households_count, "sites_count": r.sites_count}


def site_out(s: Site) -> dict:
    return {"id": s.id, "name": s.name, "kind": s.kind, "region": s.region.code, "region_name": s.region.name, "address": s.address,
            "lat": s.lat, "lon": s.lon, "active": s.active}


@router.get("/regions", response=Paged[RegionOut], summary="Search regions in your scope")
def list_regions(request, q: str = "", level: Region.Level | None = None, limit: int = 50, offset: int = 0):
    return paged(selectors.region_search(request.user, q, level=level), limit, offset, region_out)


@router.get("/regions/{code}", response=RegionOut)
def get_region(request, code: str):
    return region_out(selectors.region_get(request.user, code))


@router.get("/regions/{code}/children", response=Paged[RegionOut])
def region_children(request, code: str, limit: int = 100, offset: int = 0):
    region = selectors.region_get(request.user, code)
    return paged(selectors.region_children(request.user, region).select_related("parent"), limit, offset, region_out)


@router.get("/sites", response=Paged[SiteOut])
def list_sites(request, kind: Site.Kind | None = None, region: str = "", q: str = "", limit: int = 50, offset: int = 0):
    qs = selectors.sites_visible(request.user).order_by("region__code", "name")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__path__startswith=selectors.region_get(request.user, region).path)
    if q:
        qs = qs.filter(name__contains=q)
    return paged(qs, limit, offset, site_out)


@router.get("/sites/{int:site_id}", response=SiteOut)
def get_site(request, site_id: int):
    return site_out(selectors.site_get(request.user, site_id))
