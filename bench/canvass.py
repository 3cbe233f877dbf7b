"""Benchmark: door-knocking across Fengtai district at scale (issue 13, benchmark 1), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/muster .venv/bin/python bench/canvass.py \
        [--households 800000] [--per-list 400] [--procs 2] [--requests 50] [--workers 2] [--keep]

Stages (each timed):
  generate  a scratch database `<name>_bench_canvass`: Fengtai with its streets and communities (about 2,000
            households each), buildings of 48 households (4 units × 6 floors × 2) with positions, --households
            households in all (people are not generated: the sync path only looks residents up by household);
  campaign  one district campaign over Fengtai (muster.canvass.actions.campaign_create: a door per household);
  cut       walk lists of about --per-list households (actions.lists_cut: the pure planner plus the updates),
            one visitor account per list;
  sync      every door visited once through the sync endpoint's code (muster.canvass.api._batch → visits_sync),
            in batches of 50 per visitor as the phone sends them, by --procs processes; two thirds completed with
            answers (some matching a rule), the rest the other survey codes;
  board     one gunicorn node (DEBUG=0, --workers); a district command user signs in; GET of the campaign board
            at district level (by street), street level (?in=<street>, by community) and community level
            (?in=<community>, by building, with the SVG map), --requests each after warm-up.

Where the server runs with autovacuum off (this machine's CI cluster), the bench does what autovacuum would
(common.Autovacuum): without it the sync's foreign-key checks keep the plans made when the visit table was empty.

Prints JSON: sizes, seconds per stage, visits synced per second, p50/p95 of each board level, and whether the
target (district board p95 < 300 ms) is met. The scratch database is dropped unless --keep.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import Autovacuum, close_connections, drop, pct, scratch, setup  # noqa: E402 - bench/common.py
from desk_http import node_env, sign_in  # noqa: E402 - the desk bench's node and sign-in
from faults import PASSWORD, Proc, free_port, wait_http  # noqa: E402 - the fault bench's nodes

TARGET_MS = 300
PER_COMMUNITY = 2000
PER_STREET = 20


def generate(households: int) -> dict:
    """Fengtai, its streets and communities, buildings and households, set-wise."""
    import random

    from common import district

    from muster.geo.models import Building, Household, Region
    from muster.testworld import make_region

    fengtai = district()
    fengtai.lat, fengtai.lon = 39.85, 116.28
    fengtai.save(update_fields=["lat", "lon"])
    rng = random.Random(13)
    communities = max(1, -(-households // PER_COMMUNITY))
    streets = max(1, -(-communities // PER_STREET))
    made, left = [], households
    for s in range(streets):
        street = make_region(f"110106{s + 1:03d}000", f"街道{s + 1}", Region.Level.STREET, fengtai)
        for k in range(min(PER_STREET, communities - s * PER_STREET)):
            lat, lon = 39.80 + rng.uniform(0, 0.1), 116.20 + rng.uniform(0, 0.15)
            made.append((make_region(f"110106{s + 1:03d}{k + 1:03d}", f"社区{s + 1}-{k + 1}", Region.Level.COMMUNITY, street,
                                     lat, lon), min(PER_COMMUNITY, left)))
            left -= min(PER_COMMUNITY, left)
    n_buildings = n_households = 0
    for community, count in made:
        nb = -(-count // 48)
        blds = Building.objects.bulk_create([
            Building(region=community, name=f"{b}号楼", lat=community.lat + rng.uniform(-0.004, 0.004),
                     lon=community.lon + rng.uniform(-0.005, 0.005)) for b in range(1, nb + 1)])
        rows = []
        for b in blds:
            for unit in ("1", "2", "3", "4"):
                for floor in range(1, 7):
                    for room in ("01", "02"):
                        rows.append(Household(region=community, building=b, unit=unit, room=f"{floor}{room}"))
        Household.objects.bulk_create(rows[:count], batch_size=5000)
        n_buildings += nb
        n_households += min(count, len(rows))
    return {"streets": streets, "communities": len(made), "buildings": n_buildings, "households": n_households}


def users(n_lists: int):
    from django.contrib.auth.hashers import make_password

    from muster.accounts.models import Role, RoleGrant, User
    from muster.geo.models import Region

    fengtai = Region.objects.get(code="110106000000")
    hashed = make_password(PASSWORD)
    cmd = User.objects.create(username="bench-fengtai", password=hashed)
    RoleGrant.objects.create(user=cmd, role=Role.COMMAND, region=fengtai)
    visitors = User.objects.bulk_create([User(username=f"visitor{i:05d}", password=hashed) for i in range(n_lists)])
    return cmd, visitors


def _sync_worker(url: str, list_ids: list[int], q) -> None:
    """One process: every door of its lists visited once, in batches of 50 through the sync endpoint's code."""
    setup(url)
    import random
    import uuid

    from django.utils import timezone

    from muster.canvass.api import PersonIn, VisitIn, _batch
    from muster.canvass.models import Door, WalkList

    rng = random.Random(list_ids[0] if list_ids else 0)
    ok = refused = 0
    t0 = time.perf_counter()
    for wl in WalkList.objects.filter(pk__in=list_ids).select_related("assignee"):
        doors = list(Door.objects.filter(walk_list=wl).values_list("id", flat=True))
        for i in range(0, len(doors), 50):
            batch = []
            for d in doors[i:i + 50]:
                r = rng.random()
                result = "completed" if r < 0.66 else "not_home" if r < 0.86 else rng.choice(
                    ["no_respondent", "refused", "vacant", "not_found", "other"])
                people = [PersonIn(name="住户", answers={"market": rng.random() < 0.01, "symptoms": rng.random() < 0.003})] \
                    if result == "completed" else []
                batch.append(VisitIn(key=uuid.uuid4().hex, door=d, result=result, recorded_at=timezone.now(), people=people))
            for out in _batch(wl.assignee, batch):
                if out["outcome"] == "recorded":
                    ok += 1
                else:
                    refused += 1
    q.put((ok, refused, time.perf_counter() - t0))
    close_connections()


