"""Benchmark: a sign-up burst. 2,000 volunteers sign up for the same 50 sessions at once through the request path
(the API's POST /api/v1/volunteering/sessions/{id}/signup with each person's token), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/muster_bench .venv/bin/python bench/volunteer_burst.py \
        [--people 2000] [--sessions 50] [--places 20] [--clients 64] [--workers 2]

Each person picks one session (round robin), so every session is asked for far more places than it has. Prints JSON:
sign-ups per second (every answered request, and the places taken), the answers by status, and the check that no
session is over-filled: for each, confirmed sign-ups == `taken` <= `places`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import pct, scratch_database, server_url, setup  # noqa: E402
from volunteer_city import build, node, request  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=2000)
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--places", type=int, default=20)
    ap.add_argument("--clients", type=int, default=64, help="concurrent HTTP clients")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    base_url = server_url()
    if base_url is None:
        return 2
    with scratch_database(base_url, "volunteer_burst") as url:
        setup(url, DEBUG="1")
        city = build(projects=args.sessions, signups=0, volunteers=args.people, sessions_per_project=1,
                     accounts=args.people, places=args.places, communities=10)
        sessions = city["session_ids"][: args.sessions]
        jobs = [(token, sessions[i % len(sessions)], i) for i, token in enumerate(city["tokens"])]
        with node(url, args.workers) as base:
            def one(job):
                token, session, i = job
                return request(base, "POST", f"/api/v1/volunteering/sessions/{session}/signup",
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                        "Idempotency-Key": f"burst-{i}"}, body=b"{}")

            request(base, "GET", "/api/v1/volunteering/projects")  # warm
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                answers = list(pool.map(one, jobs))
            wall = time.perf_counter() - t0
        from django.db import connections
        from django.db.models import Count, Q

        from muster.volunteering.models import Session, Signup

        connections.close_all()
        rows = Session.objects.filter(pk__in=sessions).annotate(
            held=Count("signups", filter=Q(signups__status__in=Signup.HOLDING)))
        over = [s.pk for s in rows if s.held > s.places or s.taken != s.held]
        statuses: dict[int, int] = {}
        for _t, status, _b in answers:
            statuses[status] = statuses.get(status, 0) + 1
        taken = sum(s.taken for s in rows)
        print(json.dumps({"people": len(jobs), "sessions": len(sessions), "places_each": args.places,
                          "clients": args.clients, "workers": args.workers, "seconds": round(wall, 2),
                          "requests_per_s": round(len(jobs) / wall, 1), "places_taken": taken,
                          "signups_per_s": round(taken / wall, 1), "statuses": statuses,
                          "p50_ms": round(pct([a[0] for a in answers], 0.5), 1),
                          "p95_ms": round(pct([a[0] for a in answers], 0.95), 1),
                          "over_filled_sessions": len(over), "expected_taken": min(len(jobs), len(sessions) * args.places),
                          "ok": not over and taken == min(len(jobs), len(sessions) * args.places)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
