"""Writes to regions, sites, buildings and households. Each is one audited transaction."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from django.db.models import Count, F
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit
from muster.core.errors import Forbidden, InvalidInput
from muster.core.imports import ImportReport, RowError, read_table
from muster.core.transactions import atomic
from muster.geo.audits import Audit
from muster.geo.models import Building, Household, Region, Site

LEVELS = {
    "province": Region.Level.PROVINCE,
    "city": Region.Level.CITY,
    "county": Region.Level.DISTRICT,
    "district": Region.Level.DISTRICT,
    "town": Region.Level.STREET,
    "street": Region.Level.STREET,
    "village": Region.Level.COMMUNITY,
    "community": Region.Level.COMMUNITY,
}


def _float(value: str, lo: float, hi: float) -> float | None:
    if value in ("", None):
        return None
    v = float(value)
    if not lo <= v <= hi:
        raise ValueError
    return v


def regions_import(*, actor, data: bytes, filename: str = "regions.csv", progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update regions from a file of code,parent,name,level[,urban_rural,longitude,latitude].

    Idempotent by code; all-or-nothing: any invalid row and nothing is written.
    """
    report = ImportReport()
    rows: list[dict] = []
    seen: set[str] = set()
    for line, row in read_table(data, filename):
        report.total += 1
        code = row.get("code", "")
        if not re.fullmatch(r"\d{12}", code):
            report.errors.append(RowError(line, "code", _("A region code has 12 digits.")))
            continue
        if code in seen:
            report.errors.append(RowError(line, "code", _("This code appears twice in the file.")))
            continue
        seen.add(code)
        level = LEVELS.get(row.get("level", "").lower())
        if level is None:
            report.errors.append(RowError(line, "level", _("Unknown level: use province, city, district, street or community.")))
            continue
        if not row.get("name"):
            report.errors.append(RowError(line, "name", _("The name is empty.")))
            continue
        try:
            lon = _float(row.get("longitude", ""), 73, 136)
            lat = _float(row.get("latitude", ""), 3, 54)
        except ValueError:
            report.errors.append(RowError(line, "longitude", _("Coordinates must be numbers inside China.")))
            continue
        rows.append({"line": line, "code": code, "parent": row.get("parent", ""), "name": row["name"][:100], "level": level,
                     "urban_rural": row.get("urban_rural", "")[:3], "lat": lat, "lon": lon})
    existing = dict(Region.objects.values_list("code", "id"))
    for r in rows:
        if r["parent"] and r["parent"] not in seen and r["parent"] not in existing:
            report.errors.append(RowError(r["line"], "parent", _("The parent code %(code)s is neither in the file nor in the database.") % {"code": r["parent"]}))
    if report.errors:
        return report

    with atomic():
        by_code = {r.code: r for r in Region.objects.all()}
        # Parents first: sort by the depth each row gets from its parent chain.
        parent_of = {r["code"]: r["parent"] for r in rows}
        for code, region in by_code.items():
            parent_of.setdefault(code, region.parent.code if region.parent_id else "")

        def depth(code: str) -> int:
            d = 0
            while parent_of.get(code):
                code = parent_of[code]
                d += 1
                if d > 10:
                    raise InvalidInput(_("The parent links form a cycle."), field="parent")
            return d

        rows.sort(key=lambda r: (depth(r["code"]), r["code"]))
        # One level at a time: parents exist (with ids) before their children are
        # created, so a new region's path is known from its parent's without a re-save.
        done = 0
        changed_rows: list[Region] = []
        moved: list[tuple[str, str]] = []
        for level_depth in sorted({depth(r["code"]) for r in rows}):
            level_rows = [r for r in rows if depth(r["code"]) == level_depth]
            new_regions = []
            for r in level_rows:
                parent = by_code.get(r["parent"]) if r["parent"] else None
                fields = {"name": r["name"], "level": r["level"], "urban_rural": r["urban_rural"], "lat": r["lat"], "lon": r["lon"],
                          "parent_id": parent.id if parent else None}
                region = by_code.get(r["code"])
                if region is None:
                    new_regions.append(Region(code=r["code"], path=f"/new-{r['code']}/", depth=level_depth, **fields))
                    continue
                changed = audit.diff(region, fields)
                new_path = (parent.path if parent else "/") + f"{region.id}/"
                if region.path != new_path or region.depth != level_depth:
                    moved.append((region.path, new_path))
                    changed["path"] = [region.path, new_path]
                    region.path, region.depth = new_path, level_depth
                if changed:
                    changed_rows.append(region)
                    report.updated += 1
                else:
                    report.unchanged += 1
            created = Region.objects.bulk_create(new_regions, batch_size=500)
            for region in created:
                parent = by_code.get(parent_of[region.code]) if parent_of.get(region.code) else None
                region.path = (parent.path if parent else "/") + f"{region.id}/"
                by_code[region.code] = region
            Region.objects.bulk_update(created, ["path"], batch_size=500)
            report.created += len(created)
            done += len(level_rows)
            if progress:
                progress(len(level_rows))
        if changed_rows:
            Region.objects.bulk_update(changed_rows, ["name", "level", "urban_rural", "lat", "lon", "parent_id", "path", "depth"], batch_size=500)
        # A region that moved takes the descendants the file did not mention along with it.
        in_file = {r["code"] for r in rows}
        for old, new in moved:
            stale = [d for d in Region.objects.filter(path__startswith=old) if d.code not in in_file]
            for d in stale:
                d.path = new + d.path[len(old):]
                d.depth = d.path.count("/") - 2
            Region.objects.bulk_update(stale, ["path", "depth"], batch_size=500)
        audit.record(actor=actor, action=Audit.REGIONS_IMPORT, changes={"file": filename, "created": report.created,
                                                                    "updated": report.updated, "unchanged": report.unchanged})
    return report


