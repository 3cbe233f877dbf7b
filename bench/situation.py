"""Benchmark: the situation page of a district (Fengtai) in a city of a million people, over HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/muster_bench_situation .venv/bin/python bench/situation.py \
        [--people 1000000] [--requests 200] [--workers 2]

Stages:
  city      bench/regions.py builds (or reuses) the database named in DATABASE_URL: the 7,361 Beijing regions
            and --people synthetic residents loaded with COPY (run as a subprocess, exactly as it runs alone);
  activity  a day and a half of a district campaign in Fengtai, written set-wise (COPY and bulk inserts) and
            replaced on every run: every Fengtai resident sampled 10-in-1 at a collection point of their street
            (yesterday and today, by the hour), tubes boxed by point and hour, boxes received and resulted or
            still on the road (some overdue), positive pools with their recalls, needs, posts with shifts under
            way and check-ins, passages with fever alerts, quarantine cases in and out over two weeks;
  serve     one gunicorn node (DEBUG=0, --workers sync workers) on the database; a Fengtai command user signs in
            (GET and POST /login/, as a browser does);
  time      GET /situation/ (the district page) and GET / (the home page, the baseline) alternately, one client,
            --requests of each, after a few warm-up requests; the situation page must answer 200 with the district's
            streets in it.

Prints JSON: the activity's sizes, p50/p95/max in ms of both pages, the ratio of the situation page's p95 to the
home page's, and whether the target (situation p95 < 300 ms) is met.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import pct, setup  # noqa: E402 - bench/common.py
from desk_http import node_env, sign_in  # noqa: E402 - the desk bench's node and sign-in
from faults import PASSWORD, Proc, free_port, wait_http  # noqa: E402 - the fault bench's nodes

TARGET_MS = 300
FENGTAI = "110106000000"


def city(url: str, people: int) -> None:
    """The regions and the people, by bench/regions.py itself (it reuses what is already loaded)."""
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, str(ROOT / "bench" / "regions.py"), "--people", str(people), "--requests", "10"],
                   env=env, check=True)


def _copy(cur, table: str, columns: list[str], rows: list[tuple]) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buf.getvalue())


def activity(seed: int = 2020) -> dict:
    """Replace the district's activity with a fresh day and a half of it; the sizes written."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from muster.accounts.models import Role, RoleGrant, User
    from muster.geo.models import Region, Site
    from muster.needs.models import Need, NeedRole
    from muster.rosters.models import Post
    from muster.testing import actions as testing

    rng = random.Random(seed)
    now = timezone.now()
    with connection.cursor() as cur:
        # every run starts from the same empty slate (the people and regions stay)
        cur.execute("TRUNCATE testing_recallitem, testing_recall, testing_report, testing_sample, testing_tube, testing_custodyevent,"
                    " testing_box, testing_collectionpoint, testing_teammember, testing_registration, testing_campaign_labs,"
                    " testing_campaign, checkpoints_feveralert, checkpoints_passage, rosters_checkin, rosters_assignment,"
                    " rosters_roster, rosters_post, needs_report, needs_need_skills, needs_need, quarantine_casetest,"
                    " quarantine_releasenotice, quarantine_case RESTART IDENTITY CASCADE")
        cur.execute("DELETE FROM geo_site WHERE name LIKE 'bench-%%'")
        cur.execute("DELETE FROM core_auditevent") if _has_table(cur, "core_auditevent") else None

    fengtai = Region.objects.get(code=FENGTAI)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin", password="x")
    command, _ = User.objects.get_or_create(username="bench-fengtai")
    command.set_password(PASSWORD)
    command.save(update_fields=["password"])
    RoleGrant.objects.get_or_create(user=command, role=Role.COMMAND, region=fengtai)

    streets = list(Region.objects.filter(parent=fengtai).order_by("code"))
    communities = list(Region.objects.filter(path__startswith=fengtai.path, level=Region.Level.COMMUNITY).order_by("code"))
    street_of = {c.id: int(c.path.strip("/").split("/")[fengtai.depth + 1]) for c in communities}

    def near(r):
        lat, lon = r.lat or fengtai.lat or 39.86, r.lon or fengtai.lon or 116.29
        return lat + rng.uniform(-0.002, 0.002), lon + rng.uniform(-0.002, 0.002)

    # sites: a lab, three collection points per street, a checkpoint per community, four hotels
    lab = Site.objects.create(region=communities[0], kind=Site.Kind.LAB, name="bench-丰台区疾控中心实验室")
    collection = []
    for s in streets:
        mine = [c for c in communities if street_of[c.id] == s.id][:3]
        collection += [Site(region=c, kind=Site.Kind.COLLECTION, name=f"bench-{c.name}采样点", lat=near(c)[0], lon=near(c)[1]) for c in mine]
    collection = Site.objects.bulk_create(collection)
    gates = Site.objects.bulk_create([Site(region=c, kind=Site.Kind.CHECKPOINT, name=f"bench-{c.name}南门", lat=near(c)[0], lon=near(c)[1])
                                      for c in communities])
    hotels = Site.objects.bulk_create([Site(region=communities[i * 50], kind=Site.Kind.HOTEL, name=f"bench-隔离酒店{i}") for i in range(4)])

    # the campaign over Fengtai, opened yesterday morning, its points the collection sites
    local = timezone.localtime(now)
    start = (local - dt.timedelta(days=1)).replace(hour=7, minute=0, second=0, microsecond=0)
    c = testing.campaign_create(actor=admin, data=testing.CampaignData(
        name="丰台区全员核酸检测", region=fengtai, starts_at=start, ends_at=start + dt.timedelta(days=3), labs=(lab,)))
    points = {}
    for site in collection:
        points.setdefault(street_of[site.region_id], []).append(testing.point_add(actor=admin, campaign=c, site=site, desks=10).pk)

    with connection.cursor() as cur:
        cur.execute("SELECT id, region_id FROM people_person WHERE region_id = ANY(%s)", [[x.id for x in communities]])
        residents = cur.fetchall()
    rng.shuffle(residents)
    # 55 % sampled yesterday 07:00-22:00, 40 % today from 07:00 (or the last 14 hours) until ten minutes ago
    first_today = max(local.replace(hour=7, minute=0, second=0, microsecond=0), local - dt.timedelta(hours=14))
    spans = [(start, start + dt.timedelta(hours=15), 0.55), (first_today, local - dt.timedelta(minutes=10), 0.40)]
    stamped = []
    i = 0
    for a, b, share in spans:
        n = int(len(residents) * share)
        for pid, region_id in residents[i : i + n]:
            t = a + (b - a) * rng.random()
            stamped.append((t, pid, rng.choice(points[street_of[region_id]])))
        i += n
    stamped.sort()
    by_point: dict[int, list] = {}
    for t, pid, point in stamped:
        by_point.setdefault(point, []).append((t, pid))

    tubes, samples, boxes = [], [], []
    tube_id = box_id = 0
    for point, rows in by_point.items():
        box, box_hour = None, None
        for j in range(0, len(rows), 10):
            group = rows[j : j + 10]
            tube_id += 1
            opened, closed = group[0][0], group[-1][0]
            age = (now - closed).total_seconds() / 3600
            if age < 1:  # the last hour's tubes wait at the desk
                box_ref = None
            else:
                if box is None or box_hour != closed.replace(minute=0, second=0, microsecond=0) or box[5] >= 50:
                    box_id += 1
                    box_hour = closed.replace(minute=0, second=0, microsecond=0)
                    handed = closed + dt.timedelta(minutes=20)
                    if age > 4 and rng.random() < 0.02:
                        status, received = "transit", None  # lost on the road: overdue
                    elif age > 3:
                        status, received = "received", handed + dt.timedelta(minutes=50)
                    else:
                        status, received = "transit", None
                    box = [box_id, f"B{box_id:08d}", point, status, handed, 0, received]
                    boxes.append(box)
                box[5] += 1
                box_ref = box
            result = resulted = ct = None
            if box_ref is not None and box_ref[3] == "received":
                resulted = box_ref[6] + dt.timedelta(hours=rng.uniform(1, 6))
                if resulted > now:
                    resulted = None
                else:
                    positive = rng.random() < 0.002
                    result, ct = ("positive", 27.5) if positive else ("negative", None)
            tubes.append((tube_id, f"T{tube_id:09d}", c.pk, point, 10, len(group), "closed", opened, admin.pk, closed,
                          box_ref[0] if box_ref else None, result or "", ct, resulted))
            for t, pid in group:
                samples.append((c.pk, pid, tube_id, point, t, admin.pk, f"bench-{pid}", "f"))

    with connection.cursor() as cur:
        _copy(cur, "testing_box", ["id", "barcode", "campaign_id", "point_id", "lab_id", "status", "tube_count", "created_at",
                                   "closed_at", "handed_at", "courier", "received_at", "receiver"],
              [(b[0], b[1], c.pk, b[2], lab.pk, b[3], b[5], b[4], b[4], b[4], "快递员", b[6], "检测员" if b[6] else "")
               for b in boxes])
        _copy(cur, "testing_tube", ["id", "barcode", "campaign_id", "point_id", "capacity", "count", "status", "opened_at",
                                    "opened_by_id", "closed_at", "box_id", "result", "ct", "resulted_at"], tubes)
        _copy(cur, "testing_sample", ["campaign_id", "person_id", "tube_id", "point_id", "registered_at", "registered_by_id",
                                      "client_key", "is_resample"], samples)
        for table in ("testing_box", "testing_tube"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # positive pools call everyone in them back (as recalls_follow_up does); a third already reached
        cur.execute("INSERT INTO testing_recall (campaign_id, tube_id, status, created_at) SELECT campaign_id, id, 'open', resulted_at"
                    " FROM testing_tube WHERE result = 'positive' AND count > 1")
        cur.execute("INSERT INTO testing_recallitem (recall_id, person_id, status) SELECT r.id, s.person_id,"
                    " CASE WHEN random() < 0.33 THEN 'contacted' ELSE 'pending' END"
                    " FROM testing_recall r JOIN testing_sample s ON s.tube_id = r.tube_id")

    # needs: one or two open ones per community, some filled
    roles = list(NeedRole.objects.all()[:6])
    needs = []
    for comm in communities:
        for _ in range(rng.randint(1, 2)):
            head = rng.randint(2, 8)
            needs.append(Need(region=comm, role=rng.choice(roles), title="bench", start=now - dt.timedelta(hours=2),
                              end=now + dt.timedelta(hours=rng.randint(2, 30)), headcount=head, accepted_count=rng.randint(0, head),
                              checkin_code=secrets.token_hex(4).upper()))
    Need.objects.bulk_create(needs)

    # posts at every gate, two shifts under way at each, most checked in; passages and fevers today
    posts = Post.objects.bulk_create([Post(site=g, region_id=g.region_id, name=f"bench-{g.name}") for g in gates])
    pids = [pid for pid, _ in residents[:20000]]
    with connection.cursor() as cur:
        cur.execute("INSERT INTO rosters_roster (post_id, start, weeks, status, engine_status, time_limit, progress, penalties, problems,"
                    " left_out, created_at) SELECT id, %s, 1, 'published', 'OPTIMAL', 20, '[]', '[]', '[]', '[]', now()"
                    " FROM rosters_post WHERE id = ANY(%s)", [local.date() - dt.timedelta(days=local.weekday()), [p.pk for p in posts]])
        cur.execute("SELECT post_id, id FROM rosters_roster")
        roster_of = dict(cur.fetchall())
        shifts, checkins, n = [], [], 0
        for p in posts:
            for _ in range(2):
                n += 1
                person = pids[n % len(pids)]
                shifts.append((n, roster_of[p.pk], p.pk, person, local.date(), "duty", now - dt.timedelta(hours=2), now + dt.timedelta(hours=2)))
                if rng.random() < 0.85:
                    checkins.append((p.pk, n, person, now - dt.timedelta(hours=2), "tap", 0))
        _copy(cur, "rosters_assignment", ["id", "roster_id", "post_id", "person_id", "date", "line", "starts_at", "ends_at"], shifts)
        cur.execute("SELECT setval(pg_get_serial_sequence('rosters_assignment', 'id'), (SELECT max(id) FROM rosters_assignment))")
        _copy(cur, "rosters_checkin", ["post_id", "assignment_id", "person_id", "at", "method", "minutes"], checkins)
        passages, alerts = [], []
        pid_n = 0
        for p in posts:
            for _ in range(20):
                pid_n += 1
                fever = rng.random() < 0.004
                t = now - dt.timedelta(minutes=rng.randint(1, 14 * 60))
                passages.append((pid_n, p.pk, p.region_id, t, "visitor", rng.choice(["in", "out"]), "37.6" if fever else "36.5",
                                 "t", "green", "", "t" if fever else "f", admin.pk))
                if fever:
                    alerts.append((pid_n, p.region_id, "open" if rng.random() < 0.7 else "closed", "", t))
        _copy(cur, "checkpoints_passage", ["id", "post_id", "region_id", "at", "visitor_name", "direction", "temperature", "pass_checked",
                                           "health_code", "note", "fever", "recorded_by_id"], passages)
        _copy(cur, "checkpoints_feveralert", ["passage_id", "region_id", "status", "outcome", "created_at"], alerts)
        # quarantine: 1,500 cases over two weeks at four hotels, those of the first week released
        cases = []
        for k, (pid, _) in enumerate(residents[-1500:]):
            begun = local.date() - dt.timedelta(days=rng.randint(0, 13))
            released = (begun - local.date()).days < -9
            released_at = now - dt.timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 10)) if released else None
            cases.append((pid, hotels[k % 4].pk, "", "", begun, begun + dt.timedelta(days=14), 2, "released" if released else "active",
                          released_at, now))
        _copy(cur, "quarantine_case", ["person_id", "site_id", "room", "reason", "start", "planned_end", "required_tests", "status",
                                       "released_at", "created_at"], cases)
        cur.execute("ANALYZE")
    return {"fengtai_people": len(residents), "samples": len(samples), "tubes": len(tubes), "boxes": len(boxes),
            "collection_points": len(collection), "communities": len(communities), "streets": len(streets),
            "needs": len(needs), "posts": len(posts), "fever_alerts": len(alerts), "quarantine_cases": len(cases)}


