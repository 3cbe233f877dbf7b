"""The demo city: the real Beijing regions with deterministic synthetic people on top.

Everything is generated from a seed, so two runs give the same city and no real
personal data is ever committed. Other apps add their own demo data through
`muster.<app>.demo.build(ctx)` when such a module exists.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from importlib import resources

from django.db import transaction

from muster.core import pii

DEMO_PASSWORD = "muster-demo-2020"
SCENARIO = {
    "puanli": "110106007005",  # 蒲安里第二社区, Fengtai: the tent post of 163 days
    "bajiao": "110107003009",  # 八角中里社区, Shijingshan
    "xiguan": "110112003012",  # 西关社区, Tongzhou
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强文海燕云飞小红淑珍凤英玉梅德明振华晓东晓燕丽娟宏伟春梅秀珍国华文斌子涵浩然欣怡梓轩雨桐宇航思远佳怡俊杰"


def region_csv() -> bytes:
    return resources.files("muster.geo").joinpath("data/beijing.csv").read_bytes()


@dataclass
class DemoContext:
    rng: random.Random
    admin: object
    regions: dict[str, object] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    sites: dict[str, object] = field(default_factory=dict)


class IdFactory:
    """Valid, unique, synthetic resident ID numbers (prefix from the home district)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, district_code: str, birth_year: int, sex: str) -> str:
        while True:
            month, day = self.rng.randint(1, 12), self.rng.randint(1, 28)
            seq = self.rng.randint(0, 99) * 10 + self.rng.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8])
            first17 = f"{district_code[:6]}{birth_year:04d}{month:02d}{day:02d}{seq:03d}"
            number = first17 + pii.resident_check_digit(first17)
            if number not in self.used:
                self.used.add(number)
                return number


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given[:2]


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def build(*, seed: int = 2020, per_community: int = 10, progress=print) -> DemoContext:
    """Load regions and generate the demo city. Idempotent: does nothing if it exists."""
    from muster.accounts.models import User

    if User.objects.filter(username="command").exists():
        progress("Demo city already present; keeping it.")
        return None
    from muster.geo.actions import regions_import
    from muster.geo.models import Region

    admin, _c = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "管理员"})
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    if Region.objects.count() < 7000:
        progress("Importing 7,361 Beijing regions…")
        report = regions_import(actor=admin, data=region_csv(), filename="beijing.csv")
        if not report.ok:
            raise SystemExit(f"region import failed: {report.errors[:5]}")
    ctx = DemoContext(rng=random.Random(seed), admin=admin)
    ctx.regions = {k: Region.objects.get(code=v) for k, v in SCENARIO.items()}
    with transaction.atomic():
        _scenario(ctx)
        progress(f"Generating about {per_community} people in each of 7,007 communities…")
        _city(ctx, per_community)
        _users(ctx)
    # The emergency first, so the work joins it; then the facts of who may not be sent (tests, quarantine), so that the demo's
    # rosters, reports and dispatch proposal ask people.fitness about them like a real city would.
    for app in ("emergencies", "testing", "quarantine", "needs", "rosters", "checkpoints", "volunteering", "canvass"):
        try:
            module = importlib.import_module(f"muster.{app}.demo")
        except ModuleNotFoundError:
            continue
        progress(f"Demo data for {app}…")
        with transaction.atomic():
            module.build(ctx)
    from muster.geo.actions import region_counts_refresh

    region_counts_refresh()
    return ctx


def _person_rows(ctx: DemoContext, ids: IdFactory, region, n: int, *, min_year=1940, max_year=2015, households=None):
    from muster.people.models import Person

    rows = []
    for i in range(n):
        sex = ctx.rng.choice("MF")
        year = ctx.rng.randint(min_year, max_year)
        number = ids.make(region.code, year, sex)
        rows.append(Person(
            name=_name(ctx.rng), sex=sex, birth_year=year, phone=_phone(ctx.rng) if year < 2008 else "",
            id_type=pii.IdType.RESIDENT, id_cipher=pii.encrypt(number), id_hash=pii.lookup_hash(pii.IdType.RESIDENT, number),
            id_masked=pii.mask(number), region=region, household=households[i % len(households)] if households else None,
        ))
    return rows