def sync_all(url: str, procs: int) -> dict:
    from muster.canvass.models import WalkList

    ids = list(WalkList.objects.order_by("pk").values_list("pk", flat=True))
    close_connections()
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    workers = [ctx.Process(target=_sync_worker, args=(url, ids[i::procs], q)) for i in range(procs)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    results = [q.get() for _ in workers]
    for w in workers:
        w.join()
    secs = time.perf_counter() - t0
    ok = sum(r[0] for r in results)
    return {"visits": ok, "refused": sum(r[1] for r in results), "seconds": round(secs, 1), "per_second": round(ok / secs, 1)}


def timed(base: str, cookies: dict, path: str) -> tuple[float, int, bytes]:
    import requests

    t = time.perf_counter()
    r = requests.get(base + path, cookies=cookies, timeout=120)
    return time.perf_counter() - t, r.status_code, r.content


def board(url: str, env: dict, var: Path, campaign_id: int, street_id: int, community_id: int, requests_n: int,
          workers: int) -> dict:
    pages = {"district": f"/canvass/c/{campaign_id}/", "street": f"/canvass/c/{campaign_id}/?in={street_id}",
             "community": f"/canvass/c/{campaign_id}/?in={community_id}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    node = Proc("node", [sys.executable, "-m", "gunicorn", "muster.wsgi", "--workers", str(workers), "--timeout", "120",
                         "--bind", f"127.0.0.1:{port}"], env, var / "node.log")
    node.start()
    try:
        if not wait_http(base + "/login/", 60):
            raise RuntimeError(f"node did not start; see {var}")
        cookies = sign_in(base, "bench-fengtai")
        for name, path in pages.items():
            _t, status, body = timed(base, cookies, path)
            if status != 200 or b'id="coverage"' not in body:
                raise RuntimeError(f"{name} board answered {status}")
        for _ in range(3):
            for path in pages.values():
                timed(base, cookies, path)
        lat: dict[str, list[float]] = {k: [] for k in pages}
        for _ in range(requests_n):
            for name, path in pages.items():
                took, status, _b = timed(base, cookies, path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                lat[name].append(took)
        return {name: {"p50_ms": round(pct(v, 0.5), 1), "p95_ms": round(pct(v, 0.95), 1), "max_ms": round(max(v) * 1000, 1)}
                for name, v in lat.items()}
    finally:
        node.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--households", type=int, default=800_000)
    ap.add_argument("--per-list", type=int, default=400, help="households per walk list")
    ap.add_argument("--procs", type=int, default=2, help="processes recording visits")
    ap.add_argument("--requests", type=int, default=50, help="timed requests of each board level")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = ap.parse_args(argv)
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (the scratch database <name>_bench_canvass is made beside it).",
              file=sys.stderr)
        return 2
    url = scratch(base_url, "canvass")
    var = Path(tempfile.mkdtemp(prefix="muster-canvass-"))
    env = node_env(url, var, DJANGO_SETTINGS_MODULE="muster.settings")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "MUSTER_PII_KEY", "MUSTER_VAR_DIR",
                                           "ALLOWED_HOSTS", "SECURE_COOKIES", "LOG_LEVEL")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
    av = None
    try:
        setup(url)
        av = Autovacuum(url).__enter__()
        import datetime as dt

        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from muster.canvass import actions
        from muster.canvass.models import Door, Finding
        from muster.geo.models import Region

        stages: dict[str, float] = {}
        t = time.perf_counter()
        sizes = generate(args.households)
        stages["generate_s"] = round(time.perf_counter() - t, 1)
        fengtai = Region.objects.get(code="110106000000")
        n_lists = max(1, sizes["households"] // args.per_list)
        cmd, visitors = users(n_lists)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        t = time.perf_counter()
        now = timezone.now()
        c = actions.campaign_create(actor=cmd, name="丰台区敲门行动", region=fengtai, purpose_text="排查新发地市场接触人员",
                                    template="market", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=3))
        stages["campaign_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        lists = actions.lists_cut(actor=cmd, campaign=c, lists=n_lists)
        stages["cut_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        for wl, v in zip(lists, visitors, strict=False):
            actions.list_assign(actor=cmd, walk_list=wl, assignee=v)
        stages["assign_s"] = round(time.perf_counter() - t, 1)
        sizes_lists = [wl.doors.count() for wl in lists[:200]]
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        sync = sync_all(url, args.procs)
        stages["sync_s"] = sync["seconds"]
        pending = Door.objects.filter(campaign=c, status=Door.Status.PENDING).count()
        findings = Finding.objects.filter(campaign=c).count()
        street = Region.objects.filter(level=Region.Level.STREET, parent=fengtai).order_by("code").first()
        community = Region.objects.filter(level=Region.Level.COMMUNITY, parent=street).order_by("code").first()
        if av.active:  # what autovacuum does within a minute of the sync's last write (VACUUM after 1.6 M door updates)
            av.pass_once()
        av.__exit__(None, None, None)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
            # The sync's last gigabytes written out now, not by the checkpointer while the boards are being timed.
            cur.execute("CHECKPOINT")
        call_command("collectstatic", interactive=False, verbosity=0)
        close_connections()
        pages = board(url, env, var, c.pk, street.pk, community.pk, args.requests, args.workers)
        out = {"sizes": {**sizes, "lists": len(lists), "list_households_min_max_first200": [min(sizes_lists), max(sizes_lists)],
                         "findings": findings, "doors_left_unvisited": pending},
               "stages": stages, "sync": sync, "board": pages, "workers": args.workers, "requests_each": args.requests,
               "autovacuum": "server" if not av.active else f"stand-in: {av.runs} VACUUM (ANALYZE) of due tables",
               "target_district_p95_ms": TARGET_MS, "target_met": pages["district"]["p95_ms"] < TARGET_MS}
        print(json.dumps(out, ensure_ascii=False))
        return 0
    finally:
        close_connections()
        if av is not None:
            av.__exit__(None, None, None)
        if not args.keep:
            drop(base_url, url)


if __name__ == "__main__":
    sys.exit(main())