def _has_table(cur, name: str) -> bool:
    cur.execute("SELECT to_regclass(%s)", [name])
    return cur.fetchone()[0] is not None


def timed(base: str, cookies: dict, path: str) -> tuple[float, int, bytes]:
    import requests

    t = time.perf_counter()
    r = requests.get(base + path, cookies=cookies, timeout=60)
    return time.perf_counter() - t, r.status_code, r.content


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=200, help="timed requests of each page")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-city", action="store_true", help="use the database as it is (regions and people loaded)")
    args = ap.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database (e.g. …/muster_bench_situation); it is created if missing.", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    if not args.skip_city:
        city(url, args.people)
    t_city = time.perf_counter() - t0

    var = Path(tempfile.mkdtemp(prefix="muster-situation-"))
    env = node_env(url, var, DJANGO_SETTINGS_MODULE="muster.settings")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "MUSTER_PII_KEY", "MUSTER_VAR_DIR",
                                           "ALLOWED_HOSTS", "SECURE_COOKIES", "LOG_LEVEL")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
    setup(url)
    from django.core.management import call_command
    from django.db import connections

    from muster.people.models import Person

    t0 = time.perf_counter()
    sizes = activity()
    t_activity = time.perf_counter() - t0
    people = Person.objects.count()
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()

    node = None
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        node = Proc("node", [sys.executable, "-m", "gunicorn", "muster.wsgi", "--workers", str(args.workers), "--timeout", "60",
                             "--bind", f"127.0.0.1:{port}"], env, var / "node.log")
        node.start()
        if not wait_http(base + "/login/", 60):
            raise RuntimeError(f"node did not start; see {var}")
        cookies = sign_in(base, "bench-fengtai")
        pages = {"situation": "/situation/", "home": "/"}
        _, status, body = timed(base, cookies, pages["situation"])
        if status != 200 or "region-table" not in body.decode():
            raise RuntimeError(f"the situation page answered {status}")
        for _ in range(5):  # warm both workers
            for path in pages.values():
                timed(base, cookies, path)
        lat: dict[str, list[float]] = {k: [] for k in pages}
        for _ in range(args.requests):
            for name, path in pages.items():
                took, status, _body = timed(base, cookies, path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                lat[name].append(took)
        figures = {name: {"p50_ms": round(pct(v, 0.5), 1), "p95_ms": round(pct(v, 0.95), 1), "max_ms": round(max(v) * 1000, 1),
                          "mean_ms": round(statistics.fmean(v) * 1000, 1)} for name, v in lat.items()}
        out = {"people": people, "city_s": round(t_city, 1), "activity_s": round(t_activity, 1), "activity": sizes,
               "workers": args.workers, "requests_each": args.requests, "pages": figures,
               "situation_p95_over_home_p95": round(figures["situation"]["p95_ms"] / figures["home"]["p95_ms"], 2),
               "target_p95_ms": TARGET_MS, "target_met": figures["situation"]["p95_ms"] < TARGET_MS}
        print(json.dumps(out, ensure_ascii=False))
        return 0
    finally:
        if node:
            node.stop()


if __name__ == "__main__":
    sys.exit(main())