def _scenario(ctx: DemoContext) -> None:
    from muster.geo.models import Building, Household, Site
    from muster.people.models import Affiliation, Organisation, Person, Skill

    rng = ctx.rng
    ids = ctx.ids = IdFactory(rng)
    skills = {s.code: s for s in Skill.objects.all()}
    through = Person.skills.through
    households_per = {"puanli": 524, "bajiao": 320, "xiguan": 300}
    for key, region in ctx.regions.items():
        lat, lon = region.lat or region.parent.lat, region.lon or region.parent.lon
        buildings = Building.objects.bulk_create([
            Building(region=region, name=f"{b}号楼", address=f"{region.name.replace('社区居委会', '')}{b}号楼",
                     lat=lat + rng.uniform(-0.003, 0.003), lon=lon + rng.uniform(-0.003, 0.003))
            for b in range(1, 1 + max(6, households_per[key] // 48))
        ])
        hh = []
        for b in buildings:
            for unit in ("1", "2", "3"):
                for floor in range(1, 7):
                    for room in ("01", "02"):
                        hh.append(Household(region=region, building=b, unit=unit, room=f"{floor}{room}",
                                            address=f"{b.address} {unit}单元 {floor}{room}"))
        households = Household.objects.bulk_create(hh[: households_per[key]])
        people = Person.objects.bulk_create(_person_rows(ctx, ids, region, int(len(households) * 2.1), households=households))
        for s in ("checkpoint", "collection", "office"):
            site_name = {"checkpoint": "南门值守点", "collection": "社区核酸采样点", "office": "社区居委会办公室"}[s]
            ctx.sites[f"{key}.{s}"] = Site.objects.create(region=region, kind=s, name=site_name, address=f"{region.name} {site_name}",
                                                          lat=lat + rng.uniform(-0.002, 0.002), lon=lon + rng.uniform(-0.002, 0.002))
        committee = Organisation.objects.create(region=region, name=f"{region.name}", kind=Organisation.Kind.RESIDENTS_COMMITTEE)
        Affiliation.objects.bulk_create([Affiliation(person=p, organisation=committee, role=Affiliation.Role.STAFF) for p in people[:6]])
        through.objects.bulk_create([through(person_id=p.pk, skill_id=skills[rng.choice(list(skills))].pk) for p in people if rng.random() < 0.3])
        ctx.regions[key].demo_people = people

    # The Fengtai gate team: 21 retired party members (average age 67) and 4 residents.
    puanli = ctx.regions["puanli"]
    branch = Organisation.objects.create(region=puanli, name="蒲安里第二社区党支部", kind=Organisation.Kind.PARTY_BRANCH)
    members = []
    ages = [60, 61, 62, 63, 64, 65, 65, 66, 66, 67, 67, 67, 68, 68, 69, 70, 70, 71, 72, 74, 72]  # mean 67
    for i, age in enumerate(ages):
        p = _person_rows(ctx, ids, puanli, 1, min_year=2020 - age, max_year=2020 - age)[0]
        p.household = puanli.demo_people[i].household
        members.append(p)
    members = Person.objects.bulk_create(members)
    Affiliation.objects.bulk_create([Affiliation(person=p, organisation=branch, role=Affiliation.Role.SECRETARY if i == 0 else Affiliation.Role.MEMBER)
                                     for i, p in enumerate(members)])
    team = Organisation.objects.create(region=puanli, name="南门值守队", kind=Organisation.Kind.RESIDENTS_COMMITTEE)
    residents = puanli.demo_people[10:14]
    Affiliation.objects.bulk_create([Affiliation(person=p, organisation=team, role=Affiliation.Role.VOLUNTEER) for p in [*members, *residents]])
    through.objects.bulk_create([through(person_id=p.pk, skill_id=skills["health_code_app"].pk) for p in members[::3]])
    ctx.gate_team = [*members, *residents]

    # A property agency in Shijingshan sends 12 staff who know every building.
    bajiao = ctx.regions["bajiao"]
    agency = Organisation.objects.create(region=bajiao, name="八角物业服务中心党支部", kind=Organisation.Kind.ENTERPRISE)
    # Everybody lives in a building of their community (its coordinates place them for dispatch and suggestions).
    staff = Person.objects.bulk_create(_person_rows(ctx, ids, bajiao, 12, min_year=1970, max_year=1998,
                                                    households=[p.household for p in bajiao.demo_people[-12:]]))
    Affiliation.objects.bulk_create([Affiliation(person=p, organisation=agency, role=Affiliation.Role.STAFF) for p in staff])
    through.objects.bulk_create([through(person_id=p.pk, skill_id=skills["building_knowledge"].pk) for p in staff])

    # A team of 15 university students volunteers in Tongzhou.
    xiguan = ctx.regions["xiguan"]
    school = Organisation.objects.create(region=xiguan, name="北京物资学院青年志愿者服务队", kind=Organisation.Kind.SCHOOL)
    students = Person.objects.bulk_create(_person_rows(ctx, ids, xiguan, 15, min_year=1998, max_year=2001,
                                                       households=[p.household for p in xiguan.demo_people[-15:]]))
    Affiliation.objects.bulk_create([Affiliation(person=p, organisation=school, role=Affiliation.Role.STUDENT) for p in students])
    for i, p in enumerate(students):
        for code in (["data_entry"], ["english"], ["first_aid"], ["medical"], ["car", "driver_license"])[i % 5]:
            through.objects.create(person_id=p.pk, skill_id=skills[code].pk)
    ctx.students = students
    ctx.staff = staff


def _city(ctx: DemoContext, per_community: int) -> None:
    from muster.geo.models import Region
    from muster.people.models import Organisation, Person

    rng = ctx.rng
    communities = list(Region.objects.filter(level=Region.Level.COMMUNITY).exclude(code__in=SCENARIO.values()).order_by("code"))
    homes = _city_homes(communities)
    batch = []
    for region in communities:
        batch.extend(_person_rows(ctx, ctx.ids, region, rng.randint(per_community // 2, per_community * 3 // 2),
                                  households=homes.get(region.pk)))
        if len(batch) >= 5000:
            Person.objects.bulk_create(batch, batch_size=1000)
            batch = []
    Person.objects.bulk_create(batch, batch_size=1000)
    # Government units that release cadres, one per district.
    for district in Region.objects.filter(level=Region.Level.DISTRICT):
        Organisation.objects.get_or_create(region=district, name=f"{district.name}机关工委", defaults={"kind": Organisation.Kind.GOVERNMENT})


def _city_homes(communities) -> dict[int, list]:
    """A few buildings per community, spread around its centre, with one household each to live in.

    People placed at their building rather than all at the community's centre give distances that
    differ, as they do in a real city. The spread comes from the community's code, so it is the same
    in every demo and independent of the order things are built in.
    """
    from muster.geo.models import Building, Household

    buildings = []
    for region in communities:
        if region.lat is None or region.lon is None:
            continue
        jitter = random.Random(f"buildings-{region.code}")
        buildings += [Building(region=region, name=f"{b}号楼", address=f"{region.name}{b}号楼",
                               lat=region.lat + jitter.uniform(-0.004, 0.004), lon=region.lon + jitter.uniform(-0.005, 0.005))
                      for b in range(1, 5)]
    buildings = Building.objects.bulk_create(buildings, batch_size=2000)
    households = Household.objects.bulk_create([Household(region_id=b.region_id, building=b, unit="1", room="101",
                                                          address=f"{b.address} 1单元 101") for b in buildings], batch_size=2000)
    homes: dict[int, list] = {}
    for h in households:
        homes.setdefault(h.region_id, []).append(h)
    return homes


def _lead(ctx: DemoContext, username: str, region):
    """The person behind a coordinator's account, so that alerts and reminders reach someone.

    Drawn from a generator of its own so the rest of the demo city stays as it was.
    """
    from muster.people.models import Person

    rng = random.Random(f"lead-{username}")
    year, sex = rng.randint(1968, 1990), rng.choice("MF")
    home = type(region).objects.filter(path__startswith=region.path, level=region.Level.COMMUNITY).order_by("code").first() or region
    number = IdFactory(rng).make(home.code, year, sex)  # the ID number's prefix is the home district's code
    while number in ctx.ids.used:
        number = IdFactory(rng).make(home.code, year, sex)
    ctx.ids.used.add(number)
    return Person.objects.create(
        name=_name(rng), sex=sex, birth_year=year, phone=_phone(rng), id_type=pii.IdType.RESIDENT,
        id_cipher=pii.encrypt(number), id_hash=pii.lookup_hash(pii.IdType.RESIDENT, number), id_masked=pii.mask(number),
        region=home,
    )


def _users(ctx: DemoContext) -> None:
    from muster.accounts.models import Role, RoleGrant, User
    from muster.geo.models import Region, Site

    lab_region = Region.objects.get(code="110106007000")
    lab, _c = Site.objects.get_or_create(region=ctx.regions["puanli"], name="丰台区疾控中心实验室", defaults={"kind": Site.Kind.LAB})
    ctx.sites["lab"] = lab
    plan = [
        ("command", "市指挥部", Role.COMMAND, "110000000000", None, None),
        ("fengtai", "丰台区指挥部", Role.COMMAND, "110106000000", None, None),
        ("street", "东铁匠营街道", Role.COORDINATOR, "110106007000", None, None),
        ("puanli", "蒲安里第二社区", Role.COORDINATOR, SCENARIO["puanli"], None, None),
        ("bajiao", "八角中里社区", Role.COORDINATOR, SCENARIO["bajiao"], None, None),
        ("xiguan", "西关社区", Role.COORDINATOR, SCENARIO["xiguan"], None, None),
        ("sitelead", "采样点负责人", Role.SITE_LEAD, SCENARIO["puanli"], "puanli.collection", None),
        ("sampler", "采样员", Role.SAMPLER, SCENARIO["puanli"], "puanli.collection", None),
        ("clerk", "登记员", Role.CLERK, SCENARIO["puanli"], "puanli.collection", None),
        ("lab", "检测员", Role.LAB_TECH, lab_region.code, "lab", None),
        ("member", "党员", Role.MEMBER, SCENARIO["puanli"], None, ctx.gate_team[1]),
        ("volunteer", "志愿者", Role.VOLUNTEER, SCENARIO["xiguan"], None, ctx.students[0]),
    ]
    for username, label, role, code, site_key, person in plan:
        if person is None and role in (Role.COMMAND, Role.COORDINATOR):
            person = _lead(ctx, username, Region.objects.get(code=code))
        user = User.objects.create(username=username, first_name=label, person=person)
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        RoleGrant.objects.create(user=user, role=role, region=Region.objects.get(code=code),
                                 site=ctx.sites[site_key] if site_key else None, granted_by=ctx.admin)
        ctx.users[username] = user
        ctx.logins.append((username, str(Role(role).label), label))
