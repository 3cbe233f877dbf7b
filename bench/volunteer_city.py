"""What the volunteering benches share (not a benchmark itself): the scenario's volunteer platform loaded
set-wise into a scratch PostgreSQL database, a gunicorn node on it, and timed HTTP requests.

- `build(projects, signups, volunteers, communities, sessions_per_project, accounts)`: Fengtai with
  `communities` communities (with coordinates), one team each, `projects` open projects with
  `sessions_per_project` future sessions, `volunteers` registered volunteers and `signups` confirmed sign-ups
  spread over the sessions (each session's `taken` kept true), `accounts` of the volunteers with a password
  and an API token; returns what the benches need;
- `node(url, workers)`: a gunicorn node (DEBUG=0) on the database, as a context manager yielding its base URL;
- `get(base, path, cookies=None, headers=None)`: one request on a fresh connection, (seconds, status, body).
"""

from __future__ import annotations

import datetime as dt
import http.client
import secrets
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "bench-volunteer-2020"


def build(*, projects: int, signups: int, volunteers: int, communities: int = 60, sessions_per_project: int = 2,
          accounts: int = 20, places: int | None = None) -> dict:
    from common import analyze, community, district, residents
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from muster.accounts.actions import _sha
    from muster.accounts.models import ApiToken, Role, RoleGrant, User
    from muster.geo.models import Region
    from muster.people.models import Person
    from muster.testworld import make_region
    from muster.volunteering.actions import CONSENT_TEXT
    from muster.volunteering.models import Category, Project, Session, Signup, Team, Volunteer

    fengtai = district()
    first = community(fengtai)
    street = first.parent
    regions = [first] + [make_region(f"110106007{100 + i:03d}", f"社区{i}", Region.Level.COMMUNITY, street)
                         for i in range(communities - 1)]
    for i, r in enumerate(regions):  # a grid of communities about 1 km apart round 39.86, 116.29
        Region.objects.filter(pk=r.pk).update(lat=39.83 + (i // 8) * 0.009, lon=116.25 + (i % 8) * 0.012)
    boss = User.objects.create_user("bench-coordinator", password=PASSWORD)
    RoleGrant.objects.create(user=boss, role=Role.COORDINATOR, region=fengtai)
    teams = Team.objects.bulk_create([Team(name=f"志愿队{i}", region=r, created_by=boss) for i, r in enumerate(regions)])
    cats = [c for c, _ in Category.choices]
    titles = ("敲门行动入户登记", "核酸采样点秩序维护", "检测试剂包装", "数据录入与核对", "小区卡口值守", "居家人员代购跑腿")
    plist = Project.objects.bulk_create([
        Project(title=f"{titles[i % len(titles)]} 第{i}期", category=cats[i % len(cats)], team=teams[i % len(teams)],
                region=regions[i % len(regions)], description="协助社区开展疫情防控志愿服务。", min_age=18,
                created_by=boss) for i in range(projects)], batch_size=2000)
    today = timezone.localdate()
    per = max(1, -(-signups // max(1, projects * sessions_per_project)))  # sign-ups per session
    seats = places or per + 5
    slist = []
    for i, p in enumerate(plist):
        for k in range(sessions_per_project):
            start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1 + (i + k * 3) % 30), dt.time(8 + k * 5)))
            slist.append(Session(project=p, starts_at=start, ends_at=start + dt.timedelta(hours=4), places=seats,
                                 code=f"{secrets.randbelow(10**6):06d}"))
    slist = Session.objects.bulk_create(slist, batch_size=5000)
    residents(volunteers, first, name="志愿者")
    people = list(Person.objects.filter(region=first).order_by("pk").values_list("pk", flat=True)[:volunteers])
    now = timezone.now()
    Volunteer.objects.bulk_create([
        Volunteer(person_id=pid, birth_date=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28), region=regions[i % len(regions)],
                  categories=[cats[i % len(cats)]], consent_text=CONSENT_TEXT, consent_at=now) for i, pid in enumerate(people)],
        batch_size=5000)
    rows, n = [], 0
    for si, s in enumerate(slist):
        for k in range(per):
            if n >= signups:
                break
            rows.append(Signup(session=s, person_id=people[(si * 7 + k) % len(people)], status=Signup.Status.CONFIRMED))
            n += 1
        if len(rows) >= 20000:
            Signup.objects.bulk_create(rows)
            rows = []
    Signup.objects.bulk_create(rows)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("UPDATE volunteering_session s SET taken = c.n FROM (SELECT session_id, count(*) n FROM "
                    "volunteering_signup GROUP BY session_id) c WHERE c.session_id = s.id")
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create([User(username=f"vol{i}", password=hashed, person_id=people[i])
                                      for i in range(min(accounts, len(people)))], batch_size=2000)
    tokens = []
    for u in users:
        prefix = secrets.token_hex(4)
        secret = f"mst_{prefix}_{secrets.token_urlsafe(32)}"
        tokens.append((u, ApiToken(user=u, name="bench", prefix=prefix, key_hash=_sha(secret)), secret))
    ApiToken.objects.bulk_create([t for _u, t, _s in tokens], batch_size=2000)
    analyze()
    return {"projects": len(plist), "sessions": len(slist), "signups": Signup.objects.count(), "volunteers": len(people),
            "communities": len(regions), "users": [u.username for u in users], "tokens": [s for _u, _t, s in tokens],
            "session_ids": [s.pk for s in slist], "district": fengtai.code, "centre": (39.86, 116.29)}


@contextmanager
def node(url: str, workers: int = 2):
    from common import close_connections
    from desk_http import node_env
    from faults import Proc, free_port, wait_http

    var = Path(tempfile.mkdtemp(prefix="muster-volunteer-"))
    env = node_env(url, var, DJANGO_SETTINGS_MODULE="muster.settings", API_RATE_USER="100000/m",
                   VOLUNTEER_REGISTER_RATE_IP="100000/h")
    close_connections()
    import subprocess

    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT,
                   check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = Proc("node", [sys.executable, "-m", "gunicorn", "muster.wsgi", "--workers", str(workers), "--timeout", "120",
                         "--bind", f"127.0.0.1:{port}"], env, var / "node.log")
    proc.start()
    try:
        if not wait_http(base + "/login/", 90):
            raise RuntimeError(f"node did not start; see {var}")
        yield base
    finally:
        proc.stop()


def sign_in(base: str, username: str) -> dict[str, str]:
    import requests

    s = requests.Session()
    s.get(base + "/login/", timeout=10)
    r = s.post(base + "/login/", data={"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
               headers={"Referer": base + "/login/"}, timeout=20, allow_redirects=False)
    if r.status_code != 302:
        raise RuntimeError(f"sign-in of {username} answered {r.status_code}")
    return {"sessionid": s.cookies["sessionid"], "csrftoken": s.cookies["csrftoken"]}


def request(base: str, method: str, path: str, *, cookies: dict | None = None, headers: dict | None = None,
            body: bytes | None = None) -> tuple[float, int, bytes]:
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    h = dict(headers or {})
    if cookies:
        h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    t0 = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        return time.perf_counter() - t0, r.status, data
    finally:
        conn.close()