def region_counts_refresh() -> None:
    """Recompute every region's subtree totals from the rows (after bulk loads)."""
    from muster.people.models import Person

    regions = list(Region.objects.only("id", "path"))
    totals: dict[str, dict[int, int]] = {}
    for key, qs in (
        ("people_count", Person.objects.values("region_id").annotate(n=Count("id"))),
        ("sites_count", Site.objects.values("region_id").annotate(n=Count("id"))),
        ("households_count", Household.objects.values("region_id").annotate(n=Count("id"))),
    ):
        own = {row["region_id"]: row["n"] for row in qs}
        sub: dict[int, int] = defaultdict(int)
        by_id = {r.id: r for r in regions}
        for rid, n in own.items():
            if rid in by_id:
                for anc in by_id[rid].ancestor_ids():
                    sub[anc] += n
        totals[key] = sub
    for r in regions:
        r.people_count = totals["people_count"].get(r.id, 0)
        r.sites_count = totals["sites_count"].get(r.id, 0)
        r.households_count = totals["households_count"].get(r.id, 0)
    with atomic():
        Region.objects.bulk_update(regions, ["people_count", "sites_count", "households_count"], batch_size=1000)


def region_count_add(region: Region, field: str, delta: int) -> None:
    """Add `delta` to a subtree total on the region and all its ancestors (inside the caller's transaction)."""
    if delta:
        Region.objects.filter(id__in=region.ancestor_ids()).update(**{field: F(field) + delta})


def _require_manager(actor, region: Region) -> None:
    if not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("You can only change data inside your own region."))


def _require_community(region: Region) -> None:
    if region.level != Region.Level.COMMUNITY:
        raise InvalidInput(_("Choose a community or village, not a higher level."), field="region")


def site_create(*, actor, region: Region, kind: str, name: str, address: str = "", lat: float | None = None, lon: float | None = None) -> Site:
    """Create a site in a community inside the actor's region."""
    _require_manager(actor, region)
    _require_community(region)
    if kind not in Site.Kind.values:
        raise InvalidInput(_("Unknown site kind."), field="kind")
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("The name is empty."), field="name")
    with atomic():
        if Site.objects.filter(region=region, name=name).exists():
            raise InvalidInput(_("A site with this name already exists in this community."), field="name")
        site = Site.objects.create(region=region, kind=kind, name=name, address=address.strip(), lat=lat, lon=lon)
        region_count_add(region, "sites_count", 1)
        audit.record(actor=actor, action=Audit.SITE_CREATE, obj=site, region=region, changes={"kind": kind, "name": name})
    return site


def site_update(*, actor, site: Site, **fields) -> Site:
    _require_manager(actor, site.region)
    allowed = {k: v for k, v in fields.items() if k in {"name", "address", "kind", "lat", "lon", "active"}}
    if "kind" in allowed and allowed["kind"] not in Site.Kind.values:
        raise InvalidInput(_("Unknown site kind."), field="kind")
    with atomic():
        changed = audit.diff(site, allowed)
        if changed:
            site.save(update_fields=list(changed))
            audit.record(actor=actor, action=Audit.SITE_UPDATE, obj=site, region=site.region, changes=changed)
    return site


def building_create(*, actor, region: Region, name: str, address: str = "", lat=None, lon=None) -> Building:
    _require_manager(actor, region)
    _require_community(region)
    with atomic():
        building, created = Building.objects.get_or_create(region=region, name=name.strip(), defaults={"address": address, "lat": lat, "lon": lon})
        if created:
            audit.record(actor=actor, action=Audit.BUILDING_CREATE, obj=building, region=region)
    return building


def household_create(*, actor, building: Building, unit: str, room: str) -> Household:
    _require_manager(actor, building.region)
    if not room.strip():
        raise InvalidInput(_("The room number is empty."), field="room")
    with atomic():
        household, created = Household.objects.get_or_create(
            building=building, unit=unit.strip(), room=room.strip(),
            defaults={"region": building.region, "address": f"{building.address} {building.name} {unit}-{room}".strip()},
        )
        if created:
            region_count_add(building.region, "households_count", 1)
            audit.record(actor=actor, action=Audit.HOUSEHOLD_CREATE, obj=household, region=building.region)
    return household
