"""Where a desk request's time goes: the full middleware stack in one process, step by step.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/desk_cost.py [--n 600]

Builds a scratch database (`<name>_bench_desk_cost`, dropped afterwards) with the desk benches'
city (common.desk_city), signs a clerk in, and times --n requests of each kind through Django's handler
(every middleware, no socket), interleaved so that a busy machine slows them alike:

  healthz   GET /healthz/node, no session
  noop      POST /api/bench/points/{id}/noop: session, user, CSRF, ninja auth, the body schema
  scope     the no-op plus the user's grants and the point (selectors.point_get)
  desk      POST .../scan as the desk sends it (one statement, permission inside), with a POST .../tubes
            before every tenth scan (one statement too: the tube, its permission and its audit event)
  desk_full POST .../scan by the general path (grants, point, then desk_scan's statement)

with the database session engine and with the cached_db engine on Redis (REDIS_URL). Prints
JSON: mean ms per request and queries per request for each, and the desk's share of the no-op.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from common import desk_city, scratch_database, server_url, setup  # bench/common.py


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--profile", choices=["healthz", "noop", "scope", "desk", "desk_full"],
                    help="also profile the CPU of --n/2 requests of this kind (cProfile) and print the top functions to stderr")
    ap.add_argument("--profile-out", help="with --profile: also write the profile there (pstats format)")
    args = ap.parse_args(argv)
    base = server_url()
    if base is None:
        return 2
    os.environ.update(DEBUG="0", SECRET_KEY="bench-desk-cost-" + "x" * 40, ALLOWED_HOSTS="testserver",
                      SECURE_COOKIES="0", LOG_LEVEL="ERROR", DJANGO_SETTINGS_MODULE="noop_settings")
    os.environ.setdefault("MUSTER_PII_KEY", "S0bX0Zs3m8QeJ6j7d2c1bN4v5Y9a8p7q6r5s4t3u2w0=")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    with scratch_database(base, "desk_cost") as url:
        setup(url)
        return run(args)


def run(args) -> int:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from muster.accounts.models import User
    from muster.testing import actions, selectors

    prep = desk_city(args.n * 3 + 100, 10, 1)  # measured desk and desk_full scans, and a profiled kind
    clerk = User.objects.get(pk=prep["clerks"][0])
    point = prep["point"]
    ids = iter(prep["ids"])
    api = f"/api/v1/testing/points/{point}"
    csrf = "B" * 32
    tube = {"n": 0, "open": None}
    results: dict[str, dict] = {}

    def client() -> Client:
        c = Client(enforce_csrf_checks=True)
        c.force_login(clerk)
        c.cookies["csrftoken"] = csrf
        return c

    def post(c, path, body):
        r = c.post(path, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
        if r.status_code >= 300:
            raise RuntimeError(f"{path} answered {r.status_code}: {r.content[:200]!r}")
        return r

    def ensure_tube(c) -> str:
        if tube["open"] is None:
            tube["n"] += 1
            tube["open"] = f"T9{tube['n']:08d}"
            post(c, api + "/tubes", {"barcode": tube["open"]})
        return tube["open"]

    def scan(c, direct: bool):
        t = ensure_tube(c)
        if direct:
            r = post(c, api + "/scan", {"tube": t, "scan": next(ids), "key": f"k{time.perf_counter_ns()}"})
        else:
            real = actions.desk_scan_direct
            actions.desk_scan_direct = lambda **kw: None
            try:
                r = post(c, api + "/scan", {"tube": t, "scan": next(ids), "key": f"k{time.perf_counter_ns()}"})
            finally:
                actions.desk_scan_direct = real
        if r.json()["tube"]["status"] == "closed":
            tube["open"] = None

    def scope_only(c):
        r = post(c, f"/api/bench/points/{point}/noop", {"tube": "T0000000000", "scan": "x", "key": "k"})
        selectors.point_get(r.wsgi_request.user, point)

    kinds = {
        "healthz": lambda c: c.get("/healthz/node"),
        "noop": lambda c: post(c, f"/api/bench/points/{point}/noop", {"tube": "T0000000000", "scan": "x", "key": "k"}),
        "scope": scope_only,
        "desk": lambda c: scan(c, True),
        "desk_full": lambda c: scan(c, False),
    }
    engines = {"db": "django.contrib.sessions.backends.db", "cached_db_redis": "django.contrib.sessions.backends.cached_db"}
    for label, engine in engines.items():
        with override_settings(SESSION_ENGINE=engine):
            c = client()
            for fn in kinds.values():  # warm: connections, prepared statements, caches
                fn(c)
            per = args.n // 2
            times = {k: 0.0 for k in kinds}
            queries = {}
            for k, fn in kinds.items():
                with CaptureQueriesContext(connection) as q:
                    fn(c)
                queries[k] = len(q.captured_queries)
            for _ in range(per):
                for k, fn in kinds.items():
                    t0 = time.perf_counter()
                    fn(c)
                    times[k] += time.perf_counter() - t0
            ms = {k: round(v / per * 1000, 3) for k, v in times.items()}
            results[label] = {"ms_per_request": ms, "queries_per_request": queries,
                              "desk_over_noop_time": round(ms["noop"] / ms["desk"], 3),
                              "desk_full_over_noop_time": round(ms["noop"] / ms["desk_full"], 3)}
    print(json.dumps({"n_per_kind": args.n // 2, "session_engine_default": settings.SESSION_ENGINE, **results}))
    if args.profile:
        import cProfile
        import pstats

        c, fn = client(), kinds[args.profile]
        fn(c)
        prof = cProfile.Profile(time.process_time)  # this process's CPU: waiting on PostgreSQL is not counted
        prof.runcall(lambda: [fn(c) for _ in range(args.n // 2)])
        if args.profile_out:
            prof.dump_stats(args.profile_out)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
