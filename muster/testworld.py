"""The shared test world: a small city with two districts and a user of every role.

`world.outsider` coordinates the neighbouring community of `world.puanli`, so a
permission test is one line: what `world.coordinator` sees, `world.outsider` must not.
"""

from __future__ import annotations

from types import SimpleNamespace

from muster.accounts.models import Role, RoleGrant, User
from muster.geo.models import Region, Site

PASSWORD = "correct-horse-battery-9"


def make_region(code: str, name: str, level: str, parent: Region | None = None, lat=None, lon=None) -> Region:
    region = Region.objects.create(code=code, name=name, level=level, parent=parent, path=f"/tmp-{code}/",
                                   depth=(parent.depth + 1) if parent else 0, lat=lat, lon=lon)
    region.path = (parent.path if parent else "/") + f"{region.id}/"
    region.save(update_fields=["path"])
    return region


def make_user(username: str, role: str | None = None, region: Region | None = None, site: Site | None = None, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        if region is None:
            raise ValueError(f"a {role} grant needs a region")
        RoleGrant.objects.create(user=user, role=role, region=region, site=site)
    return user


def build_world() -> SimpleNamespace:
    from muster.people.actions import PersonData, person_create
    from muster.people.catalogue import ensure_skills

    ensure_skills()

    L = Region.Level
    w = SimpleNamespace()
    w.beijing = make_region("110000000000", "北京市", L.PROVINCE, lat=39.90, lon=116.40)
    w.city = make_region("110100000000", "市辖区", L.CITY, w.beijing)
    w.fengtai = make_region("110106000000", "丰台区", L.DISTRICT, w.city, 39.85, 116.28)
    w.shijingshan = make_region("110107000000", "石景山区", L.DISTRICT, w.city, 39.90, 116.22)
    w.street = make_region("110106007000", "东铁匠营街道", L.STREET, w.fengtai, 39.86, 116.42)
    w.bajiao_street = make_region("110107003000", "八角街道", L.STREET, w.shijingshan, 39.91, 116.19)
    w.puanli = make_region("110106007005", "蒲安里第二社区", L.COMMUNITY, w.street, 39.8629, 116.4204)
    w.neighbour = make_region("110106007004", "蒲安里第一社区", L.COMMUNITY, w.street, 39.8630, 116.4146)
    w.bajiao = make_region("110107003009", "八角中里社区", L.COMMUNITY, w.bajiao_street, 39.9100, 116.1960)

    w.gate = Site.objects.create(region=w.puanli, kind=Site.Kind.CHECKPOINT, name="南门值守点", lat=39.8628, lon=116.4203)
    w.collection = Site.objects.create(region=w.puanli, kind=Site.Kind.COLLECTION, name="采样点")
    w.neighbour_gate = Site.objects.create(region=w.neighbour, kind=Site.Kind.CHECKPOINT, name="北门值守点")
    w.lab_site = Site.objects.create(region=w.bajiao, kind=Site.Kind.LAB, name="实验室")

    w.admin = make_user("admin", is_superuser=True, is_staff=True)
    w.command = make_user("command", Role.COMMAND, w.city)
    w.district_command = make_user("fengtai", Role.COMMAND, w.fengtai)
    w.street_coordinator = make_user("street", Role.COORDINATOR, w.street)
    w.coordinator = make_user("coordinator", Role.COORDINATOR, w.puanli)
    w.outsider = make_user("outsider", Role.COORDINATOR, w.neighbour)
    w.bajiao_coordinator = make_user("bajiao", Role.COORDINATOR, w.bajiao)
    w.site_lead = make_user("sitelead", Role.SITE_LEAD, w.puanli, w.collection)
    w.sampler = make_user("sampler", Role.SAMPLER, w.puanli, w.collection)
    w.clerk = make_user("clerk", Role.CLERK, w.puanli, w.collection)
    w.lab_tech = make_user("labtech", Role.LAB_TECH, w.bajiao, w.lab_site)
    w.nobody = make_user("nobody")

    w.alice = person_create(actor=w.admin, data=PersonData(name="张秀英", region=w.puanli, phone="13800000001",
                                                           id_number="11010519491231002X", skills=("health_code_app",)))
    w.bob = person_create(actor=w.admin, data=PersonData(name="李建国", region=w.neighbour, phone="13800000002",
                                                         id_number="110106195312150035"))
    w.carol = person_create(actor=w.admin, data=PersonData(name="王芳", region=w.bajiao, phone="13800000003",
                                                           id_type="passport", id_number="E12345678"))
    w.member = make_user("member", Role.MEMBER, w.puanli, person=w.alice)
    w.volunteer = make_user("volunteer", Role.VOLUNTEER, w.bajiao, person=w.carol)
    from muster.geo.actions import region_counts_refresh

    region_counts_refresh()
    for r in (w.beijing, w.city, w.fengtai, w.shijingshan, w.street, w.bajiao_street, w.puanli, w.neighbour, w.bajiao):
        r.refresh_from_db()
    return w
