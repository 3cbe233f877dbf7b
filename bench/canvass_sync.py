"""Benchmark: 100 visitors syncing 200 visits each at once, every batch resent once (issue 13, benchmark 2), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/muster .venv/bin/python bench/canvass_sync.py \
        [--visitors 100] [--visits 200] [--batch 50] [--workers 2] [--keep]

A scratch database `<name>_bench_canvass_sync` with one Fengtai campaign of visitors × visits households, cut
into one walk list per visitor (bench/canvass.py's generator); one gunicorn node (DEBUG=0, --workers). Each
visitor signs in, then all of them at once (one thread each) post their visits to /api/v1/canvass/sync in
batches of --batch, each batch posted twice in a row, as a phone does when the first answer is lost.

Prints JSON: visits synced per second (first posts), requests per second (all posts), p50/p95 per request,
the outcomes (recorded on the first post, replayed on the second), and the check against the database:
visits stored, duplicated (a door with more than one visit) and lost (a visit sent but not stored): both 0.
Where the server runs with autovacuum off, the bench does what autovacuum would during the burst (common.Autovacuum).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from canvass import generate, users  # noqa: E402 - bench/canvass.py
from common import Autovacuum, close_connections, drop, pct, scratch, setup  # noqa: E402 - bench/common.py
from desk_http import node_env, sign_in  # noqa: E402 - the desk bench's node and sign-in
from faults import Proc, free_port, wait_http  # noqa: E402 - the fault bench's nodes


def post(base: str, cookies: dict, body: dict) -> tuple[float, int, dict]:
    import requests

    t = time.perf_counter()
    r = requests.post(base + "/api/v1/canvass/sync", json=body, cookies=cookies, timeout=120,
                      headers={"X-CSRFToken": cookies["csrftoken"], "Origin": base, "Referer": base + "/"})
    took = time.perf_counter() - t
    try:
        return took, r.status_code, r.json()
    except ValueError:
        return took, r.status_code, {}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--visitors", type=int, default=100)
    ap.add_argument("--visits", type=int, default=200, help="visits per visitor")
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server.", file=sys.stderr)
        return 2
    url = scratch(base_url, "canvass_sync")
    var = Path(tempfile.mkdtemp(prefix="muster-canvass-sync-"))
    env = node_env(url, var, DJANGO_SETTINGS_MODULE="muster.settings")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "MUSTER_PII_KEY", "MUSTER_VAR_DIR",
                                           "ALLOWED_HOSTS", "SECURE_COOKIES", "LOG_LEVEL")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
    node = None
    try:
        setup(url)
        import datetime as dt

        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count
        from django.utils import timezone

        from muster.canvass import actions
        from muster.canvass.models import Door, Visit
        from muster.geo.models import Region

        generate(args.visitors * args.visits)
        fengtai = Region.objects.get(code="110106000000")
        cmd, visitors = users(args.visitors)
        now = timezone.now()
        c = actions.campaign_create(actor=cmd, name="同时同步", region=fengtai, purpose_text="bench", template="market",
                                    starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=1))
        lists = actions.lists_cut(actor=cmd, campaign=c, lists=args.visitors)
        plan = []
        for wl, v in zip(lists, visitors, strict=False):
            actions.list_assign(actor=cmd, walk_list=wl, assignee=v)
            doors = list(Door.objects.filter(walk_list=wl).order_by("pk").values_list("pk", flat=True))
            plan.append((v.username, doors))
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        call_command("collectstatic", interactive=False, verbosity=0)
        close_connections()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        node = Proc("node", [sys.executable, "-m", "gunicorn", "muster.wsgi", "--workers", str(args.workers), "--timeout", "120",
                             "--bind", f"127.0.0.1:{port}"], env, var / "node.log")
        node.start()
        if not wait_http(base + "/login/", 60):
            raise RuntimeError(f"node did not start; see {var}")
        cookies = {name: sign_in(base, name) for name, _d in plan}
        lat: list[float] = []
        outcomes: dict[str, int] = {}
        errors: list[str] = []
        sent_keys: list[str] = []
        lock = threading.Lock()
        start = threading.Barrier(len(plan) + 1)

        def visitor(name: str, doors: list[int]) -> None:
            start.wait()
            for i in range(0, len(doors), args.batch):
                at = timezone.now().isoformat()
                batch = [{"key": uuid.uuid4().hex, "door": d, "result": "completed" if d % 3 else "not_home",
                          "recorded_at": at,
                          "people": [{"name": "住户", "answers": {"market": d % 97 == 0}}] if d % 3 else []}
                         for d in doors[i:i + args.batch]]
                for attempt in ("first", "resent"):
                    took, status, body = post(base, cookies[name], {"visits": batch})
                    with lock:
                        lat.append(took)
                        if status != 200:
                            errors.append(f"{name} {attempt}: {status} {body}")
                            continue
                        for r in body["results"]:
                            outcomes[f"{attempt}:{r['outcome']}"] = outcomes.get(f"{attempt}:{r['outcome']}", 0) + 1
                with lock:
                    sent_keys.extend(v["key"] for v in batch)

        threads = [threading.Thread(target=visitor, args=p) for p in plan]
        for t in threads:
            t.start()
        with Autovacuum(url) as av:  # where the server runs without autovacuum (see common.Autovacuum)
            start.wait()
            t0 = time.perf_counter()
            for t in threads:
                t.join()
            secs = time.perf_counter() - t0
        setup(url)
        stored = Visit.objects.filter(campaign=c).count()
        duplicated = Visit.objects.filter(campaign=c).values("door").annotate(n=Count("id")).filter(n__gt=1).count()
        stored_keys = set(Visit.objects.filter(campaign=c).values_list("key", flat=True))
        lost = sum(1 for k in sent_keys if k not in stored_keys)
        total = args.visitors * args.visits
        out = {"visitors": args.visitors, "visits_each": args.visits, "batch": args.batch, "workers": args.workers,
               "seconds": round(secs, 1), "visits_synced_per_s": round(stored / secs, 1),
               "requests": len(lat), "requests_per_s": round(len(lat) / secs, 1),
               "request_p50_ms": round(pct(lat, 0.5), 1), "request_p95_ms": round(pct(lat, 0.95), 1),
               "outcomes": outcomes, "errors": errors[:5], "visits_sent": total, "visits_stored": stored,
               "duplicated": duplicated, "lost": lost,
               "autovacuum": "server" if not av.active else f"stand-in: {av.runs} VACUUM (ANALYZE) of due tables", "ok": stored == total and duplicated == 0 and lost == 0 and not errors}
        print(json.dumps(out, ensure_ascii=False))
        return 0 if out["ok"] else 1
    finally:
        if node:
            node.stop()
        close_connections()
        if not args.keep:
            drop(base_url, url)


if __name__ == "__main__":
    sys.exit(main())
